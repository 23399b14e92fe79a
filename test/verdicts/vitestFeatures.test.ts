/**
 * The runner compatibility matrix (docs/runners.md) and issue 19's items 1, 2, 6, 7 and 8, proven from the
 * built package in real inner runs: one inner project per runner, many fixture files in it
 * (test/verdicts/fixtures/h4/), each feature a must-fail test beside a must-pass control.
 *
 * The outer Vitest runs inner Vitest 5 (the repo's) and Vitest 4 (installed on first use, see vitest4Dir); the outer
 * Jest runs inner Playwright Test, so the two outer runs share the cost. Jest's own column is proven by
 * verdicts.test.ts and the Jest fixtures.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runner } from '../support/runner.ts';
import { runFixture, type FixtureReport, type FixtureRun, type TestOutcome } from './runFixture.ts';

const RUN_TIMEOUT = 120_000;
const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const POOLS = ['threads', 'forks', 'vmThreads'] as const;

/**
 * Vitest 4 beside the repo's Vitest 5. It cannot be a devDependency alias (its optional peers clash with
 * Vitest 5's in one tree), so it is installed on first use into node_modules/.cache (once per checkout),
 * or taken from UNFLAKE_VITEST4_DIR (a vitest@4 package directory).
 */
function vitest4Dir(): string {
  if (process.env.UNFLAKE_VITEST4_DIR) return process.env.UNFLAKE_VITEST4_DIR;
  const prefix = join(repo, 'node_modules', '.cache', 'unflake-vitest4');
  const dir = join(prefix, 'node_modules', 'vitest');
  if (existsSync(join(dir, 'vitest.mjs'))) return dir;
  mkdirSync(prefix, { recursive: true });
  writeFileSync(join(prefix, 'package.json'), '{ "private": true }\n');
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/^npm_(package|lifecycle|config_local_prefix)/.test(name)),
  );
  const install = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--no-package-lock', 'vitest@~4.1.12'], {
    cwd: prefix,
    env,
    encoding: 'utf8',
    timeout: 240_000,
  });
  if (install.status !== 0 || !existsSync(join(dir, 'vitest.mjs'))) {
    throw new Error(
      `Could not install Vitest 4 into ${prefix} (exit ${install.status}): ${String(install.stderr).slice(-2000)}`,
    );
  }
  return dir;
}

const project = (name: string, include: string[], extra: Record<string, unknown> = {}) => ({
  extends: true,
  test: { name, include, ...extra },
});

function vitestRun(vitest: string | undefined): FixtureRun {
  return {
    runner: 'vitest',
    vitest,
    fixtures: [
      ...['extend', 'fails', 'timeout', 'configure', 'features'].map((name) => `h4/vitest/${name}.fixture.mjs`),
      ...POOLS.map((pool) => ({ from: 'h4/vitest/pools.fixture.mjs', to: `pools/${pool}.fixture.mjs` })),
      ...['one', 'two'].map((name) => ({
        from: 'h4/shared/leavesClock.fixture.mjs',
        to: `shared/${name}.fixture.mjs`,
      })),
    ],
    config: {
      // Projects extend the root: an empty root include keeps each project to its own files.
      include: [],
      // Hooks in declaration order: the shared files' afterAll runs after unflake's own (Vitest 4 takes this
      // from the root config only).
      sequence: { hooks: 'list' },
      projects: [
        project('main', ['h4/**/*.fixture.mjs']),
        ...POOLS.map((pool) => project(pool, [`pools/${pool}.fixture.mjs`], { pool })),
        // One worker, files one after the other.
        project('shared', ['shared/*.fixture.mjs'], {
          isolate: false,
          maxWorkers: 1,
          sequence: { groupOrder: 1, hooks: 'list' },
        }),
      ],
    },
    timeout: RUN_TIMEOUT - 5_000,
  };
}

const failure = (test: TestOutcome): string => test.failureMessages.join('\n');

function verdict(test: TestOutcome, id: string) {
  return { id, status: test.status, attempts: test.attempts };
}

/** The test failed, for `reason`. The id is in the compared value, so a mismatch names the test. */
function expectFailed(test: TestOutcome, id: string, reason: RegExp): TestOutcome {
  expect({ id, status: test.status }).toEqual({ id, status: 'failed' });
  expect(failure(test)).toMatch(reason);
  return test;
}

function expectPassed(test: TestOutcome, id: string): TestOutcome {
  expect({ id, status: test.status, failure: failure(test) }).toEqual({ id, status: 'passed', failure: '' });
  return test;
}

const failed = (report: FixtureReport, id: string, reason: RegExp) => expectFailed(report.test(id), id, reason);
const passed = (report: FixtureReport, id: string) => expectPassed(report.test(id), id);
const inFile = (report: FixtureReport, file: string, id: string): TestOutcome => {
  const found = report.tests.filter((t) => t.file === file && t.name.split(' ').includes(id));
  if (found.length !== 1) throw new Error(`${found.length} tests ${id} in ${file}`);
  return found[0]!;
};
const NEVER_AWAITED = /never awaited/;

/** Every test earned the verdict its name announces; skip and todo stay so. */
function expectEveryVerdict(report: FixtureReport, run: FixtureRun): void {
  expect({ timedOut: report.timedOut, exitCode: report.exitCode }).toEqual({ timedOut: false, exitCode: 1 });
  expect(report.fileErrors).toEqual([]);
  expect(report.unhandledErrors).toEqual([]);
  const wanted = (t: TestOutcome) =>
    / must fail/.test(t.name) ? 'failed' : /(^| )sk\d /.test(t.name) ? t.status : 'passed';
  expect(
    report.tests
      .filter((t) => t.status !== wanted(t))
      .map((t) => `${t.file} > ${t.name}: ${t.status}\n${failure(t).slice(0, 600)}`),
  ).toEqual([]);
  const ran = new Set(report.tests.map((t) => t.file));
  expect(run.fixtures.map((f) => (typeof f === 'string' ? f : f.to)).filter((f) => !ran.has(f))).toEqual([]);
}

if (runner.name === 'vitest') {
  describe.each([
    { label: 'Vitest 5', dir: () => undefined },
    { label: 'Vitest 4', dir: vitest4Dir },
  ])('runner matrix from the built package: $label', ({ dir }) => {
    let run: FixtureRun;
    let report: FixtureReport;
    beforeAll(async () => {
      run = vitestRun(dir());
      report = await runFixture(run);
      // The first run on a checkout also installs Vitest 4 (vitest4Dir).
    }, RUN_TIMEOUT + 240_000);

    test('the inner run ends by itself, with no file-level or unhandled error, and every test earned its verdict', () => {
      expectEveryVerdict(report, run);
    });

    test('item 1: test.extend tests run, with or without a fixture, beside a user aroundEach, with their own state', () => {
      for (const id of ['x1', 'x2', 'x4']) passed(report, id);
      failed(report, 'x3', NEVER_AWAITED);
    });

    test('matrix: a test.extend fixture’s setup and teardown polls belong to the test', () => {
      passed(report, 'x5');
      failed(report, 'x6', /never awaited[\s\S]*in test "(?:[^"]* > )?x6 [^"]*": still running when the test ended/);
    });

    test('item 2: under test.fails, unflake’s own after-test failures still fail the test; the test’s own failure is inverted', () => {
      failed(report, 'p1', /never awaited[\s\S]*marked `fails`/);
      failed(report, 'p2', NEVER_AWAITED);
      failed(report, 'p3', /the queue could not be dropped/);
      failed(report, 'p4', /TestClock\.install\(\) was still active when the test ended/);
      for (const id of ['p5', 'p6', 'p8']) passed(report, id);
      failed(report, 'p7', /Expect test to fail/);
    });

    test('item 6: with a short test timeout the poll keeps polling; the margin before it is a quarter of the timeout', () => {
      passed(report, 't1');
      const t2 = failed(report, 't2', /Stopped after \d+ ms, 100 ms before the test's own 400 ms timeout/);
      expect(failure(t2)).not.toMatch(/timed out in \d+ms/i);
      passed(report, 't3');
    });

    test('item 7: configure() inside a test is that test’s; a restore undoes only its own change; concurrent siblings are unaffected', () => {
      for (const id of ['g1', 'g2', 'g3', 'g5', 'g6']) passed(report, id);
      failed(report, 'g4', /timeout: 30 ms/);
    });

    test('item 8: isolate: false, an install made in afterAll after the last test does not reach the next file', () => {
      const files = ['shared/one.fixture.mjs', 'shared/two.fixture.mjs'];
      const firsts = files.map((file) => expectPassed(inFile(report, file, 'i1'), `i1 ${file}`));
      // The scenario happened: the second file ran after the first in the same global object.
      expect(firsts.filter((t) => /before: (one|two)\.fixture\.mjs/.test(t.name))).toHaveLength(1);
      for (const file of files) {
        expectPassed(inFile(report, file, 'i2'), `i2 ${file}`);
        expectFailed(inFile(report, file, 'i4'), `i4 ${file}`, NEVER_AWAITED);
      }
    });

    test('matrix: each and for, skip and todo, hooks (beforeEach, afterEach, aroundEach, onTestFinished, onTestFailed)', () => {
      for (const id of ['ea1', 'ea2', 'fo1', 'hk1', 'hk3']) passed(report, id);
      for (const id of ['ea3', 'fo2', 'hk2', 'hk4']) failed(report, id, NEVER_AWAITED);
      // onTestFailed saw the eventual assertion's own failure (it throws otherwise).
      expect(failure(failed(report, 'hk5', /Timed out after/))).not.toMatch(/onTestFailed saw/);
      expect(['sk1', 'sk2', 'sk3'].map((id) => verdict(report.test(id), id))).toEqual([
        { id: 'sk1', status: 'skipped', attempts: expect.anything() },
        { id: 'sk2', status: 'todo', attempts: expect.anything() },
        { id: 'sk3', status: 'skipped', attempts: expect.anything() },
      ]);
    });

    test('matrix: expect.soft, expect.assertions, expect.poll, .resolves', () => {
      failed(report, 'sf1', /Timed out after/);
      failed(report, 'as2', /expected number of assertions to be 2, but got 1/);
      failed(report, 'ep2', /expected \+0 to be 1/);
      // `.resolves` hands the matcher the resolved value: refused, saying to pass a probe function.
      failed(report, 'rz1', /\.toEventuallyEqual\(\): expected a probe function .* but received number 1/);
      for (const id of ['sf2', 'as1', 'ep1', 'rs1']) passed(report, id);
    });

    test('matrix: retry and repeats (a fresh state per attempt and per run), test.concurrent, sequential inside concurrent', () => {
      // Passed on its second attempt (the report keeps the first attempt's error).
      expect(verdict(report.test('re1'), 're1')).toEqual({ id: 're1', status: 'passed', attempts: 2 });
      expect(verdict(failed(report, 're2', NEVER_AWAITED), 're2')).toEqual({
        id: 're2',
        status: 'failed',
        attempts: 2,
      });
      failed(report, 'rp1', NEVER_AWAITED);
      passed(report, 'rp2');
      passed(report, 'sq1');
      failed(report, 'sq2', NEVER_AWAITED);
      const cc1 = failed(report, 'cc1', NEVER_AWAITED);
      expect([...failure(cc1).matchAll(/in test "[^"]*?(cc\d) /g)].map((m) => m[1])).toEqual(['cc1']);
      passed(report, 'cc2');
    });

    test('matrix: pools threads, forks and vmThreads', () => {
      for (const pool of POOLS) {
        const file = `pools/${pool}.fixture.mjs`;
        expectFailed(inFile(report, file, 'pl1'), `pl1 ${pool}`, NEVER_AWAITED);
        expectPassed(inFile(report, file, 'pl2'), `pl2 ${pool}`);
      }
    });
  });
} else {
  describe('runner matrix from the built package: Playwright Test', () => {
    const run: FixtureRun = {
      runner: 'playwright',
      fixtures: ['h4/playwright/features.fixture.mjs'],
      timeout: RUN_TIMEOUT - 5_000,
    };
    let report: FixtureReport;
    beforeAll(async () => {
      report = await runFixture(run);
    }, RUN_TIMEOUT);

    test('the inner run ends by itself, with no file-level error, and every test earned its verdict', () => {
      expectEveryVerdict(report, run);
    });

    test('item 2: under test.fail(), unflake’s own after-test failures still fail the test; the test’s own failure is inverted', () => {
      failed(report, 'pf1', /never awaited[\s\S]*marked `test\.fail\(\)`/);
      failed(report, 'pf2', /the queue could not be dropped/);
      failed(report, 'pf3', /TestClock\.install\(\) was still active when the test ended/);
      passed(report, 'pf4');
    });

    test('item 6: with testInfo.setTimeout() short, the poll keeps polling; the margin is a quarter of the timeout', () => {
      passed(report, 'pt1');
      const pt2 = failed(report, 'pt2', /Stopped after \d+ ms, 100 ms before the test's own 400 ms timeout/);
      expect(failure(pt2)).not.toMatch(/Test timeout of \d+ms exceeded/);
    });

    test('matrix: test.extend on unflake’s test, expect.soft, expect.poll, test.skip()', () => {
      passed(report, 'px1');
      failed(report, 'px2', NEVER_AWAITED);
      failed(report, 'pe1', /Timed out after/);
      passed(report, 'pe2');
      failed(report, 'pe3', /Timeout 50ms exceeded while waiting/);
      expect(verdict(report.test('sk1'), 'sk1')).toEqual({ id: 'sk1', status: 'skipped', attempts: 1 });
    });

    test('matrix: test.step, retries (a fresh state per attempt)', () => {
      passed(report, 'ps1');
      failed(report, 'ps2', NEVER_AWAITED);
      expect(verdict(passed(report, 'pr1'), 'pr1')).toEqual({ id: 'pr1', status: 'passed', attempts: 2 });
      expect(verdict(failed(report, 'pr2', NEVER_AWAITED), 'pr2')).toEqual({
        id: 'pr2',
        status: 'failed',
        attempts: 2,
      });
    });
  });
}
