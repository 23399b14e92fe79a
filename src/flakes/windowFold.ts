/**
 * The window as a fold over run reports, one at a time: a store streams its runs (or shards) through
 * `add` and drops each one, so memory grows with tests × runs as one byte per cell, never with the
 * reports' size. A cell is one test in one run (the shards of a run id are one run): the worst of
 * its records wins. Finishing (cross-run flakiness, rates, totals) is in windowFinish.ts, shared by
 * every store.
 */
import {
  CATEGORIES,
  testId,
  type AttemptFailure,
  type FlakeCategory,
  type QuarantineMark,
  type RunReport,
  type TestStatus,
} from './schema.ts';
import type { Evidence } from './windowTypes.ts';

/** Status codes in cells, worst highest (0: not in that run). */
export const STATUS_CODES: Record<TestStatus, number> = { skipped: 1, passed: 2, flaky: 3, failed: 4 };
export const STATUS_OF: (TestStatus | null)[] = [null, 'skipped', 'passed', 'flaky', 'failed'];

/** One byte per cell: status << 3 | quarantined << 2 | category of the first failure. The max of two is the worse record. */
export function cellCode(status: TestStatus, quarantined: boolean, category: FlakeCategory | undefined): number {
  const skipped = status === 'skipped';
  return (
    (STATUS_CODES[status] << 3) |
    (quarantined && !skipped ? 4 : 0) |
    (skipped ? 0 : CATEGORIES.indexOf(category ?? 'unknown'))
  );
}
export const cellStatus = (code: number): number => code >> 3;
export const cellQuarantined = (code: number): boolean => (code & 4) !== 0;
export const cellCategory = (code: number): FlakeCategory => CATEGORIES[code & 3]!;

/** A run of the window: its shards' latest finish (within the window) and the commit and branch they agree on. */
export interface FoldRun {
  id: string;
  finishedAt: string;
  sha?: string;
  branch?: string;
}

/** What the fold keeps of one test: everything the finishing step needs, nothing per record. */
export interface FoldTest {
  file: string;
  name: string;
  /** One cell per run ordinal (the order runs were first seen), 0 when not in that run. */
  cells: Uint8Array;
  /** First and last retried-flaky record in everything read (not only the window). */
  firstSeen?: string;
  lastSeen?: string;
  evidence?: Evidence;
  evidenceKey?: string;
  /** The latest record in the window that ran: its quarantine mark, if any. */
  quarantined?: QuarantineMark;
  latestKey?: string;
}

export interface FoldQuery {
  from: number;
  to: number;
  branch?: string;
}

export interface FoldState {
  runs: FoldRun[];
  tests: Map<string, FoldTest>;
}

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

function grow(cells: Uint8Array, size: number): Uint8Array {
  if (cells.length >= size) return cells;
  const bigger = new Uint8Array(Math.max(size, cells.length * 2, 8));
  bigger.set(cells);
  return bigger;
}

export class WindowFold {
  readonly #query: FoldQuery;
  readonly #runs = new Map<
    string,
    { ordinal: number; finishedAt: string; shas: Set<string | undefined>; branches: Set<string | undefined> }
  >();
  readonly #tests = new Map<string, FoldTest>();
  /** Run id and shard of every report added: a run shard counts once (Postgres: unique on both), the first one wins. */
  readonly #added = new Set<string>();

  constructor(query: FoldQuery) {
    this.#query = query;
  }

  /** One run report (a run, or one shard of it). */
  add(report: RunReport): void {
    const run = report.run;
    if (this.#query.branch !== undefined && run.branch !== this.#query.branch) return;
    const once = `${run.id}\u0000${shardKey(report)}`;
    if (this.#added.has(once)) return;
    this.#added.add(once);
    const at = Date.parse(run.finishedAt);
    const within = at >= this.#query.from && at <= this.#query.to;
    const ordinal = within ? this.#runOrdinal(report) : -1;
    const key = recordKey(run.finishedAt, run.id, shardKey(report));
    for (const [id, r] of reportRows(report)) {
      let test = this.#tests.get(id);
      if (!test) this.#tests.set(id, (test = { file: r.file, name: r.name, cells: new Uint8Array(0) }));
      if (cellStatus(r.code) === STATUS_CODES.flaky) {
        if (!test.firstSeen || run.finishedAt < test.firstSeen) test.firstSeen = run.finishedAt;
        if (!test.lastSeen || run.finishedAt > test.lastSeen) test.lastSeen = run.finishedAt;
      }
      if (ordinal < 0) continue;
      test.cells = grow(test.cells, ordinal + 1);
      test.cells[ordinal] = Math.max(test.cells[ordinal]!, r.code);
      if (!r.ran) continue;
      if (!test.latestKey || key > test.latestKey) {
        test.latestKey = key;
        test.quarantined = r.quarantined;
      }
      if (r.failure && (!test.evidenceKey || key > test.evidenceKey)) {
        test.evidenceKey = key;
        test.evidence = evidenceOf(r.failure, report);
      }
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
    return ordinal;
  }

  /** The runs in ordinal order and the tests: the input of finishWindow. */
  state(): FoldState {
    const one = (values: Set<string | undefined>): string | undefined =>
      values.size === 1 ? [...values][0] : undefined;
    const runs = [...this.#runs.entries()].map(([id, r]) => {
      const sha = one(r.shas);
      const branch = one(r.branches);
      return { id, finishedAt: r.finishedAt, ...(sha ? { sha } : {}), ...(branch ? { branch } : {}) };
    });
    for (const t of this.#tests.values()) t.cells = grow(t.cells, runs.length).subarray(0, runs.length);
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
