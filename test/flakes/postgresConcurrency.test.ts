/**
 * The Postgres history under real conditions: eight CI jobs filing at once (one killed mid-write), a
 * re-upload, a connection dropped under the store, and the schema version row.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { PostgresStore } from '../../src/flakes/postgresStore.ts';
import { withRetry } from '../../src/flakes/postgresRetry.ts';
import { fixtureRun } from '../reporter/fixtures/history.ts';
import { startPostgres, type TestPostgres } from './pgServer.ts';
import { aggregates } from './postgresAggregates.ts';

const WRITER = fileURLToPath(new URL('./fixtures/historyWriter.ts', import.meta.url));
const TESTS = 400;
const RUNS = 4;

let server: TestPostgres;
let admin: pg.Client;
let database = 0;

beforeAll(async () => {
  server = await startPostgres();
  admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
}, 60_000);
afterAll(async () => {
  await admin?.end();
  await server?.stop();
});

async function freshUrl(): Promise<string> {
  const name = `c${++database}`;
  await admin.query(`CREATE DATABASE ${name}`);
  return server.url.replace(/\/postgres$/, `/${name}`);
}

function writer(url: string, name: string) {
  const child = spawn(process.execPath, [WRITER, url, name, String(RUNS), String(TESTS)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => void (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => void (err += c.toString()));
  const done = once(child, 'exit').then(([code, signal]) => ({
    code: code as number | null,
    signal: signal as string | null,
    out,
    err,
  }));
  return { child, done };
}

/** Results per run shard: { 'w1-r0|1/2': 400, … }. */
async function filed(url: string): Promise<Record<string, number>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const { rows } = await client.query<{ key: string; n: number }>(
    `SELECT s.run_id || '|' || s.shard AS key, count(r.test)::int AS n FROM unflake_shards s LEFT JOIN unflake_results r ON r.shard_pk = s.pk GROUP BY s.run_id, s.shard`,
  );
  await client.end();
  return Object.fromEntries(rows.map((r) => [r.key, r.n]));
}

const keysOf = (name: string): string[] => Array.from({ length: RUNS }, (_, i) => `${name}-r${i}|${1 + (i % 2)}/2`);

describe('the Postgres history with many writers', () => {
  test('eight concurrent writers, one killed mid-transaction: nothing lost, nothing duplicated, nothing half-written', async () => {
    const url = await freshUrl();
    (await PostgresStore.open(url)).close(); // tables first, so the victim's transaction is the only thing to watch
    const names = Array.from({ length: 8 }, (_, i) => `w${i}`);
    const victimUrl = `${url}?application_name=victim`;
    const writers = names.map((n) => writer(n === 'w7' ? victimUrl : url, n));
    // Kill the victim while one of its transactions is open (seen on the server, not guessed with a sleep).
    const watcher = new pg.Client({ connectionString: url });
    await watcher.connect();
    let open = false;
    while (!open && writers[7]!.child.exitCode === null) {
      const { rows } = await watcher.query(
        `SELECT 1 FROM pg_stat_activity WHERE application_name = 'victim' AND xact_start IS NOT NULL AND query ILIKE 'INSERT%'`,
      );
      open = rows.length > 0;
    }
    writers[7]!.child.kill('SIGKILL');
    await watcher.end();
    const results = await Promise.all(writers.map((w) => w.done));
    for (const r of results.slice(0, 7)) expect(r).toMatchObject({ code: 0, err: '' });
    expect(open).toBe(true);
    const rows = await filed(url);
    for (const name of names.slice(0, 7)) for (const key of keysOf(name)) expect(rows[key]).toBe(TESTS);
    // The victim's shards: each whole or absent, never partial.
    for (const key of keysOf('w7')) expect([undefined, TESTS]).toContain(rows[key]);
    expect(Object.keys(rows).length).toBe(7 * RUNS + keysOf('w7').filter((k) => rows[k]).length);
    // Its CI job retried: every shard once, the ones already filed not twice.
    expect(await writer(url, 'w7').done).toMatchObject({ code: 0 });
    const after = await filed(url);
    expect(Object.keys(after).length).toBe(8 * RUNS);
    for (const key of keysOf('w7')) expect(after[key]).toBe(TESTS);
    // The aggregates the window reads hold exactly what the filed results hold: nothing the killed
    // transaction counted, nothing counted twice by the re-run, shards of one run counted as one run.
    const { kept, recounted } = await aggregates(url);
    expect(kept).toEqual(recounted);
    expect((kept as { runs: unknown[] }).runs.length).toBeGreaterThanOrEqual(8 * RUNS);
  }, 60_000);

  test('shards of one run filed at once, the same tests in several: the run counts each test once, at its worst', async () => {
    const url = await freshUrl();
    const stores = await Promise.all(Array.from({ length: 4 }, () => PostgresStore.open(url)));
    try {
      const statuses = ['passed', 'flaky', 'failed', 'skipped'] as const;
      for (let run = 0; run < 3; run++)
        await Promise.all(
          stores.map((store, shard) =>
            store.append(
              fixtureRun(
                `same-${run}`,
                Date.now() - 1000 + shard,
                Array.from({ length: 200 }, (_, t) => ({
                  file: 'test/s.test.ts',
                  name: `case ${t}`,
                  status: statuses[(t + shard + run) % 4]!,
                })),
                { shard: { index: shard + 1, count: 4 } },
              ),
            ),
          ),
        );
      const { kept, recounted } = await aggregates(url);
      expect(kept).toEqual(recounted);
      const { window } = await stores[0]!.window({ since: Date.now() - 86_400_000 });
      expect(window.totals).toMatchObject({ runs: 3, testRuns: 600, failed: 600 });
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });

  test('tables are created on first use with a schema version row; a newer schema is refused with a clear error', async () => {
    const url = await freshUrl();
    const store = await PostgresStore.open(url);
    await store.close();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    expect((await client.query('SELECT version FROM unflake_schema')).rows).toEqual([{ version: 4 }]);
    await client.query('UPDATE unflake_schema SET version = 99');
    await client.end();
    await expect(PostgresStore.open(url)).rejects.toThrow(
      "history: the database's unflake schema is version 99, newer than this unflake's (4): upgrade unflake.",
    );
  });

  test('a connection dropped under the store is retried; a run appended twice is filed once', async () => {
    const url = await freshUrl();
    const store = await PostgresStore.open(`${url}?application_name=dropped`);
    try {
      const run = fixtureRun('again', Date.now() - 1000, [{ file: 'test/a.test.ts', name: 'a', status: 'flaky' }]);
      await store.append(run);
      // Every connection the store holds is closed by the server (as a failover or a restart does).
      const { rows } = await admin.query(
        `SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE application_name = 'dropped'`,
      );
      expect(rows.length).toBeGreaterThan(0);
      await store.append(run);
      const { window } = await store.window({ since: Date.now() - 86_400_000 });
      expect(window.totals).toMatchObject({ runs: 1, testRuns: 1, flaky: 1 });
    } finally {
      await store.close();
    }
  });

  test('the retry is bounded: a connection that stays refused fails after the budget, saying so', async () => {
    let attempts = 0;
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    const waits: number[] = [];
    await expect(
      withRetry(
        () => {
          attempts++;
          return Promise.reject(refused);
        },
        0,
        (ms) => {
          waits.push(ms);
          return Promise.resolve();
        },
      ),
    ).rejects.toThrow(/ECONNREFUSED .*\(history: gave up after 1 attempts in \d+ ms\)/);
    expect({ attempts, waits }).toEqual({ attempts: 1, waits: [] });
    // With a budget, it waits between attempts (backoff), then gives up.
    let clock = 0;
    const now = Date.now;
    Date.now = () => clock;
    try {
      await expect(
        withRetry(
          () => Promise.reject(refused),
          1_000,
          (ms) => {
            clock += ms;
            return Promise.resolve();
          },
        ),
      ).rejects.toThrow(/gave up after \d+ attempts in 1000 ms/);
    } finally {
      Date.now = now;
    }
    await expect(withRetry(() => Promise.reject(new TypeError('syntax error')), 60_000)).rejects.toThrow(
      'syntax error',
    );
  });
});
