/**
 * Reads what an inner Vitest (`json` reporter plus extras.json from vitestExtras.mjs) or Jest (`--json`)
 * run wrote, as one shape: each test's status, duration and failure messages, file-level errors, and
 * errors no test owned (unhandled rejections).
 */
import { stripAnsi } from '../support/failure.ts';

export interface TestOutcome {
  /** The fixture file, relative to the project. */
  file: string;
  /** The full name: describe titles and the test's own, joined by spaces. */
  name: string;
  status: 'passed' | 'failed' | 'skipped' | 'pending' | 'todo' | 'disabled' | 'focused';
  /** Milliseconds of the last attempt, as the runner reports it. */
  duration: number;
  /** ANSI codes stripped. */
  failureMessages: string[];
  /** How many times it ran (1 + retries), when the runner says. */
  attempts: number | undefined;
}

export interface ParsedReport {
  tests: TestOutcome[];
  /** Errors of a whole file (collection, afterAll), each prefixed with its file. */
  fileErrors: string[];
  /** Errors the runner could not pin on a test or file (Vitest's "Unhandled Errors"). */
  unhandledErrors: string[];
}

interface JsonAssertion {
  ancestorTitles?: string[];
  fullName?: string;
  title?: string;
  status: TestOutcome['status'];
  duration?: number | null;
  failureMessages?: string[];
  invocations?: number;
}

interface JsonFile {
  name: string;
  status: string;
  message?: string;
  assertionResults: JsonAssertion[];
}

export interface JsonReport {
  testResults: JsonFile[];
}

/** Vitest's extras (vitestExtras.mjs): unhandled errors and each test's retry count. */
export interface VitestExtras {
  unhandledErrors: string[];
  retries: Record<string, number>;
}

function relative(file: string, root: string): string {
  return file.startsWith(root) ? file.slice(root.length).replace(/^[\\/]+/, '') : file;
}

function fullNameOf(assertion: JsonAssertion): string {
  return assertion.fullName ?? [...(assertion.ancestorTitles ?? []), assertion.title ?? ''].join(' ');
}

function outcomesOf(
  report: JsonReport,
  root: string,
  attempts: (file: string, name: string, assertion: JsonAssertion) => number | undefined,
): TestOutcome[] {
  return report.testResults.flatMap((file) =>
    file.assertionResults.map((assertion) => ({
      file: relative(file.name, root),
      name: fullNameOf(assertion),
      status: assertion.status,
      duration: assertion.duration ?? 0,
      failureMessages: (assertion.failureMessages ?? []).map(stripAnsi),
      attempts: attempts(relative(file.name, root), fullNameOf(assertion), assertion),
    })),
  );
}

export function parseVitestReport(report: JsonReport, extras: VitestExtras | undefined, root: string): ParsedReport {
  const tests = outcomesOf(report, root, (file, name) => {
    const retries = extras?.retries[`${file} > ${name}`];
    return retries === undefined ? undefined : retries + 1;
  });
  // A file's own error (collection, beforeAll/afterAll) is in its `message`; its tests' are not.
  const fileErrors = report.testResults
    .filter((file) => file.message)
    .map((file) => `${relative(file.name, root)}: ${stripAnsi(file.message ?? '')}`);
  return { tests, fileErrors, unhandledErrors: (extras?.unhandledErrors ?? []).map(stripAnsi) };
}

export function parseJestReport(report: JsonReport, stderr: string, root: string): ParsedReport {
  const tests = outcomesOf(report, root, (_file, _name, assertion) => assertion.invocations);
  const fileErrors = report.testResults
    .filter((file) => {
      const message = stripAnsi(file.message ?? '');
      const failedTests = file.assertionResults.some((a) => a.status === 'failed');
      // A file that failed with no failing test, or Jest's own banner for a file-level failure.
      return (
        (file.status === 'failed' && !failedTests) ||
        /Test suite failed to run|An error was thrown in afterAll|in afterAll/.test(message)
      );
    })
    .map((file) => `${relative(file.name, root)}: ${stripAnsi(file.message ?? '')}`);
  // Jest has no "unhandled errors" section: an unhandled rejection shows up on stderr (or kills the worker).
  const unhandledErrors = stripAnsi(stderr)
    .split('\n')
    .filter((line) => /unhandled ?rejection|UnhandledPromiseRejection|uncaughtException/i.test(line));
  return { tests, fileErrors, unhandledErrors };
}
