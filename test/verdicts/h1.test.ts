/**
 * Issue 18, items 8 and 9, proven from the built package in real inner runs (runFixture.ts): an eventual
 * assertion counts as one for `expect.assertions` / `hasAssertions`, and a failing one points at its own
 * line (a stack frame in the test file and the runner's code frame); and items 1 and 4 (a Map, a Set and
 * their .not by content; a check says true or false). Vitest runs inner Vitest; Jest runs inner Jest, ESM
 * and CommonJS, and an inner Playwright Test (unflake/playwright; items 1 and 4 only).
 */
import { runner } from '../support/runner.ts';
import { runFixture, type FixtureReport, type FixtureRun, type TestOutcome } from './runFixture.ts';

const RUN_TIMEOUT = 60_000;
const fixtures = ['h1/counts.fixture.mjs', 'h1/callSite.fixture.mjs', 'h1/equality.fixture.mjs'];

const innerRuns: Array<{ label: string; run: FixtureRun }> =
  runner.name === 'vitest'
    ? [{ label: 'Vitest, ESM', run: { runner: 'vitest', fixtures: [...fixtures, 'h1/vitestLocal.fixture.mjs'] } }]
    : [
        { label: 'Jest, ESM', run: { runner: 'jest', format: 'esm', fixtures } },
        { label: 'Jest, CommonJS', run: { runner: 'jest', format: 'cjs', fixtures } },
        { label: 'Playwright Test', run: { runner: 'playwright', fixtures: ['h1/playwright/equality.fixture.mjs'] } },
      ];

function failure(test: TestOutcome): string {
  return test.failureMessages.join('\n');
}

function expectStatus(report: FixtureReport, id: string, status: 'passed' | 'failed'): TestOutcome {
  const test = report.test(id);
  expect({ id, status: test.status, failure: status === 'passed' ? failure(test) : '' }).toEqual({
    id,
    status,
    failure: '',
  });
  return test;
}

describe.each(innerRuns)('h1 verdicts from the built package: $label', ({ run }) => {
  let report: FixtureReport;
  beforeAll(async () => {
    report = await runFixture({ ...run, timeout: RUN_TIMEOUT - 5_000 });
  }, RUN_TIMEOUT);

  test('every test earned its verdict, with no file-level or unhandled error', () => {
    expect({
      timedOut: report.timedOut,
      fileErrors: report.fileErrors,
      unhandledErrors: report.unhandledErrors,
    }).toEqual({ timedOut: false, fileErrors: [], unhandledErrors: [] });
    const wrong = report.tests.filter((t) =>
      / must fail/.test(t.name) ? t.status !== 'failed' : t.status !== 'passed',
    );
    expect(wrong.map((t) => `${t.name}: ${t.status}: ${failure(t).slice(0, 300)}`)).toEqual([]);
  });

  test('items 1 and 4: equality is the runner’s, and a check says true or false', () => {
    expect(failure(expectStatus(report, 'q1', 'failed'))).toMatch(/never held/);
    expect(failure(expectStatus(report, 'q2', 'failed'))).toMatch(/stopped holding/);
    expectStatus(report, 'q3', 'passed');
    expect(expectStatus(report, 'q4', 'failed').duration).toBeLessThan(1_500);
    expect(failure(report.test('q4'))).toMatch(/the check returned the number 0\./);
    if (run.runner === 'playwright') expectStatus(report, 'q5', 'passed');
    else expect(failure(expectStatus(report, 'q5', 'failed'))).toMatch(/did you forget `return`\?/);
    expectStatus(report, 'q6', 'passed');
  });

  test('item 8: an eventual assertion counts once, whatever its check ran inside', () => {
    if (run.runner === 'playwright') return; // Playwright has no expect.assertions
    expectStatus(report, 'n1', 'passed');
    expect(failure(expectStatus(report, 'n2', 'failed'))).toMatch(
      /expected number of assertions to be 2, but got 1|Expected two assertions to be called but received one assertion call/,
    );
    expectStatus(report, 'n3', 'passed');
    expect(failure(expectStatus(report, 'n4', 'failed'))).toMatch(
      /expected any number of assertion, but got none|Expected at least one assertion to be called but received none/,
    );
    if (run.runner === 'vitest') {
      // A test's own `expect` (from its context) keeps its own count.
      expectStatus(report, 'v1', 'passed');
      expect(failure(expectStatus(report, 'v2', 'failed'))).toMatch(/expected number of assertions to be 2, but got 1/);
    }
  });

  test('item 9: a failing eventual assertion has a stack frame at its own line, and the runner prints its code frame', () => {
    if (run.runner === 'playwright') return; // not part of item 9
    const s1 = failure(expectStatus(report, 's1', 'failed'));
    const s2 = failure(expectStatus(report, 's2', 'failed'));
    if (run.runner === 'vitest') {
      // Vitest's reporter prints "❯ file:line:col" and the code frame under it.
      expect(report.output).toMatch(
        /❯ h1\/callSite\.fixture\.mjs:6:\d+\n(?:.*\n){0,3}\s*6\|\s+await expect\(\(\) => \(\{ status: 'pending' \}\)\)\.toEventuallyMatchObject/,
      );
      expect(report.output).toMatch(
        /❯ h1\/callSite\.fixture\.mjs:11:\d+\n(?:.*\n){0,3}\s*11\|\s+await expect\(\(\) => 'dup'\)\.not\.toEventuallyEqual/,
      );
    } else {
      // The CommonJS copy of a fixture has one line more at its top (toCommonJs.ts).
      const shift = run.format === 'esm' ? 0 : 1;
      expect(s1).toMatch(new RegExp(`at .*h1/callSite\\.fixture\\.[cm]js:${6 + shift}:\\d+`));
      expect(s2).toMatch(new RegExp(`at .*h1/callSite\\.fixture\\.[cm]js:${11 + shift}:\\d+`));
      expect(report.output).toMatch(
        new RegExp(
          `>\\s+${6 + shift} \\|\\s+await expect\\(\\(\\) => \\(\\{ status: 'pending' \\}\\)\\)\\.toEventuallyMatchObject`,
        ),
      );
    }
  });
});
