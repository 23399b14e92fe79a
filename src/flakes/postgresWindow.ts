/**
 * The Postgres window from the aggregates kept at append time (postgresSql.ts), not from every result:
 * - per run: its counted codes (`unflake_run_counts`), except for a run with a shard outside the window
 *   (by time or branch: the window's edge cuts it), counted from its results in the window;
 * - tests that ran: the days wholly inside the window from `unflake_test_days`, and for a day the
 *   window's edge cuts (a shard of that day and branch lies outside it), from that day's results in the
 *   window, only for the tests the whole days did not already have;
 * - the tests flaky or failed in the window (an index of those results only), read cell by cell, a page
 *   of tests at a time: failures flaky across runs are found in their cells, as the fold does, and move
 *   from "failed" to "flaky" in their run's counts.
 * So the window reads a few rows per run and day plus the listed tests, exactly as the fold counts them.
 */
import type { PoolClient } from 'pg';
import { emptyCategories, type AttemptFailure, type QuarantineMark } from './schema.ts';
import { acrossRuns, inRunOrder, type WindowCounts } from './windowFinish.ts';
import {
  cellCategory,
  cellQuarantined,
  cellStatus,
  recordKey,
  STATUS_CODES,
  type FoldRun,
  type FoldTest,
} from './windowFold.ts';
import {
  DAY_MS,
  LISTED_CELLS_SQL,
  LISTED_DETAILS_SQL,
  LISTED_SQL,
  PARTIAL_DAYS_SQL,
  PARTIAL_RUNS_SQL,
  RAN_SQL,
  RAW_RUN_COUNTS_SQL,
  RECORDS_SQL,
  RUN_COUNTS_SQL,
  WINDOW_SHARDS_SQL,
} from './postgresSql.ts';

/** Listed tests read per query: bounds what one result set holds however many tests are listed. */
export const PAGE_TESTS = 500;

interface ShardRow {
  pk: string;
  run_id: string;
  shard: string;
  finished_at: string;
  ms: number;
  sha: string | null;
  branch: string | null;
}

export interface PostgresWindow {
  runs: FoldRun[];
  counts: WindowCounts;
  listed: Map<string, FoldTest>;
}

/** The window's runs in run order: each run's latest finish in the window and the commit and branch its shards there agree on. */
function runsOf(shards: readonly ShardRow[]): FoldRun[] {
  const byId = new Map<string, { finishedAt: string; shas: Set<string | null>; branches: Set<string | null> }>();
  for (const s of shards) {
    const run = byId.get(s.run_id);
    if (!run) byId.set(s.run_id, { finishedAt: s.finished_at, shas: new Set([s.sha]), branches: new Set([s.branch]) });
    else {
      if (s.finished_at > run.finishedAt) run.finishedAt = s.finished_at;
      run.shas.add(s.sha);
      run.branches.add(s.branch);
    }
  }
  const one = (values: Set<string | null>): string | null => (values.size === 1 ? [...values][0]! : null);
  return inRunOrder(
    [...byId].map(([id, r]) => {
      const sha = one(r.shas);
      const branch = one(r.branches);
      return { id, finishedAt: r.finishedAt, ...(sha !== null ? { sha } : {}), ...(branch !== null ? { branch } : {}) };
    }),
  ).runs;
}

/** Adds `n` cells of `code` to a run's counts, as windowFinish.ts's countCells does one cell at a time. */
function count(counts: WindowCounts, position: number, code: number, n: number): void {
  const status = cellStatus(code);
  if (status < STATUS_CODES.passed) return;
  if (cellQuarantined(code)) {
    counts.quarantined += n;
    return;
  }
  const run = counts.perRun[position]!;
  run.run += n;
  if (status === STATUS_CODES.flaky) {
    run.flaky += n;
    counts.byCategory[cellCategory(code)] += n;
  } else if (status === STATUS_CODES.failed) run.failed += n;
}

/** The window over [from, to] (ms), on one branch or all, in one snapshot (the caller's transaction). */
export async function readWindow(
  client: PoolClient,
  from: number,
  to: number,
  branch: string | null,
): Promise<PostgresWindow> {
  const range = [from, to, branch];
  const shards = (await client.query<ShardRow>(WINDOW_SHARDS_SQL, range)).rows;
  const runs = runsOf(shards);
  const position = new Map(runs.map((r, i) => [r.id, i]));
  const counts: WindowCounts = {
    perRun: runs.map(() => ({ run: 0, flaky: 0, failed: 0 })),
    quarantined: 0,
    byCategory: emptyCategories(),
    stableTests: 0,
  };
  const partialRuns = new Set(
    (await client.query<{ run_id: string }>(PARTIAL_RUNS_SQL, [...range, [...position.keys()]])).rows.map(
      (r) => r.run_id,
    ),
  );
  const wholeRuns = [...position.keys()].filter((id) => !partialRuns.has(id));
  const partialPks = shards.filter((s) => partialRuns.has(s.run_id)).map((s) => s.pk);
  type Coded = { run_id: string; code: number; n: number };
  const coded = [
    ...(await client.query<Coded>(RUN_COUNTS_SQL, [wholeRuns])).rows,
    ...(partialPks.length ? (await client.query<Coded>(RAW_RUN_COUNTS_SQL, [partialPks])).rows : []),
  ];
  for (const c of coded) count(counts, position.get(c.run_id)!, c.code, c.n);

  const dayOf = (ms: number): number => Math.floor(ms / DAY_MS);
  const days = new Set(shards.map((s) => dayOf(s.ms)));
  const cut = new Set(
    (
      await client.query<{ day: number }>(PARTIAL_DAYS_SQL, [...range, dayOf(from) * DAY_MS, (dayOf(to) + 1) * DAY_MS])
    ).rows.map((r) => r.day),
  );
  const wholeDays = [...days].filter((d) => !cut.has(d));
  const edgePks = shards.filter((s) => cut.has(dayOf(s.ms))).map((s) => s.pk);
  const ran = (await client.query<{ ran: number }>(RAN_SQL, [wholeDays, branch, edgePks])).rows[0]!.ran;

  const pks = shards.map((s) => s.pk);
  const listedIds = (await client.query<{ test: number }>(LISTED_SQL, [pks])).rows.map((r) => r.test);
  counts.stableTests = ran - listedIds.length;
  const listed = new Map<string, FoldTest>();
  const positions = shards.map((s) => position.get(s.run_id)!);
  for (let i = 0; i < listedIds.length; i += PAGE_TESTS) {
    const page = listedIds.slice(i, i + PAGE_TESTS);
    for (const [id, test] of await listedPage(client, branch, page, shards, positions, runs.length)) {
      listed.set(id, test);
      acrossToFlaky(counts, test.cells, runs, position);
    }
  }
  return { runs, counts, listed };
}

/** A failure on a commit where another run of the window passed the test is flaky, not failed (windowFinish.ts's rule). */
function acrossToFlaky(
  counts: WindowCounts,
  cells: Uint8Array,
  runs: readonly FoldRun[],
  position: Map<string, number>,
): void {
  for (const sha of acrossRuns(cells, runs))
    for (const id of sha.failed) {
      const i = position.get(id)!;
      if (cellQuarantined(cells[i]!)) continue;
      counts.perRun[i]!.flaky++;
      counts.perRun[i]!.failed--;
      counts.byCategory[cellCategory(cells[i]!)]++;
    }
}

interface DetailRow {
  test: number;
  test_id: string;
  file: string;
  name: string;
  first_seen: string | null;
  last_seen: string | null;
}

interface RecordRow {
  pk: string;
  test: number;
  quarantined: QuarantineMark | null;
  failure: AttemptFailure | null;
}

/** One listed test while its page is read: the fold's test, and its records in the window, latest first. */
interface Pending {
  id: string;
  test: FoldTest;
  /** Indexes into the window's shards of its records that ran, by (finish, run id, shard) descending. */
  ran: number[];
}

/** One page of listed tests, as the fold would have kept them (cells in run order, the worst of a run's shards). */
async function listedPage(
  client: PoolClient,
  branch: string | null,
  page: number[],
  shards: readonly ShardRow[],
  positions: number[],
  width: number,
): Promise<Map<string, FoldTest>> {
  const byTest = new Map<number, Pending>();
  for (const d of (await client.query<DetailRow>(LISTED_DETAILS_SQL, [branch, page])).rows) {
    const test: FoldTest = { file: d.file, name: d.name, cells: new Uint8Array(width) };
    if (d.first_seen) Object.assign(test, { firstSeen: d.first_seen, lastSeen: d.last_seen });
    byTest.set(d.test, { id: d.test_id, test, ran: [] });
  }
  const keys = shards.map((s) => recordKey(s.finished_at, s.run_id, s.shard));
  const cells = await client.query<{ test: number; idx: number[]; codes: number[] }>(LISTED_CELLS_SQL, [
    shards.map((s) => s.pk),
    shards.map((_, i) => i),
    page,
  ]);
  const bad = new Map<number, number[]>();
  for (const c of cells.rows) {
    const pending = byTest.get(c.test)!;
    const records: [shard: number, code: number][] = [];
    c.idx.forEach((shard, i) => {
      const code = c.codes[i]!;
      const p = positions[shard]!;
      pending.test.cells[p] = Math.max(pending.test.cells[p]!, code);
      if (cellStatus(code) >= STATUS_CODES.passed) records.push([shard, code]);
    });
    records.sort(([a], [b]) => (keys[a]! < keys[b]! ? 1 : keys[a]! > keys[b]! ? -1 : 0));
    pending.ran = records.map(([shard]) => shard);
    bad.set(
      c.test,
      records.filter(([, code]) => cellStatus(code) >= STATUS_CODES.flaky).map(([shard]) => shard),
    );
  }
  await marksAndEvidence(client, byTest, bad, shards);
  const listed = new Map<string, FoldTest>();
  for (const id of page) {
    const d = byTest.get(id);
    if (d) listed.set(d.id, d.test);
  }
  return listed;
}

/**
 * The latest record's quarantine mark and the latest failure (as the fold picks them, by finish, run id
 * and shard), looked up by primary key: the latest record of each test, and its flaky or failed records
 * latest first until one has a failure (the first, unless a runner reported none).
 */
async function marksAndEvidence(
  client: PoolClient,
  byTest: Map<number, Pending>,
  bad: Map<number, number[]>,
  shards: readonly ShardRow[],
): Promise<void> {
  const lookup = async (pairs: [number, number][]): Promise<Map<string, RecordRow>> => {
    const rows = await client.query<RecordRow>(RECORDS_SQL, [
      pairs.map(([, s]) => shards[s]!.pk),
      pairs.map(([t]) => t),
    ]);
    return new Map(rows.rows.map((r) => [`${r.pk}/${r.test}`, r]));
  };
  const latest = [...byTest].filter(([, p]) => p.ran.length).map(([t, p]): [number, number] => [t, p.ran[0]!]);
  for (const r of (await lookup(latest)).values())
    if (r.quarantined) byTest.get(r.test)!.test.quarantined = r.quarantined;
  for (let round = 0; bad.size; round++) {
    const asked = [...bad]
      .filter(([, list]) => list.length > round)
      .map(([t, list]): [number, number] => [t, list[round]!]);
    if (!asked.length) break;
    const found = await lookup(asked);
    for (const [t, shard] of asked) {
      const failure = found.get(`${shards[shard]!.pk}/${t}`)?.failure;
      if (!failure) continue;
      const s = shards[shard]!;
      byTest.get(t)!.test.evidence = {
        ...failure,
        runId: s.run_id,
        at: s.finished_at,
        ...(s.sha ? { sha: s.sha } : {}),
      };
      bad.delete(t);
    }
  }
}
