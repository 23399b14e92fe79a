/**
 * The history in Postgres, shared by every CI machine: `history: 'postgres://…'`. Tables are created
 * and migrated on first use (under an advisory lock, with a schema version row). A run shard is
 * appended in one transaction and is unique on (run id, shard): a retry, a second upload or a writer
 * killed mid-way never duplicates or half-writes a run. The window's counts come from SQL
 * (postgresSql.ts); only the tests flaky or failed in the window come back cell by cell.
 */
import type { Pool, PoolClient } from 'pg';
import { assembleWindow, inRunOrder, type WindowCounts } from './windowFinish.ts';
import { reportRows, shardKey, type FoldRun, type FoldTest } from './windowFold.ts';
import {
  COUNTS_SQL,
  LISTED_CELLS_SQL,
  LISTED_DETAILS_SQL,
  MIGRATIONS,
  RUNS_SQL,
  SCHEMA_VERSION,
} from './postgresSql.ts';
import { CATEGORIES, emptyCategories, type AttemptFailure, type QuarantineMark, type RunReport } from './schema.ts';
import type { HistoryStore, HistoryWindow, WindowQuery } from './storeTypes.ts';
import { withRetry } from './postgresRetry.ts';

/** `pg` is an optional peer: loaded only when a postgres:// history is used, by a name bundlers leave alone. */
async function loadPg(): Promise<typeof import('pg')> {
  const name = 'pg';
  try {
    const module = (await import(name)) as typeof import('pg') & { default?: typeof import('pg') };
    return module.default ?? module;
  } catch (error) {
    throw new TypeError(
      `history: a postgres:// URL needs the \`pg\` package (npm install --save-dev pg): ${(error as Error).message.split('\n')[0]}`,
      { cause: error },
    );
  }
}

/** The URL without its password, for messages. */
export const redact = (url: string): string => url.replace(/\/\/([^:/@]+):[^@/]*@/, '//$1:***@');

export class PostgresStore implements HistoryStore {
  readonly where: string;
  readonly #pool: Pool;

  private constructor(url: string, pool: Pool) {
    this.where = redact(url);
    this.#pool = pool;
  }

  static async open(url: string): Promise<PostgresStore> {
    const pg = await loadPg();
    const pool = new pg.Pool({ connectionString: url, max: 4, connectionTimeoutMillis: 5_000 });
    // A connection the server closed (a restart, a failover) errors on its socket, idle or not, possibly more
    // than once: never an unhandled 'error'. The query on it fails and is retried on a new connection.
    pool.on('error', () => {});
    pool.on('connect', (client) => void client.on('error', () => {}));
    const store = new PostgresStore(url, pool);
    try {
      await store.#transaction((client) => migrate(client));
    } catch (error) {
      await pool.end().catch(() => {});
      throw error;
    }
    return store;
  }

  async #transaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    return withRetry(async () => {
      const client = await this.#pool.connect();
      try {
        await client.query('BEGIN');
        const result = await work(client);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    });
  }

  append(report: RunReport): Promise<string> {
    const shard = shardKey(report);
    const where = `${this.where} (run ${report.run.id}${shard ? ` shard ${shard}` : ''})`;
    return this.#transaction(async (client) => {
      const { run } = report;
      const inserted = await client.query<{ pk: string }>(
        `INSERT INTO unflake_shards (run_id, shard, finished_at, finished_ms, started_at, sha, branch, job, runner)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (run_id, shard) DO NOTHING RETURNING pk`,
        [
          run.id,
          shard,
          run.finishedAt,
          Date.parse(run.finishedAt),
          run.startedAt,
          run.sha ?? null,
          run.branch ?? null,
          run.job ?? null,
          report.runner,
        ],
      );
      const pk = inserted.rows[0]?.pk;
      if (pk === undefined) return where; // already filed: appending is idempotent
      const rows = reportRows(report);
      const ids = [...rows.keys()].sort(); // one order for every writer: no deadlock between new test ids
      await client.query(
        `INSERT INTO unflake_tests (test_id, file, name) SELECT * FROM unnest($1::text[], $2::text[], $3::text[]) ON CONFLICT (test_id) DO NOTHING`,
        [ids, ids.map((id) => rows.get(id)!.file), ids.map((id) => rows.get(id)!.name)],
      );
      const known = await client.query<{ id: number; test_id: string }>(
        `SELECT id, test_id FROM unflake_tests WHERE test_id = ANY($1::text[])`,
        [ids],
      );
      const row = (id: string) => rows.get(id)!;
      await client.query(
        `INSERT INTO unflake_results (shard_pk, test, code, quarantined, failure)
         SELECT $1, * FROM unnest($2::int[], $3::smallint[], $4::jsonb[], $5::jsonb[])`,
        [
          pk,
          known.rows.map((k) => k.id),
          known.rows.map((k) => row(k.test_id).code),
          known.rows.map((k) => (row(k.test_id).quarantined ? JSON.stringify(row(k.test_id).quarantined) : null)),
          known.rows.map((k) => (row(k.test_id).failure ? JSON.stringify(row(k.test_id).failure) : null)),
        ],
      );
      return where;
    });
  }

  async window(query: WindowQuery, given: readonly RunReport[] = []): Promise<HistoryWindow> {
    if (given.length)
      throw new TypeError(
        'history: report files given by name cannot be counted with a postgres history: file them first (unflake flakes merge FILES --history URL).',
      );
    const to = query.until ?? Date.now();
    const params = [query.since, to, query.branch ?? null];
    const { runs, counts, listed } = await this.#transaction(async (client) => {
      await client.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY'); // one snapshot for every query
      // The window groups and sorts every cell once: in memory rather than spilled to disk (this transaction only).
      await client.query(`SET LOCAL work_mem = '256MB'`);
      const ordered = inRunOrder(
        (await client.query<FoldRun & { sha: string | null; branch: string | null }>(RUNS_SQL, params)).rows.map(
          cleanRun,
        ),
      ).runs;
      const index = new Map(ordered.map((r, i) => [r.id, i]));
      const perRun = ordered.map(() => ({ run: 0, flaky: 0, failed: 0 }));
      type Counted = {
        per_run: { run_id: string; run: number; flaky: number; failed: number }[];
        quarantined: number;
        categories: [number, number][];
        stable: number;
        listed: number[];
      };
      const totals = (await client.query<Counted>(COUNTS_SQL, params)).rows[0]!;
      for (const r of totals.per_run) perRun[index.get(r.run_id)!] = { run: r.run, flaky: r.flaky, failed: r.failed };
      const byCategory = emptyCategories();
      for (const [cat, n] of totals.categories) byCategory[CATEGORIES[cat]!] = n;
      const windowCounts: WindowCounts = {
        perRun,
        quarantined: totals.quarantined,
        byCategory,
        stableTests: totals.stable,
      };
      return {
        runs: ordered,
        counts: windowCounts,
        listed: await listedTests(client, [...params, totals.listed], index, ordered.length),
      };
    });
    const range = { from: query.since, to, ...(query.branch === undefined ? {} : { branch: query.branch }) };
    return {
      window: assembleWindow(runs, counts, listed, { ...range, budget: query.budget, testBudget: query.testBudget }),
      unreadable: [],
    };
  }

  async prune(before: number): Promise<number> {
    return this.#transaction(
      async (client) =>
        (await client.query('DELETE FROM unflake_shards WHERE finished_ms < $1', [before])).rowCount ?? 0,
    );
  }

  /** Postgres keeps each result's first failure, not whole reports: JUnit of a run needs its files. */
  latest(): Promise<RunReport | undefined> {
    return Promise.resolve(undefined);
  }

  close(): Promise<void> {
    return this.#pool.end();
  }
}

function cleanRun(r: FoldRun & { sha: string | null; branch: string | null }): FoldRun {
  return {
    id: r.id,
    finishedAt: r.finishedAt,
    ...(r.sha !== null ? { sha: r.sha } : {}),
    ...(r.branch !== null ? { branch: r.branch } : {}),
  };
}

interface DetailRow {
  test: number;
  test_id: string;
  file: string;
  name: string;
  first_seen: string | null;
  last_seen: string | null;
  quarantined: QuarantineMark | null;
  failure: AttemptFailure | null;
  run_id: string | null;
  finished_at: string | null;
  sha: string | null;
}

/** The tests flaky or failed in the window, as the fold would have kept them (cells in run order). */
async function listedTests(
  client: PoolClient,
  params: unknown[],
  index: Map<string, number>,
  width: number,
): Promise<Map<string, FoldTest>> {
  const listed = new Map<string, FoldTest>();
  if (!(params[3] as number[]).length) return listed;
  const byTest = new Map<number, FoldTest>();
  for (const d of (await client.query<DetailRow>(LISTED_DETAILS_SQL, params)).rows) {
    const test: FoldTest = { file: d.file, name: d.name, cells: new Uint8Array(width) };
    if (d.first_seen) Object.assign(test, { firstSeen: d.first_seen, lastSeen: d.last_seen });
    if (d.quarantined) test.quarantined = d.quarantined;
    if (d.failure)
      test.evidence = { ...d.failure, runId: d.run_id!, at: d.finished_at!, ...(d.sha ? { sha: d.sha } : {}) };
    byTest.set(d.test, test);
    listed.set(d.test_id, test);
  }
  const order = [...index.keys()];
  for (const c of (
    await client.query<{ test: number; pos: number[]; codes: number[] }>(LISTED_CELLS_SQL, [...params, order])
  ).rows) {
    const cells = byTest.get(c.test)!.cells;
    c.pos.forEach((p, i) => (cells[p] = c.codes[i]!));
  }
  return listed;
}

/** Creates or migrates the tables, one writer at a time (an advisory lock), and records the version. */
async function migrate(client: PoolClient): Promise<void> {
  await client.query(`SELECT pg_advisory_xact_lock(hashtext('unflake history schema'))`);
  await client.query('CREATE TABLE IF NOT EXISTS unflake_schema (version integer NOT NULL)');
  const found =
    (await client.query<{ version: number }>('SELECT max(version) AS version FROM unflake_schema')).rows[0]?.version ??
    0;
  if (found > SCHEMA_VERSION)
    throw new TypeError(
      `history: the database's unflake schema is version ${found}, newer than this unflake's (${SCHEMA_VERSION}): upgrade unflake.`,
    );
  for (let v = found; v < SCHEMA_VERSION; v++) await client.query(MIGRATIONS[v]!);
  if (found < SCHEMA_VERSION) {
    await client.query('DELETE FROM unflake_schema');
    await client.query('INSERT INTO unflake_schema (version) VALUES ($1)', [SCHEMA_VERSION]);
  }
}
