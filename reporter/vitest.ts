/** The flake reporter for Vitest (4 and 5): `reporters: ['default', ['unflake/reporter', { budget: 0.005 }]]`. */
import { shardOf } from '../src/flakes/runInfo.ts';
import { runId } from '../src/helpers/workerNamespace.ts';
import { FlakeCollector, validateOptions, type FlakeReporterOptions } from './core.ts';
import { worthPrinting } from './summary.ts';
import { testFileOf, testNameOf } from '../src/runner/testId.ts';
import { attemptSpansOfMeta } from '../src/otel/attemptSpans.ts';

/** An error Vitest reports for a failed attempt (the parts the reporter reads). */
export interface VitestTestError {
  /** The error's class name, e.g. `AssertionError`. */
  name?: string;
  /** The error's message. */
  message?: string;
  /** The error's stack; its `at …` frames are kept. */
  stack?: string;
}
/** The suite or module a Vitest test case sits in. */
export interface VitestParent {
  /** `suite` for a describe block; anything else ends the titles. */
  type: string;
  /** The describe block's title. */
  name?: string;
  /** The enclosing suite, if any. */
  parent?: VitestParent;
}
/** A finished Vitest test case (Vitest's `TestCase`, the parts the reporter reads). */
export interface VitestTestCase {
  /** Vitest's own name: titles joined with ' > ', unescaped. */
  fullName: string;
  /** The test's own title. */
  name?: string;
  /** The describe block (or module) it sits in. */
  parent?: VitestParent;
  /** The test file: `moduleId` is its path. */
  module: {
    /** The test file's path. */
    moduleId: string;
  };
  /** The outcome, and every failed attempt's error (those before a passing retry included). */
  result(): {
    /** The test's state; `pending` (not finished) is not recorded. */
    state: 'passed' | 'failed' | 'skipped' | 'pending';
    /** Every failed attempt's error. */
    errors?: readonly VitestTestError[];
  };
  /** The task's meta: unflake's test worker puts each attempt's span ids there (src/otel/attemptSpans.ts). */
  meta?(): unknown;
  /** Retries made, whether Vitest judged the test flaky, and its duration in ms. */
  diagnostic():
    | {
        /** Retries made (attempts − 1). */
        retryCount: number;
        /** Whether it failed, then passed on a retry. */
        flaky: boolean;
        /** Its duration in ms. */
        duration?: number;
      }
    | undefined;
}
/** A test module as Vitest gives it at the end of the run (the parts the reporter reads). */
export interface VitestSuiteLike {
  /** The test file's path. */
  moduleId?: string;
  /** Errors of the file outside any test (it did not load, a top-level hook threw). */
  errors?(): readonly unknown[];
  /** Its suites, to see whether a hook in one of them failed. */
  children?: {
    /** Every suite of the file, nested ones included. */
    allSuites?(): Iterable<{
      /** Errors of the suite outside its tests (a hook threw). */
      errors?(): readonly unknown[];
    }>;
  };
}

/** Whether nothing but test failures failed the run: no unhandled error, no error in a module or hook. */
function onlyTestsFailed(
  modules: readonly VitestSuiteLike[],
  unhandled: readonly unknown[],
  reason: string | undefined,
): boolean {
  if (reason !== 'failed' || unhandled.length) return false;
  for (const m of modules) {
    if (typeof m.errors !== 'function' || typeof m.children?.allSuites !== 'function') return false;
    if (m.errors().length) return false;
    for (const s of m.children.allSuites()) if (s.errors?.().length) return false;
  }
  return true;
}

/** The `at …` lines of a stack, on their own lines (the message is given separately). */
const framesOf = (stack: string | undefined): string =>
  stack
    ? `\n${stack
        .split('\n')
        .filter((l) => /^\s+at /.test(l))
        .join('\n')}`
    : '';

/** The titles from the outermost describe to the test, for the id (src/runner/testId.ts). */
function titlesOf(testCase: VitestTestCase): string[] | undefined {
  if (typeof testCase.name !== 'string') return undefined;
  const titles = [testCase.name];
  for (let p = testCase.parent; p && p.type === 'suite'; p = p.parent) titles.unshift(p.name ?? '');
  return titles;
}

/** The flake reporter for Vitest: records every test's outcome and failed attempts, writes the run report, and fails the run over the flake budget. */
export class VitestFlakeReporter {
  readonly #collector: FlakeCollector;
  #root = process.cwd();
  #log: (text: string) => void = (text) => process.stdout.write(`${text}\n`);

  constructor(options?: FlakeReporterOptions) {
    // runId(): in the main process, before workers start, so they inherit one run id.
    this.#collector = new FlakeCollector('vitest', validateOptions('unflake/reporter (Vitest)', options), runId());
  }

  /** Called by Vitest at start: takes the project root, logger and shard. */
  onInit(vitest: { config?: { root?: string; shard?: unknown }; logger?: { log(text: string): void } }): void {
    if (vitest.config?.root) this.#root = vitest.config.root;
    const logger = vitest.logger;
    if (logger) this.#log = (text) => logger.log(text);
    this.#collector.shard = shardOf(vitest.config?.shard);
    this.#collector.start(this.#root);
  }

  /** Called by Vitest as each test finishes: records its outcome and failed attempts. */
  onTestCaseResult(testCase: VitestTestCase): void {
    const result = testCase.result();
    if (result.state === 'pending') return;
    const diagnostic = testCase.diagnostic();
    // Vitest keeps every failed attempt's error: a passed test's are those before its passing retry.
    // The message and the stack's frames (kept bounded in the report: attemptFailure).
    const failures = (result.errors ?? []).map((e) => `${e.name ?? 'Error'}: ${e.message ?? ''}${framesOf(e.stack)}`);
    const titles = titlesOf(testCase);
    this.#collector.record({
      name: titles ? testNameOf(titles) : testCase.fullName,
      file: testFileOf(testCase.module.moduleId, this.#root),
      state: result.state,
      failures: result.state === 'skipped' ? [] : failures,
      attempts: (diagnostic?.retryCount ?? 0) + 1,
      ...(diagnostic?.duration === undefined ? {} : { durationMs: diagnostic.duration }),
      attemptSpans: attemptSpansOfMeta(testCase.meta?.()),
    });
  }

  /** Called by Vitest at the end: writes the report (and history, JUnit), prints the summary, and sets the exit code for the budget and quarantine. */
  async onTestRunEnd(
    modules: readonly VitestSuiteLike[] = [],
    unhandledErrors: readonly unknown[] = [],
    reason?: string,
  ): Promise<void> {
    for (const m of modules) {
      const error = typeof m.errors === 'function' ? (m.errors()[0] as VitestTestError | undefined) : undefined;
      if (error && m.moduleId) this.#collector.recordSuiteError(testFileOf(m.moduleId, this.#root), error);
    }
    const finished = await this.#collector.finish();
    const { verdict } = finished;
    if (worthPrinting(finished) || this.#collector.settings.verbose) this.#log(finished.summary);
    if (verdict.budgetError) {
      this.#log(verdict.budgetError);
      process.exitCode = 1;
      return;
    }
    if (!verdict.quarantinedFailures.length || verdict.failed.length) return;
    // Vitest has set exit code 1 for the failed tests by now; every one of them is quarantined.
    if (onlyTestsFailed(modules, unhandledErrors, reason)) {
      process.exitCode = 0;
      this.#log(
        `unflake: the run's only failures are quarantined tests (${verdict.quarantinedFailures.length}): exit code 0.`,
      );
    } else
      this.#log(
        'unflake: quarantined tests failed, but so did something else (an unhandled error, a module or a hook): the exit code stays 1.',
      );
  }
}

export default VitestFlakeReporter;
