/**
 * The Jest columns of the runner matrix (docs/runners.md, "Jest 29 and 30"), proven from the built package
 * on Jest 30 (the repo's); test/consumers/jest29 proves the same table on Jest 29. Each cell is a
 * must-fail fixture test beside a must-pass control, in test/verdicts/fixtures/h5; expected.json says how
 * each must end and check.cjs judges an inner run's report against it, the same way for both versions.
 * The runs are split between the outer runners so each inner run happens once per `npm test`: Jest runs
 * the CommonJS run (hooks, .failing, concurrent variants, .only, .resolves, test ids and quarantine),
 * Vitest the native-ESM and `injectGlobals: false` runs.
 */
import { createRequire } from 'node:module';
import { runner } from '../support/runner.ts';
import { runFixture, type FixtureReport, type FixtureRun } from './runFixture.ts';

interface Verdicts {
  expected: { runs: Record<string, { files: string[]; format?: 'esm' | 'cjs'; config?: Record<string, unknown> }> };
  checkRun(
    run: string,
    tests: Array<{ name: string; status: string; messages: string[]; attempts: number | undefined }>,
    fileErrors: string[],
  ): string[];
  checkIds(flakeReport: unknown): string[];
}

const { expected, checkRun, checkIds } = createRequire(import.meta.url)('./fixtures/h5/check.cjs') as Verdicts;
const RUN_TIMEOUT = 60_000;

function innerRun(name: string): FixtureRun {
  const run = expected.runs[name]!;
  const ids = name === 'cjs';
  return {
    runner: 'jest',
    format: run.format ?? 'cjs',
    fixtures: [
      ...run.files.map((file) => `h5/${file}`),
      ...(ids ? [{ from: 'h5/quarantine.json', to: 'quarantine.json' }] : []),
    ],
    config: {
      ...run.config,
      ...(ids
        ? {
            reporters: [
              'default',
              ['unflake/reporter', { quarantine: 'quarantine.json', outputFile: 'flake-report.json' }],
            ],
          }
        : {}),
    },
    collect: ids ? ['flake-report.json'] : [],
    timeout: RUN_TIMEOUT - 5_000,
  };
}

function problemsOf(name: string, report: FixtureReport): string[] {
  const tests = report.tests.map((t) => ({
    name: t.name,
    status: t.status,
    messages: t.failureMessages,
    attempts: t.attempts,
  }));
  return checkRun(name, tests, [...report.fileErrors, ...report.unhandledErrors.map((e) => `unhandled: ${e}`)]);
}

const runs = runner.name === 'jest' ? ['cjs'] : ['esm', 'globals'];

describe.each(runs)('Jest 30 features from the built package: the %s run', (name) => {
  let report: FixtureReport;
  beforeAll(async () => {
    report = await runFixture(innerRun(name));
  }, RUN_TIMEOUT);

  test('ends by itself, and every fixture test ends as expected.json says', () => {
    expect({ timedOut: report.timedOut, exitCode: report.exitCode }).toEqual({ timedOut: false, exitCode: 1 });
    expect(problemsOf(name, report)).toEqual([]);
  });

  if (name === 'cjs') {
    test('test ids: "orders sync > retries" and "orders > sync retries" are two tests; only the quarantined one is; a stale entry is reported', () => {
      const flakeReport = JSON.parse(report.collected['flake-report.json'] ?? 'null') as unknown;
      expect(flakeReport).not.toBeNull();
      expect(checkIds(flakeReport)).toEqual([]);
      expect(report.output).toContain(
        'quarantine entry matches NO test of this run, so it quarantines nothing: orders sync retries (payments)',
      );
    });
  }
});
