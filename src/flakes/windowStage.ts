/**
 * A run file being folded (WindowFold.begin, stage, commit): per record only its test, its cell code
 * and, for the few that carry them, its quarantine mark and first failure. The arrays are reused from
 * file to file, so reading a history allocates them once instead of promoting a new set per file into
 * the old generation (each lives through the whole file, so through several young collections).
 */
import { testId, type AttemptFailure, type QuarantineMark, type RunReport, type TestRecord } from './schema.ts';
import { cellCode, NO_CELLS, type FoldTest } from './windowCells.ts';

/** Set in a staged code when the record ran (was not skipped). */
export const RAN = 0x100;

/** A fold's test: its row in the fold's columns; its worst record in the staged run `serial` (set when staging, read at commit). */
export type Staging = FoldTest & { row?: number; serial?: number; worst?: number };

export class RunStage {
  header: RunReport | undefined;
  serial = 0;
  /** Records staged so far; `tests` and `codes` are valid up to it. */
  count = 0;
  readonly tests: FoldTest[] = [];
  /** Each record's cell code, with RAN set when it was not skipped. */
  codes = new Uint16Array(1024);
  /** By record index: the quarantine mark of a record that ran, the first failure of a flaky or failed one. */
  readonly extras = new Map<number, { quarantined?: QuarantineMark; failure?: AttemptFailure }>();
  /** Tests not yet in the fold, by id, in order of first record: added at commit. */
  readonly fresh = new Map<string, FoldTest>();

  reset(header: RunReport): void {
    this.header = header;
    this.serial++;
    this.count = 0;
    this.extras.clear();
    this.fresh.clear();
  }

  push(records: readonly TestRecord[], known: ReadonlyMap<string, FoldTest>): void {
    for (const t of records) {
      const id = testId(t);
      let test = known.get(id) ?? this.fresh.get(id);
      if (!test) this.fresh.set(id, (test = { file: t.file, name: t.name, cells: NO_CELLS }));
      const code = cellCode(t.status, t.quarantined !== undefined, t.failures?.[0]?.category);
      // The worst record of the test in this run decides whether the run counts for first and last seen.
      const entry = test as Staging;
      entry.worst = entry.serial === this.serial ? Math.max(entry.worst!, code) : code;
      entry.serial = this.serial;
      const ran = t.status !== 'skipped';
      const first = t.status === 'flaky' || t.status === 'failed' ? t.failures?.[0] : undefined;
      if ((ran && t.quarantined) || first)
        this.extras.set(this.count, { quarantined: ran ? t.quarantined : undefined, failure: first });
      if (this.count === this.codes.length) {
        const bigger = new Uint16Array(this.codes.length * 2);
        bigger.set(this.codes);
        this.codes = bigger;
      }
      this.tests[this.count] = test;
      this.codes[this.count++] = ran ? code | RAN : code;
    }
  }
}
