/**
 * The window as a fold over run reports, one at a time: a store streams its runs (or shards) through
 * `add` and drops each one, so memory grows with tests × runs as one byte per cell, never with the
 * reports' size. A cell is one test in one run (the shards of a run id are one run): the worst of
 * its records wins. Finishing (cross-run flakiness, rates, totals) is in windowFinish.ts, shared by
 * every store.
 */
import { testId, type AttemptFailure, type QuarantineMark, type RunReport, type TestRecord } from './schema.ts';
import type { Evidence } from './windowTypes.ts';
import { inRunOrder } from './windowOrder.ts';
import { RAN, RunStage, type Staging } from './windowStage.ts';

import {
  cellCode,
  cellStatus,
  NO_CELLS,
  STATUS_CODES,
  type FoldQuery,
  type FoldState,
  type FoldTest,
} from './windowCells.ts';
export {
  STATUS_CODES,
  STATUS_OF,
  cellCode,
  cellStatus,
  cellQuarantined,
  cellCategory,
  NO_CELLS,
  type FoldRun,
  type FoldTest,
  type FoldQuery,
  type FoldState,
} from './windowCells.ts';

/** One test's records in one report (a test id can appear twice, as two tests with one title). */
export interface ReportRow {
  file: string;
  name: string;
  /** The worst record's cell code. */
  code: number;
  /** Whether any record ran (was not skipped); the first that did gives the quarantine mark. */
  ran: boolean;
  quarantined?: QuarantineMark;
  /** The first failure of the first flaky or failed record. */
  failure?: AttemptFailure;
}

/** A report's records, one row per test id: what every store keeps of them (the folder in memory, Postgres as rows). */
export function reportRows(report: RunReport): Map<string, ReportRow> {
  const rows = new Map<string, ReportRow>();
  for (const t of report.tests) {
    const id = testId(t);
    let row = rows.get(id);
    if (!row) rows.set(id, (row = { file: t.file, name: t.name, code: 0, ran: false }));
    row.code = Math.max(row.code, cellCode(t.status, t.quarantined !== undefined, t.failures?.[0]?.category));
    if (t.status !== 'skipped' && !row.ran) {
      row.ran = true;
      if (t.quarantined) row.quarantined = t.quarantined;
    }
    const first = t.failures?.[0];
    if (first && (t.status === 'flaky' || t.status === 'failed') && !row.failure) row.failure = first;
  }
  return rows;
}

export const shardKey = (r: RunReport): string =>
  (r.run.mergedShards ?? (r.run.shard ? [r.run.shard] : [])).map((s) => `${s.index}/${s.count}`).join(',');

/** Orders records for "latest": by finish time, then run id, then shard, so every store picks the same one. */
export const recordKey = (finishedAt: string, runId: string, shard: string): string =>
  `${finishedAt}\u0000${runId}\u0000${shard}`;

interface OpenRun {
  report: RunReport;
  finishedAt: string;
  ordinal: number;
  key: string;
}

/** A test's cells until the fold's state() gives them (the fold keeps them in columns). */

export class WindowFold {
  readonly #query: FoldQuery;
  readonly #runs = new Map<
    string,
    { ordinal: number; finishedAt: string; shas: Set<string | undefined>; branches: Set<string | undefined> }
  >();
  readonly #tests = new Map<string, FoldTest>();
  /** Run id and shard of every report added: a run shard counts once (Postgres: unique on both), the first one wins. */
  readonly #added = new Set<string>();
  readonly #stage = new RunStage();
  /**
   * The cells, one column per run ordinal and one row per test (Staging.row): a run adds one array; a
   * test's own array, grown run by run, made garbage that outlived young collections and grew the heap.
   */
  #columns: Uint8Array[] = [];
  #rows = 0;

  constructor(query: FoldQuery) {
    this.#query = query;
  }

  /** One run report (a run, or one shard of it), whole in memory: a row per test id (reportRows, as Postgres files them). */
  add(report: RunReport): void {
    const run = this.#open(report);
    if (!run) return;
    for (const [id, r] of reportRows(report)) {
      let test = this.#tests.get(id);
      if (!test) this.#insert(id, (test = { file: r.file, name: r.name, cells: NO_CELLS }));
      this.#seen(test, r.code, run.finishedAt);
      if (run.ordinal < 0) continue;
      this.#cell(test, run.ordinal, r.code);
      if (r.ran) this.#latest(test, run, r.quarantined, r.failure);
    }
  }

  /**
   * The streamed way in (the folder store, runFile.ts): a run file's header, then its records chunk by
   * chunk (`stage`), then `commit`. Nothing is folded before the commit, so a file found unreadable half
   * way leaves no trace; one file at a time. False when the run is not read (another branch, a shard
   * already counted).
   */
  begin(header: RunReport): boolean {
    if (!this.#wanted(header)) return false;
    this.#stage.reset(header);
    return true;
  }

  /** Records of the begun run, in file order (see RunStage). */
  stage(records: readonly TestRecord[]): void {
    this.#stage.push(records, this.#tests);
  }

  /** Folds the begun run: record by record, what `add` does row by row (the first record that ran or failed wins in a run). */
  commit(): void {
    const staged = this.#stage;
    const run = staged.header && this.#open(staged.header);
    staged.header = undefined;
    if (!run) return;
    for (const [id, test] of staged.fresh) this.#insert(id, test);
    for (let i = 0; i < staged.count; i++) {
      const test = staged.tests[i]!;
      const code = staged.codes[i]! & ~RAN;
      this.#seen(test, (test as Staging).worst!, run.finishedAt);
      if (run.ordinal < 0) continue;
      this.#cell(test, run.ordinal, code);
      if (!(staged.codes[i]! & RAN)) continue;
      const extra = staged.extras.get(i);
      this.#latest(test, run, extra?.quarantined, extra?.failure);
    }
  }

  #wanted(report: RunReport): boolean {
    const run = report.run;
    if (this.#query.branch !== undefined && run.branch !== this.#query.branch) return false;
    return !this.#added.has(`${run.id}\u0000${shardKey(report)}`);
  }

  /** Marks the run shard as counted; its ordinal (-1 outside the window) and its key for "latest". */
  #open(report: RunReport): OpenRun | undefined {
    if (!this.#wanted(report)) return undefined;
    const run = report.run;
    this.#added.add(`${run.id}\u0000${shardKey(report)}`);
    const at = Date.parse(run.finishedAt);
    const within = at >= this.#query.from && at <= this.#query.to;
    return {
      report,
      finishedAt: run.finishedAt,
      ordinal: within ? this.#runOrdinal(report) : -1,
      key: recordKey(run.finishedAt, run.id, shardKey(report)),
    };
  }

  #seen(test: FoldTest, worst: number, finishedAt: string): void {
    if (cellStatus(worst) !== STATUS_CODES.flaky) return;
    if (!test.firstSeen || finishedAt < test.firstSeen) test.firstSeen = finishedAt;
    if (!test.lastSeen || finishedAt > test.lastSeen) test.lastSeen = finishedAt;
  }

  #cell(test: FoldTest, ordinal: number, code: number): void {
    const column = this.#columns[ordinal]!;
    const row = (test as Staging).row!;
    column[row] = Math.max(column[row]!, code);
  }

  /** A new test gets the next row of every run's column (columns grow by doubling, all at once). */
  #insert(id: string, test: FoldTest): void {
    (test as Staging).row = this.#tests.size;
    this.#tests.set(id, test);
    if (this.#tests.size <= this.#rows) return;
    this.#rows = Math.max(64, this.#rows * 2);
    this.#columns = this.#columns.map((column) => {
      const bigger = new Uint8Array(this.#rows);
      bigger.set(column);
      return bigger;
    });
  }

  /** The latest record that ran gives the quarantine mark, the latest failure the evidence (the first in a run wins). */
  #latest(test: FoldTest, run: OpenRun, quarantined?: QuarantineMark, failure?: AttemptFailure): void {
    if (!test.latestKey || run.key > test.latestKey) {
      test.latestKey = run.key;
      test.quarantined = quarantined;
    }
    if (failure && (!test.evidenceKey || run.key > test.evidenceKey)) {
      test.evidenceKey = run.key;
      test.evidence = evidenceOf(failure, run.report);
    }
  }

  #runOrdinal(report: RunReport): number {
    const { id, finishedAt, sha, branch } = report.run;
    const seen = this.#runs.get(id);
    if (seen) {
      if (finishedAt > seen.finishedAt) seen.finishedAt = finishedAt;
      seen.shas.add(sha);
      seen.branches.add(branch);
      return seen.ordinal;
    }
    const ordinal = this.#runs.size;
    this.#runs.set(id, { ordinal, finishedAt, shas: new Set([sha]), branches: new Set([branch]) });
    this.#columns.push(new Uint8Array(this.#rows));
    return ordinal;
  }

  /** The runs in run order (finish, then id) and the tests, their cells in that order: the input of finishWindow. */
  state(): FoldState {
    const one = (values: Set<string | undefined>): string | undefined =>
      values.size === 1 ? [...values][0] : undefined;
    const { runs, order } = inRunOrder(
      [...this.#runs.entries()].map(([id, r]) => {
        const sha = one(r.shas);
        const branch = one(r.branches);
        return { id, finishedAt: r.finishedAt, ...(sha ? { sha } : {}), ...(branch ? { branch } : {}) };
      }),
    );
    // Test by test and in run order, as finishWindow reads them: one buffer, one view per test.
    const width = runs.length;
    const matrix = new Uint8Array(this.#tests.size * width);
    for (const [at, ordinal] of order.entries()) {
      const column = this.#columns[ordinal]!;
      for (let row = 0; row < this.#tests.size; row++) matrix[row * width + at] = column[row]!;
    }
    for (const t of this.#tests.values()) {
      const row = (t as Staging).row!;
      t.cells = matrix.subarray(row * width, (row + 1) * width);
    }
    return { runs, tests: this.#tests };
  }
}

function evidenceOf(first: AttemptFailure, report: RunReport): Evidence {
  return {
    ...first,
    runId: report.run.id,
    at: report.run.finishedAt,
    ...(report.run.sha ? { sha: report.run.sha } : {}),
  };
}
