/**
 * The flake report both reporters write: tests that failed and then passed on a retry are recorded,
 * their first failure classified, and the run fails when the flake rate exceeds the budget.
 * Reruns become evidence, not denial.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { checkOptions } from '../src/options/checkOptions.ts';

export type FlakeCategory = 'timing' | 'infrastructure' | 'product' | 'unknown';

export interface FlakeReporterOptions {
  /** Highest acceptable flake rate (flaky tests / tests run), e.g. 0.005; the run fails above it. */
  budget?: number;
  /** Where to write the JSON report, relative to the working directory. Default `flake-report.json`. */
  outputFile?: string;
  /** Print the summary even when nothing was flaky. Default false. */
  verbose?: boolean;
}

export interface FlakyTest {
  name: string;
  file: string;
  /** Attempts it took to pass (2 = passed on the first retry). */
  attempts: number;
  category: FlakeCategory;
  /** The first failure's message, trimmed to its first lines. */
  firstFailure: string;
  /** Every failed attempt's first line. */
  failures: string[];
}

export interface FlakeReport {
  version: 1;
  runner: 'vitest' | 'jest';
  runId: string | undefined;
  finishedAt: string;
  budget: number | undefined;
  totals: { run: number; passed: number; failed: number; flaky: number; skipped: number };
  /** flaky / run (0 when nothing ran). */
  flakeRate: number;
  overBudget: boolean;
  byCategory: Record<FlakeCategory, number>;
  flaky: FlakyTest[];
}

export const NO_MESSAGE = 'the runner did not keep the failed attempt\'s error (Jest: jest.retryTimes(n, { logErrorsBeforeRetry: true }) keeps it)';
const INFRASTRUCTURE = /\b(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|ETIMEDOUT|EPIPE)\b|socket hang up|ReadinessError|waitForReady\(/;
const TIMING = /Timed out after|Stopped after|never held|Test timed out in|Exceeded timeout of/;
const PRODUCT = /expect\(|AssertionError|assert\.|Expected|Received|is not idempotent|depends on delivery order/;

/**
 * The first failure's category. Infrastructure first (a connection error also explains an eventual
 * assertion's timeout), then timing (an eventual assertion's or the test's own timeout), then product
 * (any other assertion), else unknown (a thrown non-assertion error).
 */
export function classifyFailure(message: string): FlakeCategory {
  if (INFRASTRUCTURE.test(message)) return 'infrastructure';
  if (TIMING.test(message)) return 'timing';
  if (PRODUCT.test(message)) return 'product';
  return 'unknown';
}

// eslint-disable-next-line no-control-regex
const stripAnsi = (text: string): string => text.replace(/\u001b\[[0-9;]*m/g, '');

function firstLines(message: string, lines = 12): string {
  return stripAnsi(message)
    .split('\n')
    .filter((l) => !/^\s+at /.test(l))
    .slice(0, lines)
    .join('\n')
    .trim();
}

export function validateOptions(where: string, options: unknown): FlakeReporterOptions {
  // null: how a reporter tuple without options arrives from some configs.
  const o = checkOptions(where, options ?? undefined, ['budget', 'outputFile', 'verbose']);
  if (o.budget !== undefined && !(typeof o.budget === 'number' && o.budget >= 0 && o.budget <= 1)) throw new TypeError(`${where}: \`budget\` must be a rate between 0 and 1 (0.005 = 0.5% of tests may be flaky), got ${String(o.budget)}.`);
  if (o.outputFile !== undefined && (typeof o.outputFile !== 'string' || o.outputFile === '')) throw new TypeError(`${where}: \`outputFile\` must be a non-empty path.`);
  return o as FlakeReporterOptions;
}

export class FlakeCollector {
  readonly flaky: FlakyTest[] = [];
  readonly totals = { run: 0, passed: 0, failed: 0, flaky: 0, skipped: 0 };
  readonly runner: 'vitest' | 'jest';
  readonly options: FlakeReporterOptions;
  constructor(runner: 'vitest' | 'jest', options: FlakeReporterOptions) {
    this.runner = runner;
    this.options = options;
  }

  record(test: { name: string; file: string; state: 'passed' | 'failed' | 'skipped'; failures: string[]; attempts: number }): void {
    if (test.state === 'skipped') {
      this.totals.skipped++;
      return;
    }
    this.totals.run++;
    if (test.state === 'failed') {
      this.totals.failed++;
      return;
    }
    this.totals.passed++;
    if (test.failures.length === 0 && test.attempts <= 1) return;
    this.totals.flaky++;
    // Jest keeps the failed attempts' errors only with jest.retryTimes(n, { logErrorsBeforeRetry: true }).
    const first = test.failures[0] ?? NO_MESSAGE;
    this.flaky.push({
      name: test.name,
      file: test.file,
      attempts: Math.max(test.attempts, test.failures.length + 1),
      category: classifyFailure(stripAnsi(first)),
      firstFailure: firstLines(first),
      failures: test.failures.length ? test.failures.map((f) => firstLines(f, 1)) : [NO_MESSAGE],
    });
  }

  report(): FlakeReport {
    const rate = this.totals.run === 0 ? 0 : this.totals.flaky / this.totals.run;
    const byCategory: Record<FlakeCategory, number> = { timing: 0, infrastructure: 0, product: 0, unknown: 0 };
    for (const f of this.flaky) byCategory[f.category]++;
    return {
      version: 1,
      runner: this.runner,
      runId: process.env.UNFLAKE_RUN_ID,
      finishedAt: new Date().toISOString(),
      budget: this.options.budget,
      totals: { ...this.totals },
      flakeRate: rate,
      overBudget: this.options.budget !== undefined && rate > this.options.budget,
      byCategory,
      flaky: this.flaky,
    };
  }

  /** Writes the JSON file and returns the one-screen summary and the file's path. */
  finish(cwd: string): { report: FlakeReport; summary: string; path: string } {
    const report = this.report();
    const path = resolve(cwd, this.options.outputFile ?? 'flake-report.json');
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, `${JSON.stringify(report, null, 2)}\n`);
    return { report, summary: formatSummary(report, path), path };
  }
}

const pct = (rate: number): string => `${(rate * 100).toFixed(2)}%`;

export function formatSummary(report: FlakeReport, path: string): string {
  const { totals, budget } = report;
  const verdict = budget === undefined ? '' : report.overBudget ? `, over the budget of ${pct(budget)}: FAILING the run` : `, within the budget of ${pct(budget)}`;
  const lines = [`unflake flake report: ${totals.flaky} of ${totals.run} test${totals.run === 1 ? '' : 's'} flaky (${pct(report.flakeRate)})${verdict}`];
  if (totals.flaky) {
    lines.push(`  first failures: timing ${report.byCategory.timing} · infrastructure ${report.byCategory.infrastructure} · product ${report.byCategory.product} · unknown ${report.byCategory.unknown}`);
    for (const f of report.flaky.slice(0, 10)) {
      const first = f.failures[0] ?? '';
      lines.push(`  ${f.category.padEnd(14)} ${f.file} > ${f.name}  (passed on attempt ${f.attempts})`);
      lines.push(`  ${''.padEnd(14)} ${first.length > 100 ? `${first.slice(0, 99)}…` : first}`);
    }
    if (report.flaky.length > 10) lines.push(`  … and ${report.flaky.length - 10} more`);
  }
  lines.push(`  report: ${path}`);
  return lines.join('\n');
}

export function budgetError(report: FlakeReport): Error | undefined {
  if (!report.overBudget) return undefined;
  return new Error(`unflake: flake rate ${pct(report.flakeRate)} (${report.totals.flaky} of ${report.totals.run}) exceeds the budget of ${pct(report.budget!)}; see the flake report.`);
}
