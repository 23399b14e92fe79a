/**
 * `flakes report --junit` with a Postgres history: the newest run read back from the tables (schema 3
 * keeps time, attempts, every failed attempt and suite errors) writes the same JUnit XML as the run's
 * own report, for generated runs; a sharded run comes back merged, as `flakes merge` merges its files.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { attemptFailure } from '../../src/flakes/evidence.ts';
import { FolderStore } from '../../src/flakes/folderStore.ts';
import { toJUnit } from '../../src/flakes/junit.ts';
import { mergeReports } from '../../src/flakes/merge.ts';
import { PostgresStore } from '../../src/flakes/postgresStore.ts';
import { REPORT_SCHEMA, REPORT_VERSION, summarize, type RunReport, type TestRecord } from '../../src/flakes/schema.ts';
import { freshDatabase, startPostgres, type TestPostgres } from './pgServer.ts';

const NOW = Date.parse('2026-03-20T12:00:00Z');
let server: TestPostgres;
let database = 0;

beforeAll(async () => {
  server = await startPostgres();
}, 60_000);
afterAll(async () => server?.stop());

const freshUrl = (): Promise<string> => freshDatabase(server, `j${++database}`);

const MESSAGES = [
  'AssertionError: expected 41 to be 42\n    at test/a.test.ts:3:5',
  'Error: connect ECONNREFUSED 10.0.0.7:5432',
  'Error: Timed out after 1.50 s\n\nRun: trace 0af7651916cd43dd8448eb211c80319c · seed 42',
];
const QUARANTINE = { reason: 'flaky in CI', owner: 'team-a', until: '2099-01-01' };

const recordArb = fc.record({
  file: fc.constantFrom('test/a.test.ts', 'test/b/c.test.ts'),
  status: fc.constantFrom<TestRecord['status']>('passed', 'flaky', 'failed', 'skipped'),
  durationMs: fc.option(fc.integer({ min: 0, max: 90_000 }), { nil: undefined }),
  attempts: fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }),
  failures: fc.array(fc.constantFrom(...MESSAGES), { minLength: 1, maxLength: 3 }),
  quarantined: fc.boolean(),
});

type RecordShape = typeof recordArb extends fc.Arbitrary<infer T> ? T : never;

function reportOf(id: string, at: number, records: RecordShape[], extra: Partial<RunReport>): RunReport {
  const tests: TestRecord[] = records.map((r, i) => ({
    file: r.file,
    name: `suite > case ${i}`,
    status: r.status,
    ...(r.durationMs !== undefined ? { durationMs: r.durationMs } : {}),
    ...(r.attempts !== undefined ? { attempts: r.attempts } : {}),
    ...(r.status === 'flaky' || r.status === 'failed' ? { failures: r.failures.map(attemptFailure) } : {}),
    // A skipped test's quarantine mark is not kept (the window reads marks of tests that ran).
    ...(r.quarantined && r.status !== 'skipped' ? { quarantined: QUARANTINE } : {}),
  }));
  const iso = new Date(at).toISOString();
  return {
    schema: REPORT_SCHEMA,
    version: REPORT_VERSION,
    runner: 'vitest',
    run: { id, startedAt: iso, finishedAt: iso, sha: 'abc', branch: 'main' },
    ...summarize(tests),
    tests,
    ...extra,
  };
}

describe('JUnit of a Postgres history', () => {
  test('for generated runs, the newest run read back from Postgres writes the JUnit its own report writes', async () => {
    const store = await PostgresStore.open(await freshUrl());
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.array(recordArb, { maxLength: 6 }), { minLength: 1, maxLength: 3 }),
          fc.boolean(),
          async (runs, suiteError) => {
            await store.prune(Number.MAX_SAFE_INTEGER);
            const dir = mkdtempSync(join(tmpdir(), 'unflake-pg-junit-'));
            try {
              const folder = new FolderStore(dir);
              for (const [i, records] of runs.entries()) {
                const errors = suiteError
                  ? { suiteErrors: [{ file: 'test/d.test.ts', message: 'SyntaxError: x' }] }
                  : {};
                const report = reportOf(`r${i}`, NOW - (runs.length - i) * 60_000, records, errors);
                await folder.append(report);
                await store.append(report);
              }
              for (const quarantined of ['failure', 'skipped'] as const)
                expect(toJUnit((await store.latest())!, { quarantined })).toBe(
                  toJUnit((await folder.latest())!, { quarantined }),
                );
            } finally {
              rmSync(dir, { recursive: true, force: true });
            }
          },
        ),
        { numRuns: 30 },
      );
    } finally {
      await store.close();
    }
  }, 120_000);

  test("a sharded run comes back merged: the JUnit of its shards' merged report", async () => {
    const store = await PostgresStore.open(await freshUrl());
    try {
      const record = {
        file: 'test/a.test.ts' as const,
        durationMs: 5,
        attempts: 2,
        failures: [MESSAGES[0]!, MESSAGES[1]!],
      };
      const shards = [1, 2].map((index) =>
        reportOf(
          'sharded',
          NOW - index,
          [
            { ...record, status: 'passed' as const, quarantined: false },
            { ...record, status: index === 1 ? ('flaky' as const) : ('failed' as const), quarantined: index === 2 },
          ],
          {},
        ),
      );
      shards.forEach((s, i) => (s.run.shard = { index: i + 1, count: 2 }));
      for (const s of shards) await store.append(s);
      expect(toJUnit((await store.latest())!)).toBe(toJUnit(mergeReports(shards).report));
    } finally {
      await store.close();
    }
  });
});
