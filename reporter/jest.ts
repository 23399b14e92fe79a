/** The flake reporter for Jest (29 and 30): `reporters: ['default', ['unflake/reporter', { budget: 0.005 }]]`. */
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { shardOf } from '../src/flakes/runInfo.ts';
import { runId } from '../src/helpers/workerNamespace.ts';
import { FlakeCollector, validateOptions, type FlakeReporterOptions } from './core.ts';
import { worthPrinting } from './summary.ts';
import { testFileOf, testIdOf, testNameOf } from '../src/runner/testId.ts';
import { FOLDER_VARIABLE, takeJestAttemptSpans } from '../src/otel/attemptSpans.ts';

/**
 * The run's folder for the attempts' span ids (src/otel/attemptSpans.ts: Jest has no channel from a test to its
 * reporters), named in the environment before Jest starts its workers, so they inherit it. Not created here: only a
 * worker with an OpenTelemetry provider writes into it; the reporter deletes it at the end of the run.
 */
function attemptSpansFolder(): string {
  const folder = join(tmpdir(), `unflake-attempt-spans-${process.pid}-${randomBytes(6).toString('hex')}`);
  process.env[FOLDER_VARIABLE] = folder;
  return folder;
}

/** One test of a Jest test file's result (the parts the reporter reads). */
export interface JestAssertionResult {
  /** Jest's own name: titles joined with spaces (ambiguous, so not the id). */
  fullName: string;
  /** The test's own title. */
  title?: string;
  /** The describe titles, outermost first. */
  ancestorTitles?: string[];
  /** `passed`, `failed`, or another state (skipped, pending, todo), counted as skipped. */
  status: string;
  /** The messages of the final failed attempt. */
  failureMessages?: string[];
  /** Jest >= 29.5: messages of the attempts that failed before a retry. */
  retryReasons?: string[];
  /** How many times the test ran, retries included. */
  invocations?: number;
  /** The test's duration in ms, when Jest measured it. */
  duration?: number | null;
}
/** A Jest test file's result (the parts the reporter reads). */
export interface JestTestResult {
  /** The test file's absolute path. */
  testFilePath: string;
  /** The file failed outside any test (did not load, a top-level hook threw). */
  testExecError?: {
    /** The error's message. */
    message?: string;
    /** The error's stack. */
    stack?: string;
  };
  /** Each test of the file. */
  testResults: JestAssertionResult[];
}
/** The parts of Jest's aggregated results that decide its exit code. */
export interface JestAggregated {
  /** Tests that failed. */
  numFailedTests?: number;
  /** Test files that failed outside any test. */
  numRuntimeErrorTestSuites?: number;
  /** Whether snapshots failed the run (obsolete or unwritten ones under `--ci`). */
  snapshot?: {
    /** Whether snapshots failed the run. */
    failure?: boolean;
  };
  /** Whether the run was interrupted. */
  wasInterrupted?: boolean;
  /** An error that failed the run as a whole. */
  runExecError?: unknown;
}

/** The flake reporter for Jest: records every test's outcome and failed attempts, writes the run report, and fails the run over the flake budget. */
export class JestFlakeReporter {
  readonly #collector: FlakeCollector;
  readonly #root: string;
  #error: Error | undefined;
  readonly #spans = attemptSpansFolder();

  constructor(globalConfig?: { rootDir?: string; shard?: unknown }, options?: FlakeReporterOptions) {
    // runId(): in the main process, before workers start, so they inherit one run id.
    this.#collector = new FlakeCollector('jest', validateOptions('unflake/reporter (Jest)', options), runId());
    this.#collector.shard = shardOf(globalConfig?.shard);
    this.#collector.start(process.cwd());
    this.#root = globalConfig?.rootDir ?? process.cwd();
  }

  /** Called by Jest as each test file finishes: records its tests' outcomes and failed attempts. */
  onTestResult(_test: unknown, result: JestTestResult): void {
    if (result.testExecError)
      this.#collector.recordSuiteError(testFileOf(result.testFilePath, this.#root), result.testExecError);
    const spans = takeJestAttemptSpans(this.#spans, result.testFilePath);
    for (const t of result.testResults) {
      const titles = [...(t.ancestorTitles ?? []), t.title ?? t.fullName];
      const state = t.status === 'passed' ? 'passed' : t.status === 'failed' ? 'failed' : 'skipped';
      const failures =
        state === 'skipped'
          ? []
          : [...(t.retryReasons ?? []), ...(state === 'failed' ? (t.failureMessages ?? []) : [])];
      this.#collector.record({
        // The id's name part: describe titles and the test's, joined with ' > ' (src/runner/testId.ts).
        name: t.title === undefined ? t.fullName : testNameOf([...(t.ancestorTitles ?? []), t.title]),
        file: testFileOf(result.testFilePath, this.#root),
        state,
        failures,
        attempts: t.invocations ?? (t.retryReasons?.length ?? 0) + 1,
        ...(typeof t.duration === 'number' ? { durationMs: t.duration } : {}),
        attemptSpans: spans.get(testIdOf(result.testFilePath, titles)),
      });
    }
  }

  /** Called by Jest at the end: writes the report (and history, JUnit) and prints the summary. Over the budget, `getLastError()` fails the run; when the only failures are quarantined tests, it takes them out of `numFailedTests` so the run passes. */
  async onRunComplete(_contexts?: unknown, results?: JestAggregated): Promise<void> {
    rmSync(this.#spans, { recursive: true, force: true });
    const finished = await this.#collector.finish();
    const { verdict } = finished;
    const say = (text: string): boolean => process.stderr.write(`${text}\n`);
    if (worthPrinting(finished) || this.#collector.settings.verbose) say(`\n${finished.summary}`);
    if (verdict.budgetError) {
      this.#error = new Error(verdict.budgetError);
      say(verdict.budgetError);
      return;
    }
    const quarantined = verdict.quarantinedFailures.length;
    if (!quarantined || verdict.failed.length || !results) return;
    // Jest decides its exit code after the reporters, from numFailedTests: take the quarantined ones out.
    const clean =
      !results.numRuntimeErrorTestSuites &&
      !results.snapshot?.failure &&
      !results.wasInterrupted &&
      !results.runExecError;
    if (clean && results.numFailedTests === quarantined) {
      results.numFailedTests = 0;
      say(`unflake: the run's only failures are quarantined tests (${quarantined}): exit code 0.`);
    } else
      say(
        'unflake: quarantined tests failed, but so did something else (a suite that did not run, a snapshot, an interrupt): the exit code stays 1.',
      );
  }

  /** Jest fails the run (exit 1) when a reporter returns an error here. */
  getLastError(): Error | undefined {
    return this.#error;
  }
}

export default JestFlakeReporter;
