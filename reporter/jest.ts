/** The flake reporter for Jest (29 and 30): `reporters: ['default', ['unflake/reporter', { budget: 0.005 }]]`. */
import { relative } from 'node:path';
import { runId } from '../src/helpers/workerNamespace.ts';
import { budgetError, FlakeCollector, validateOptions, type FlakeReporterOptions } from './core.ts';

interface JestAssertionResult {
  fullName: string;
  status: string;
  failureMessages?: string[];
  /** Jest >= 29.5: messages of the attempts that failed before a retry. */
  retryReasons?: string[];
  invocations?: number;
}
interface JestTestResult {
  testFilePath: string;
  testResults: JestAssertionResult[];
}

export class JestFlakeReporter {
  readonly #collector: FlakeCollector;
  readonly #root: string;
  #error: Error | undefined;

  constructor(globalConfig?: { rootDir?: string }, options?: FlakeReporterOptions) {
    this.#collector = new FlakeCollector('jest', validateOptions('unflake/reporter (Jest)', options));
    this.#root = globalConfig?.rootDir ?? process.cwd();
    // In the main process, before workers start: they inherit one run id.
    runId();
  }

  onTestResult(_test: unknown, result: JestTestResult): void {
    for (const t of result.testResults) {
      const state = t.status === 'passed' ? 'passed' : t.status === 'failed' ? 'failed' : 'skipped';
      this.#collector.record({
        name: t.fullName,
        file: relative(this.#root, result.testFilePath),
        state,
        failures: state === 'passed' ? (t.retryReasons ?? []) : [],
        attempts: t.invocations ?? (t.retryReasons?.length ?? 0) + 1,
      });
    }
  }

  onRunComplete(): void {
    const { report, summary } = this.#collector.finish(process.cwd());
    if (report.totals.flaky || report.overBudget || this.#collector.options.verbose) process.stderr.write(`\n${summary}\n`);
    this.#error = budgetError(report);
    if (this.#error) process.stderr.write(`${this.#error.message}\n`);
  }

  /** Jest fails the run (exit 1) when a reporter returns an error here. */
  getLastError(): Error | undefined {
    return this.#error;
  }
}

export default JestFlakeReporter;
