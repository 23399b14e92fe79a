/** The flake reporter for Vitest (4 and 5): `reporters: ['default', ['unflake/reporter', { budget: 0.005 }]]`. */
import { relative } from 'node:path';
import { runId } from '../src/helpers/workerNamespace.ts';
import { budgetError, FlakeCollector, validateOptions, type FlakeReporterOptions } from './core.ts';

interface VitestTestError {
  name?: string;
  message?: string;
  stack?: string;
}
interface VitestTestCase {
  fullName: string;
  module: { moduleId: string };
  result(): { state: 'passed' | 'failed' | 'skipped' | 'pending'; errors?: readonly VitestTestError[] };
  diagnostic(): { retryCount: number; flaky: boolean } | undefined;
}

export class VitestFlakeReporter {
  readonly #collector: FlakeCollector;
  #root = process.cwd();
  #log: (text: string) => void = (text) => process.stdout.write(`${text}\n`);

  constructor(options?: FlakeReporterOptions) {
    this.#collector = new FlakeCollector('vitest', validateOptions('unflake/reporter (Vitest)', options));
    // In the main process, before workers start: they inherit one run id.
    runId();
  }

  onInit(vitest: { config?: { root?: string }; logger?: { log(text: string): void } }): void {
    if (vitest.config?.root) this.#root = vitest.config.root;
    const logger = vitest.logger;
    if (logger) this.#log = (text) => logger.log(text);
  }

  onTestCaseResult(testCase: VitestTestCase): void {
    const result = testCase.result();
    if (result.state === 'pending') return;
    const diagnostic = testCase.diagnostic();
    const errors = result.errors ?? [];
    // A passing test's `errors` are those of its failed attempts (Vitest keeps them for retried tests).
    const failures = result.state === 'passed' ? errors.map((e) => `${e.name ?? 'Error'}: ${e.message ?? ''}`) : [];
    this.#collector.record({
      name: testCase.fullName,
      file: relative(this.#root, testCase.module.moduleId),
      state: result.state,
      failures,
      attempts: (diagnostic?.retryCount ?? 0) + 1,
    });
  }

  onTestRunEnd(): void {
    const { report, summary } = this.#collector.finish(this.#root);
    if (report.totals.flaky || report.overBudget || this.#collector.options.verbose) this.#log(summary);
    const error = budgetError(report);
    if (error) {
      this.#log(error.message);
      process.exitCode = 1;
    }
  }
}

export default VitestFlakeReporter;
