/**
 * The history in Postgres, shared by every CI machine: `history: 'postgres://…'`. Tables are created
 * and migrated on first use (under an advisory lock, with a schema version row). A run shard is
 * appended in one transaction and is unique on (run id, shard): a retry, a second upload or a writer
 * killed mid-way never duplicates or half-writes a run. The same transaction updates the aggregates the
 * window reads (per run, per day and test: postgresSql.ts), so they are exactly as filed; the window
 * (postgresWindow.ts) reads them, and cell by cell only the tests flaky or failed in it.
 */
import type { Pool, PoolClient } from 'pg';
import { assembleWindow } from './windowFinish.ts';
import { reportRows, shardKey } from './windowFold.ts';
import {
  DAY_INSERT_SQL,
  DAY_MS,
  MIGRATIONS,
  NO_BRANCH,
  RECOUNT_DAYS_SQL,
  RECOUNT_RUNS_SQL,
  RUN_DELTA_SQL,
  SCHEMA_VERSION,
} from './postgresSql.ts';
import { newestRun, recordExtras } from './postgresLatest.ts';
import { readWindow } from './postgresWindow.ts';
import type { RunReport } from './schema.ts';
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
      // Shards of one run file one at a time: each counts its cells against the ones already filed.
      await client.query(`SELECT pg_advisory_xact_lock(${RUN_LOCK}, hashtext($1))`, [run.id]);
      const inserted = await client.query<{ pk: string }>(
        `INSERT INTO unflake_shards (run_id, shard, finished_at, finished_ms, started_at, sha, branch, job, runner, suite_errors)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (run_id, shard) DO NOTHING RETURNING pk`,
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
          report.suiteErrors?.length ? JSON.stringify(report.suiteErrors) : null,
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
      const extras = recordExtras(report);
      const extra = (id: string) => extras.get(id)!;
      await client.query(
        `INSERT INTO unflake_results (shard_pk, test, code, quarantined, failure, duration_ms, attempts, failures)
         SELECT $1, * FROM unnest($2::int[], $3::smallint[], $4::jsonb[], $5::jsonb[], $6::int[], $7::smallint[], $8::json[])`,
        [
          pk,
          known.rows.map((k) => k.id),
          known.rows.map((k) => row(k.test_id).code),
          known.rows.map((k) => (row(k.test_id).quarantined ? JSON.stringify(row(k.test_id).quarantined) : null)),
          known.rows.map((k) => (row(k.test_id).failure ? JSON.stringify(row(k.test_id).failure) : null)),
          known.rows.map((k) => durationOf(extra(k.test_id).durationMs)),
          known.rows.map((k) => extra(k.test_id).attempts),
          known.rows.map((k) => (extra(k.test_id).failures ? JSON.stringify(extra(k.test_id).failures) : null)),
        ],
      );
      await client.query(RUN_DELTA_SQL, [pk, run.id]);
      const day = Math.floor(Date.parse(run.finishedAt) / DAY_MS);
      await client.query(DAY_INSERT_SQL, [pk, day, run.branch ?? NO_BRANCH]);
      return where;
    });
  }

  async window(query: WindowQuery, given: readonly RunReport[] = []): Promise<HistoryWindow> {
    if (given.length)
      throw new TypeError(
        'history: report files given by name cannot be counted with a postgres history: file them first (unflake flakes merge FILES --history URL).',
      );
    const to = query.until ?? Date.now();
    const { runs, counts, listed } = await this.#transaction(async (client) => {
      await client.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY'); // one snapshot for every query
      return readWindow(client, query.since, to, query.branch ?? null);
    });
    const range = { from: query.since, to, ...(query.branch === undefined ? {} : { branch: query.branch }) };
    return {
      window: assembleWindow(runs, counts, listed, { ...range, budget: query.budget, testBudget: query.testBudget }),
      unreadable: [],
    };
  }

  async prune(before: number): Promise<number> {
    return this.#transaction(async (client) => {
      const gone = await client.query<{ run_id: string; ms: string }>(
        'DELETE FROM unflake_shards WHERE finished_ms < $1 RETURNING run_id, finished_ms AS ms',
        [before],
      );
      // The runs and days that lost shards are counted again from what is left of them.
      const runs = [...new Set(gone.rows.map((r) => r.run_id))].sort();
      for (const id of runs) await client.query(`SELECT pg_advisory_xact_lock(${RUN_LOCK}, hashtext($1))`, [id]);
      await recount(client, runs, [...new Set(gone.rows.map((r) => Math.floor(Number(r.ms) / DAY_MS)))]);
      return gone.rowCount ?? 0;
    });
  }

  /** The newest run, its shards merged, with what JUnit needs of each test (postgresLatest.ts). */
  latest(): Promise<RunReport | undefined> {
    return this.#transaction(async (client) => {
      await client.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
      return newestRun(client);
    });
  }

  close(): Promise<void> {
    return this.#pool.end();
  }
}

/** A duration as the integer column keeps it (ms, rounded; none when absent or not a number). */
const durationOf = (ms: number | null): number | null =>
  ms === null || !Number.isFinite(ms) ? null : Math.min(2 ** 31 - 1, Math.max(0, Math.round(ms)));

/** The advisory lock class of a run id (with hashtext(run id)): shards of one run are filed one at a time. */
const RUN_LOCK = 0x756e66;

/**
 * Counts the runs and days again from their results (after a prune, the migration to schema 2, a bulk
 * load): the aggregates then hold exactly what the results hold.
 */
export async function recount(client: PoolClient, runs: readonly string[], days: readonly number[]): Promise<void> {
  if (runs.length) for (const sql of RECOUNT_RUNS_SQL) await client.query(sql, [runs]);
  if (!days.length) return;
  const bounds = [Math.min(...days) * DAY_MS, (Math.max(...days) + 1) * DAY_MS];
  await client.query(RECOUNT_DAYS_SQL[0]!, [days]);
  await client.query(RECOUNT_DAYS_SQL[1]!, [days, ...bounds]);
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
  if (found === 1) {
    // Schema 2's aggregates, from the results schema 1 filed (once: the lock keeps other writers waiting).
    const runs = await client.query<{ run_id: string }>('SELECT DISTINCT run_id FROM unflake_shards ORDER BY 1');
    const days = await client.query<{ day: number }>(
      `SELECT DISTINCT (finished_ms / ${DAY_MS})::int AS day FROM unflake_shards`,
    );
    await recount(
      client,
      runs.rows.map((r) => r.run_id),
      days.rows.map((r) => r.day),
    );
  }
  if (found < SCHEMA_VERSION) {
    await client.query('DELETE FROM unflake_schema');
    await client.query('INSERT INTO unflake_schema (version) VALUES ($1)', [SCHEMA_VERSION]);
  }
}
