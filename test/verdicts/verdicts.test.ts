/**
 * Every must-fail verdict, proven from the built package in a real inner run (SPEC section 0): fixture
 * files in a throwaway project that installs unflake the way users do (runFixture.ts). Each outer runner
 * runs its own inner runner: Vitest here runs inner Vitest (ESM; and `isolate: false`), Jest runs inner
 * Jest twice (ESM, and CommonJS with `require('unflake')`). Each inner run holds many fixture tests;
 * the cases below read its report. Fixture test names start with an id (a1, b2, ...) and say whether
 * the test must fail or is an innocent bystander that must pass.
 */
import { runner } from '../support/runner.ts';
import { runFixture, type FixtureReport, type FixtureRun, type TestOutcome } from './runFixture.ts';

const RUN_TIMEOUT = 60_000;

const portable = [
  'esm/a-concurrent.fixture.mjs',
  'esm/b-maxAttempts.fixture.mjs',
  'esm/b-configured.fixture.mjs',
  'esm/c-noValue.fixture.mjs',
  'esm/d-stop.fixture.mjs',
  'esm/d-matchersEntry.fixture.mjs',
  'esm/e-forgotten.fixture.mjs',
  'esm/e-concurrent.fixture.mjs',
];
const leaky = (to: string) => ({ from: 'isolate/leaky.fixture.mjs', to: `isolate/${to}.fixture.mjs` });

interface InnerRun {
  label: string;
  run: FixtureRun;
  /** Whether the isolate fixture (ESM only: top-level await, import.meta) is part of this run. */
  isolateFile: boolean;
}

const innerRuns: InnerRun[] =
  runner.name === 'vitest'
    ? [
        {
          label: 'Vitest, ESM',
          run: { runner: 'vitest', fixtures: [...portable, 'vitest/retry.fixture.mjs'] },
          isolateFile: false,
        },
      ]
    : [
        {
          label: 'Jest, ESM',
          run: { runner: 'jest', format: 'esm', fixtures: [...portable, 'jest/retry.fixture.mjs', leaky('one')] },
          isolateFile: true,
        },
        {
          label: 'Jest, CommonJS',
          run: { runner: 'jest', format: 'cjs', fixtures: [...portable, 'jest/retry.fixture.mjs'] },
          isolateFile: false,
        },
      ];

function failure(test: TestOutcome): string {
  return test.failureMessages.join('\n');
}

/** The test failed, for `reason`. The id is in the compared value, so a mismatch names the test. */
function expectFailed(report: FixtureReport, id: string, reason: RegExp): TestOutcome {
  const test = report.test(id);
  expect({ id, status: test.status }).toEqual({ id, status: 'failed' });
  expect(failure(test)).toMatch(reason);
  return test;
}

function expectPassed(report: FixtureReport, id: string): TestOutcome {
  const test = report.test(id);
  expect({ id, status: test.status, failure: failure(test) }).toEqual({ id, status: 'passed', failure: '' });
  return test;
}

describe.each(innerRuns)('verdicts from the built package: $label', ({ run, isolateFile }) => {
  let report: FixtureReport;
  beforeAll(async () => {
    report = await runFixture({ ...run, timeout: RUN_TIMEOUT - 5_000 });
  }, RUN_TIMEOUT);

  test('the inner run ends by itself, with no file-level or unhandled error, and every test earned its verdict', () => {
    expect({ timedOut: report.timedOut, exitCode: report.exitCode }).toEqual({ timedOut: false, exitCode: 1 });
    expect(report.fileErrors).toEqual([]);
    expect(report.unhandledErrors).toEqual([]);
    const wrong = report.tests.filter((t) =>
      / must fail/.test(t.name) ? t.status !== 'failed' : t.status !== 'passed',
    );
    expect(wrong.map((t) => `${t.name}: ${t.status}`)).toEqual([]);
    // Every fixture file was collected and ran (a file that failed to load would have no tests).
    const ran = new Set(report.tests.map((t) => t.file.replace(/\.cjs$/, '.mjs')));
    expect(run.fixtures.map((f) => (typeof f === 'string' ? f : f.to)).filter((f) => !ran.has(f))).toEqual([]);
  });

  test('a: a concurrent sibling ending first neither stops, passes nor cuts short another test’s poll', () => {
    // Watched for its whole 600 ms window, not stopped (and passed) when a3 ended at ~50 ms.
    expect(
      expectFailed(report, 'a1', /Timed out after .*\(timeout: 600 ms\): the condition never held/).duration,
    ).toBeGreaterThanOrEqual(550);
    expect(
      expectFailed(report, 'a2', /ReadinessError[\s\S]*timed out after [\s\S]*ECONNREFUSED/).duration,
    ).toBeGreaterThanOrEqual(550);
    expectPassed(report, 'a3');
    // a4 needs 700 ms of its own 10 s; with a5's 400 ms deadline it would have been stopped at ~150 ms.
    expect(expectPassed(report, 'a4').duration).toBeGreaterThanOrEqual(650);
    expectPassed(report, 'a5');
  });

  test('b: maxAttempts cannot shorten an always/never window into a pass', () => {
    expectFailed(report, 'b1', /TypeError: \.toConsistentlyEqual\(\): `maxAttempts` cannot bound/);
    expectFailed(report, 'b2', /TypeError: \.not\.toEventuallyEqual\(\): `maxAttempts` cannot bound/);
    expectFailed(report, 'b3', /TypeError: consistently\(\): `maxAttempts` cannot bound/);
    expectPassed(report, 'b4');
    // A configured default maxAttempts: 3 does not apply to windows; they ran until the value turned at 300 ms.
    expect(expectFailed(report, 'b5', /stopped holding/).duration).toBeGreaterThanOrEqual(250);
    expect(expectFailed(report, 'b6', /It matched at attempt \d+/).duration).toBeGreaterThanOrEqual(250);
    expectPassed(report, 'b7');
  });

  test('c: a window in which no attempt returned a value fails', () => {
    expectFailed(report, 'c1', /the probe never returned a value/);
    expectFailed(report, 'c2', /the probe never returned a value/);
    // consistently() counts a thrown attempt as not holding: it fails at the first one.
    expectFailed(report, 'c3', /the probe never returned a value|stopped holding at attempt 1/);
    expectPassed(report, 'c4');
  });

  test('d: stop() from `unflake` ends matchers registered from another entry point and bundle', () => {
    // Fast: a stop() the engine did not recognise would be retried for the whole 3 s window.
    expect(
      expectFailed(report, 'd1', /Stopped by stop\(\) at attempt 1 .*: the order was cancelled/).duration,
    ).toBeLessThan(2_000);
    expect(
      expectFailed(report, 'd2', /Stopped by stop\(\) at attempt 1 .*: status is cancelled/).duration,
    ).toBeLessThan(2_000);
    expect(
      expectFailed(report, 'd3', /Stopped by stop\(\) at attempt 1 .*: the queue was deleted/).duration,
    ).toBeLessThan(2_000);
  });

  test('e: a forgotten await fails the test that forgot it, whether its poll was running, passed or failed', () => {
    expectFailed(
      report,
      'e1',
      /never awaited[\s\S]*in test "(?:[^"]* > )?e1 [^"]*": still running when the test ended/,
    );
    expectFailed(
      report,
      'e2',
      /never awaited[\s\S]*in test "(?:[^"]* > )?e2 [^"]*": it had passed, but the test never awaited it/,
    );
    expectFailed(
      report,
      'e3',
      /never awaited[\s\S]*in test "(?:[^"]* > )?e3 [^"]*": it had failed, but the test never awaited it/,
    );
    expectPassed(report, 'e4');
    // No file-level unhandled rejection for e3's failed poll: see the first case.
  });

  test('e: under test.concurrent the forgetful test is blamed, and only it', () => {
    const e5 = expectFailed(
      report,
      'e5',
      /never awaited[\s\S]*in test "(?:[^"]* > )?e5 [^"]*": still running when the test ended/,
    );
    const e8 = expectFailed(report, 'e8', /never awaited[\s\S]*in test "(?:[^"]* > )?e8 [^"]*": it had passed/);
    for (const [test, own] of [
      [e5, 'e5'],
      [e8, 'e8'],
    ] as const) {
      const named = [...failure(test).matchAll(/in test "(?:[^"]* > )?(e\d) /g)].map((m) => m[1]);
      expect({ test: own, named }).toEqual({ test: own, named: [own] });
    }
    expectPassed(report, 'e6');
    expectPassed(report, 'e7');
  });

  test('retries: each attempt is a new test (its own polls and deadline), and a must-fail test fails every attempt', () => {
    const r1 = report.test('r1');
    expect({ status: r1.status, attempts: r1.attempts }).toEqual({ status: 'passed', attempts: 2 });
    const r2 = expectFailed(report, 'r2', /never awaited[\s\S]*in test "(?:[^"]* > )?r2 [^"]*": still running/);
    expect(r2.attempts).toBe(2);
  });

  if (isolateFile) {
    test('f: configure() and an install() in beforeAll hold for the whole file', () => {
      for (const id of ['f1', 'f2', 'f3', 'f4']) expectPassed(report, id);
    });
  }
});

if (runner.name === 'vitest') {
  describe('verdicts from the built package: Vitest, isolate: false', () => {
    let report: FixtureReport;
    beforeAll(async () => {
      // Two copies of one fixture in one worker, one after the other, sharing modules and globals.
      report = await runFixture({
        runner: 'vitest',
        fixtures: [leaky('one'), leaky('two')],
        config: { isolate: false, fileParallelism: false },
        collect: ['isolate-log.txt'],
        timeout: RUN_TIMEOUT - 5_000,
      });
    }, RUN_TIMEOUT);

    test('f: nothing leaks across files: configure() and TestClock#install() end with their file', () => {
      expect({
        timedOut: report.timedOut,
        exitCode: report.exitCode,
        fileErrors: report.fileErrors,
        unhandled: report.unhandledErrors,
      }).toEqual({
        timedOut: false,
        exitCode: 0,
        fileErrors: [],
        unhandled: [],
      });
      expect(report.tests.map((t) => `${t.name.slice(0, 2)} ${t.file} ${t.status}`).sort()).toEqual(
        ['one', 'two']
          .flatMap((file) => ['f1', 'f2', 'f3', 'f4'].map((id) => `${id} isolate/${file}.fixture.mjs passed`))
          .sort(),
      );
      // The scenario really happened: the second file shared the first one's globals, and saw a real Date
      // and the default timeout.
      const log = (report.collected['isolate-log.txt'] ?? '')
        .trim()
        .split('\n')
        .map(
          (line) => JSON.parse(line) as { file: string; before: string[]; inherited: { year: number; poll: string } },
        );
      expect(log.map((entry) => entry.before.length).sort()).toEqual([0, 1]);
      for (const { inherited } of log) expect(inherited).toEqual({ year: expect.any(Number), poll: 'passed' });
      for (const { inherited } of log) expect(inherited.year).toBeGreaterThan(2020);
    });
  });
}
