/**
 * The window, folded one run file at a time by the folder store, against a small reference model that
 * holds every run in memory and follows the rules as written (docs/flake-report.md): a run is a run id
 * (its shards merged, the worst record wins), a record counts when it finished within the window, and a
 * failure on a commit where another run of the window passed is flaky across runs.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { FolderStore } from '../../src/flakes/folderStore.ts';
import type { RunReport, TestStatus } from '../../src/flakes/schema.ts';
import { flakeWindow } from '../../src/flakes/window.ts';
import { fixtureRun, timingFailure, type FixtureTest } from '../reporter/fixtures/history.ts';

const HOUR = 3_600_000;
const NOW = Date.parse('2026-03-20T12:00:00Z');
const WINDOW = 48 * HOUR;
const WORST: TestStatus[] = ['skipped', 'passed', 'flaky', 'failed'];
const TESTS = ['a', 'b', 'c', 'd'].map((n) => ({ file: 'test/x.test.ts', name: n }));

interface ModelTest {
  runs: number;
  flaky: number;
  failed: number;
  acrossRuns: number;
  outcomes: (TestStatus | null)[];
}

/** The rules, spelled out with every run in memory. */
function model(reports: readonly RunReport[], branch?: string) {
  const rows = reports.filter(
    (r) =>
      (branch === undefined || r.run.branch === branch) &&
      Date.parse(r.run.finishedAt) >= NOW - WINDOW &&
      Date.parse(r.run.finishedAt) <= NOW,
  );
  const ids = [...new Set(rows.map((r) => r.run.id))];
  const runs = ids
    .map((id) => {
      const shards = rows.filter((r) => r.run.id === id);
      const shas = new Set(shards.map((r) => r.run.sha));
      return {
        id,
        shards,
        finishedAt: shards
          .map((r) => r.run.finishedAt)
          .sort()
          .at(-1)!,
        sha: shas.size === 1 ? [...shas][0] : undefined,
      };
    })
    .sort((a, b) => a.finishedAt.localeCompare(b.finishedAt) || (a.id < b.id ? -1 : 1));
  const tests: Record<string, ModelTest> = {};
  let testRuns = 0;
  let flakyTotal = 0;
  for (const t of TESTS) {
    const id = `${t.file} > ${t.name}`;
    const outcomes = runs.map((run) => {
      const statuses = run.shards.flatMap((r) => r.tests.filter((x) => x.name === t.name).map((x) => x.status));
      return statuses.length ? statuses.reduce((a, b) => (WORST.indexOf(b) > WORST.indexOf(a) ? b : a)) : null;
    });
    const passedOn = new Set(
      runs
        .filter((r, i) => r.sha !== undefined && (outcomes[i] === 'passed' || outcomes[i] === 'flaky'))
        .map((r) => r.sha),
    );
    const across = runs.filter((r, i) => outcomes[i] === 'failed' && r.sha !== undefined && passedOn.has(r.sha)).length;
    const ran = outcomes.filter((o) => o && o !== 'skipped').length;
    const retried = outcomes.filter((o) => o === 'flaky').length;
    testRuns += ran;
    flakyTotal += retried + across;
    if (retried + across + outcomes.filter((o) => o === 'failed').length === 0) continue;
    tests[id] = {
      runs: ran,
      flaky: retried + across,
      failed: outcomes.filter((o) => o === 'failed').length - across,
      acrossRuns: across,
      outcomes,
    };
  }
  return { runIds: runs.map((r) => r.id), tests, testRuns, flaky: flakyTotal };
}

const shardArb = fc.record({
  id: fc.constantFrom('r1', 'r2', 'r3', 'r4', 'r5', 'r6'),
  hoursAgo: fc.integer({ min: 0, max: 60 }),
  sha: fc.constantFrom('aaa', 'bbb', undefined),
  branch: fc.constantFrom('main', 'feature'),
  shard: fc.option(fc.integer({ min: 1, max: 2 }), { nil: undefined }),
  statuses: fc.array(
    fc.option(fc.constantFrom<TestStatus>('passed', 'passed', 'failed', 'flaky', 'skipped'), { nil: undefined }),
    { minLength: 4, maxLength: 4 },
  ),
});

type Shard = typeof shardArb extends fc.Arbitrary<infer T> ? T : never;

function reportOf(s: Shard): RunReport {
  const tests: FixtureTest[] = TESTS.flatMap((t, i) => (s.statuses[i] ? [{ ...t, status: s.statuses[i]! }] : []));
  return fixtureRun(s.id, NOW - s.hoursAgo * HOUR, tests, {
    ...(s.sha ? { sha: s.sha } : { sha: undefined }),
    branch: s.branch,
    ...(s.shard ? { shard: { index: s.shard, count: 2 } } : {}),
  });
}

const clean = (r: RunReport): RunReport =>
  r.run.sha === undefined
    ? { ...r, run: Object.fromEntries(Object.entries(r.run).filter(([k]) => k !== 'sha')) as RunReport['run'] }
    : r;

describe('the window over generated histories', () => {
  test('the folder store (streamed) and the in-memory fold agree with the reference model, with and without a branch filter', async () => {
    await fc.assert(
      // One report per run id and shard: a second one is a re-upload, counted once (tested on its own below).
      fc.asyncProperty(
        fc.uniqueArray(shardArb, { minLength: 1, maxLength: 12, selector: (s) => `${s.id}/${s.shard}` }),
        fc.constantFrom(undefined, 'main'),
        async (shards, branch) => {
          const reports = shards.map(reportOf).map(clean);
          const dir = mkdtempSync(join(tmpdir(), 'unflake-model-'));
          try {
            const store = new FolderStore(dir);
            for (const r of reports) await store.append(r);
            const { window: streamed } = await store.window({
              since: NOW - WINDOW,
              until: NOW,
              ...(branch ? { branch } : {}),
            });
            const inMemory = flakeWindow(reports, { window: WINDOW, now: NOW, ...(branch ? { branch } : {}) });
            expect(streamed).toEqual(inMemory);
            const expected = model(reports, branch);
            expect(streamed.runs.map((r) => r.id)).toEqual(expected.runIds);
            expect({ testRuns: streamed.totals.testRuns, flaky: streamed.totals.flaky }).toEqual({
              testRuns: expected.testRuns,
              flaky: expected.flaky,
            });
            const got = Object.fromEntries(
              streamed.tests.map((t) => [
                t.id,
                {
                  runs: t.runs,
                  flaky: t.flaky,
                  failed: t.failed,
                  acrossRuns: t.kinds.acrossRuns,
                  outcomes: t.outcomes,
                },
              ]),
            );
            expect(got).toEqual(expected.tests);
          } finally {
            rmSync(dir, { recursive: true, force: true });
          }
        },
      ),
      // Each case writes up to 12 files, each fsynced: 40 cases keep the file at a few seconds.
      { numRuns: 40 },
    );
  }, 60_000);
});

/** Records as a reporter can write them: one id twice in a run, quarantine marks, different failures. */
const richShardArb = fc.record({
  id: fc.constantFrom('r1', 'r2', 'r3', 'r4'),
  hoursAgo: fc.integer({ min: 0, max: 60 }),
  sha: fc.constantFrom('aaa', 'bbb', undefined),
  shard: fc.option(fc.integer({ min: 1, max: 2 }), { nil: undefined }),
  tests: fc.array(
    fc.record({
      name: fc.constantFrom('a', 'b', 'c'),
      status: fc.constantFrom<TestStatus>('passed', 'failed', 'flaky', 'skipped'),
      failure: fc.constantFrom('Error: connect ECONNREFUSED 10.0.0.7:5432', timingFailure('t1'), 'Error: boom'),
      quarantined: fc.option(fc.constantFrom('q1', 'q2'), { nil: undefined }),
    }),
    { maxLength: 6 },
  ),
});

test('the streamed fold (record by record) gives the JSON of the row-by-row fold, duplicates, quarantine and evidence included', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.uniqueArray(richShardArb, { minLength: 1, maxLength: 10, selector: (s) => `${s.id}/${s.shard}` }),
      async (shards) => {
        const reports = shards.map((s) =>
          clean(
            fixtureRun(
              s.id,
              NOW - s.hoursAgo * HOUR,
              s.tests.map((t) => ({
                file: 'test/x.test.ts',
                name: t.name,
                status: t.status,
                failure: `${t.failure} in ${s.id}`,
                ...(t.quarantined ? { quarantined: { reason: t.quarantined, owner: 'o', until: '2099-01-01' } } : {}),
              })),
              {
                ...(s.sha ? { sha: s.sha } : { sha: undefined }),
                ...(s.shard ? { shard: { index: s.shard, count: 2 } } : {}),
              },
            ),
          ),
        );
        const dir = mkdtempSync(join(tmpdir(), 'unflake-model-'));
        try {
          const store = new FolderStore(dir);
          for (const r of reports) await store.append(r);
          const { window } = await store.window({ since: NOW - WINDOW, until: NOW, testBudget: 0.3 });
          expect(window).toEqual(flakeWindow(reports, { window: WINDOW, now: NOW, testBudget: 0.3 }));
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      },
    ),
    { numRuns: 40 },
  );
}, 60_000);

test('a run file broken half way is reported and leaves nothing in the window', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'unflake-model-'));
  try {
    const store = new FolderStore(dir);
    const good = fixtureRun('good', NOW - HOUR, [{ ...TESTS[0]!, status: 'passed' }]);
    await store.append(good);
    const many = Array.from({ length: 2000 }, (_, i) => ({
      file: 'test/y.test.ts',
      name: `t${i}`,
      status: 'flaky' as const,
    }));
    const broken = fixtureRun('broken', NOW - HOUR, many);
    (broken.tests[1500] as { status: string }).status = 'maybe';
    const path = await store.append(broken);
    const { window, unreadable } = await store.window({ since: NOW - WINDOW, until: NOW });
    expect(unreadable).toEqual([expect.stringContaining(`${path}: ${path}: tests[1500] needs`)]);
    expect(window).toEqual(flakeWindow([good], { window: WINDOW, now: NOW }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a run shard filed twice (a re-upload, a copied folder) counts once', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'unflake-model-'));
  try {
    const store = new FolderStore(dir);
    const run = fixtureRun('r1', NOW - HOUR, [{ ...TESTS[0]!, status: 'flaky' }], { shard: { index: 1, count: 2 } });
    await store.append(run);
    await store.append(run);
    const { window } = await store.window({ since: NOW - WINDOW, until: NOW });
    expect(window.totals).toMatchObject({ runs: 1, testRuns: 1, flaky: 1 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

describe('flaky across runs', () => {
  const runs = (shaOfPass: string): RunReport[] => [
    fixtureRun('pass', NOW - 3 * HOUR, [{ ...TESTS[0]!, status: 'passed' }], { sha: shaOfPass }),
    fixtureRun(
      'fail',
      NOW - 2 * HOUR,
      [{ ...TESTS[0]!, status: 'failed', failure: 'Error: connect ECONNREFUSED 10.0.0.7:5432' }],
      { sha: 'aaa' },
    ),
  ];

  test('a pass and a failure on one commit, no retry: flaky, of kind across runs, with the runs named', () => {
    const w = flakeWindow(runs('aaa'), { window: WINDOW, now: NOW });
    expect(w.tests[0]).toMatchObject({
      flaky: 1,
      failed: 0,
      rate: 0.5,
      kinds: { retried: 0, acrossRuns: 1 },
      acrossRuns: [{ sha: 'aaa', passed: ['pass'], failed: ['fail'] }],
      category: 'infrastructure',
      outcomes: ['passed', 'failed'],
    });
    expect(w.totals).toMatchObject({ flaky: 1, failed: 0 });
    expect(w.runs.map((r) => [r.id, r.flaky, r.failed])).toEqual([
      ['pass', 0, 0],
      ['fail', 1, 0],
    ]);
  });

  test('the same outcomes on two different commits: a failure, not flaky (the mutation flips the verdict)', () => {
    const w = flakeWindow(runs('bbb'), { window: WINDOW, now: NOW });
    expect(w.tests[0]).toMatchObject({ flaky: 0, failed: 1, kinds: { retried: 0, acrossRuns: 0 } });
    expect(w.tests[0]!.acrossRuns).toBeUndefined();
  });
});
