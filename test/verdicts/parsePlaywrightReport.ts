/**
 * Reads an inner Playwright Test run's `json` reporter output as the shape parseReport.ts gives the other
 * runners. A test's verdict is Playwright's: `expected` (an expected failure under `test.fail()` included)
 * and `flaky` (passed on a retry) are `passed`, `unexpected` is `failed`.
 */
import { stripAnsi } from '../support/failure.ts';
import type { ParsedReport, TestOutcome } from './parseReport.ts';

interface PlaywrightError {
  message?: string;
  stack?: string;
}

interface PlaywrightResult {
  status: string;
  duration: number;
  errors?: PlaywrightError[];
}

interface PlaywrightSpec {
  title: string;
  file: string;
  tests: Array<{ status: 'expected' | 'unexpected' | 'flaky' | 'skipped'; results: PlaywrightResult[] }>;
}

interface PlaywrightSuite {
  title: string;
  file: string;
  specs?: PlaywrightSpec[];
  suites?: PlaywrightSuite[];
}

export interface PlaywrightJsonReport {
  suites: PlaywrightSuite[];
  errors?: PlaywrightError[];
}

const STATUS: Record<PlaywrightSpec['tests'][number]['status'], TestOutcome['status']> = {
  expected: 'passed',
  flaky: 'passed',
  unexpected: 'failed',
  skipped: 'skipped',
};

function outcomes(suite: PlaywrightSuite, titles: string[]): TestOutcome[] {
  const own = (suite.specs ?? []).flatMap((spec) =>
    spec.tests.map((test) => {
      const last = test.results[test.results.length - 1];
      const status = STATUS[test.status];
      return {
        file: spec.file,
        name: [...titles, spec.title].join(' '),
        status,
        duration: last?.duration ?? 0,
        failureMessages:
          status === 'failed'
            ? test.results.flatMap((result) =>
                (result.errors ?? []).map((error) => stripAnsi(error.stack ?? error.message ?? '')),
              )
            : [],
        attempts: test.results.length,
      };
    }),
  );
  // The top-level suites are files: their title is not part of a test's name.
  return [...own, ...(suite.suites ?? []).flatMap((child) => outcomes(child, [...titles, child.title]))];
}

export function parsePlaywrightReport(report: PlaywrightJsonReport): ParsedReport {
  const tests = report.suites.flatMap((file) => outcomes(file, []));
  return {
    tests,
    fileErrors: (report.errors ?? []).map((error) => stripAnsi(error.stack ?? error.message ?? '')),
    unhandledErrors: [],
  };
}
