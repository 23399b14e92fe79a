/**
 * What both reporters share: every test recorded with the evidence of its failed attempts, the
 * quarantine applied, and at the end the run report, the history, JUnit and the verdict: over the
 * budget (this run, or the window when there is history) fails the run; a quarantined test's
 * failure does not. Reruns become evidence, not denial.
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { attemptFailure } from '../src/flakes/evidence.ts';
import { writeDurably } from '../src/flakes/history.ts';
import { toJUnit } from '../src/flakes/junit.ts';
import { openHistory } from '../src/flakes/store.ts';
import { Quarantine, readQuarantine } from '../src/flakes/quarantine.ts';
import { deprecatedVariables, runInfo } from '../src/flakes/runInfo.ts';
import { isPostgresUrl } from '../src/flakes/store.ts';
import {
  REPORT_SCHEMA,
  REPORT_VERSION,
  summarize,
  type RunReport,
  type ShardRef,
  type SuiteError,
  type TestRecord,
} from '../src/flakes/schema.ts';
import { flakeWindow, type FlakeWindow } from '../src/flakes/window.ts';
import { exportRunOverOtlp, type OtlpOutcome } from '../src/otel/otlpRun.ts';
import { boundAttemptSpans } from '../src/otel/attemptSpans.ts';
import type { ReporterSettings } from './options.ts';
import { formatSummary, verdictOf, type Verdict } from './summary.ts';

export { validateOptions, type FlakeReporterOptions } from './options.ts';
export { classifyFailure, NO_MESSAGE } from '../src/flakes/evidence.ts';

export interface RecordedTest {
  name: string;
  file: string;
  state: 'passed' | 'failed' | 'skipped';
  /** Messages of the failed attempts, first first (for a failed test, its last attempt's too). */
  failures: string[];
  attempts: number;
  durationMs?: number;
  /** Each attempt's span ids as the runner's channel carried them (src/otel/attemptSpans.ts); checked here. */
  attemptSpans?: readonly unknown[];
  /** Playwright: the test's project when the config has several (its name then starts `[project] `). */
  project?: string | undefined;
}

export interface Finished {
  report: RunReport;
  window: FlakeWindow;
  verdict: Verdict;
  summary: string;
  path: string;
  /** The OTLP export (option `otlp`): what was sent, or the one warning when it was not. */
  otlp?: OtlpOutcome;
}

export class FlakeCollector {
  readonly tests: TestRecord[] = [];
  readonly suiteErrors: SuiteError[] = [];
  readonly runner: 'vitest' | 'jest' | 'playwright';
  readonly settings: ReporterSettings;
  readonly startedAt = new Date();
  #quarantine: Quarantine | undefined;
  #cwd: string;
  #runId: string;
  shard: ShardRef | undefined;

  constructor(
    runner: 'vitest' | 'jest' | 'playwright',
    settings: ReporterSettings,
    runId: string,
    cwd = process.cwd(),
  ) {
    this.runner = runner;
    this.settings = settings;
    this.#runId = runId;
    this.#cwd = cwd;
  }

  /** Sets the folder paths are relative to and reads the quarantine (a bad file throws here, at start). */
  start(cwd: string): void {
    this.#cwd = cwd;
    const q = this.settings.quarantine;
    this.#quarantine = q
      ? new Quarantine(readQuarantine(resolve(cwd, q.path), q.required), this.startedAt.getTime())
      : undefined;
  }

  record(test: RecordedTest): void {
    const flaky = test.state === 'passed' && (test.failures.length > 0 || test.attempts > 1);
    const status = test.state === 'skipped' ? 'skipped' : flaky ? 'flaky' : test.state;
    // Jest keeps a passed test's failed attempts only with jest.retryTimes(n, { logErrorsBeforeRetry: true }).
    const messages: (string | undefined)[] = flaky && test.failures.length === 0 ? [undefined] : test.failures;
    const attempts = Math.max(test.attempts, flaky ? messages.length + 1 : 1);
    // Matched for skipped tests too: an entry naming a skipped test still names a test.
    const entry = this.#quarantine?.match(test);
    const quarantined = status === 'skipped' ? undefined : entry;
    const spans = boundAttemptSpans(test.attemptSpans, attempts);
    this.tests.push({
      file: test.file,
      name: test.name,
      status,
      ...(test.durationMs === undefined ? {} : { durationMs: Math.round(test.durationMs) }),
      ...(attempts > 1 ? { attempts } : {}),
      ...(messages.length && status !== 'skipped' ? { failures: messages.map(attemptFailure) } : {}),
      ...(quarantined
        ? { quarantined: { reason: quarantined.reason, owner: quarantined.owner, until: quarantined.until } }
        : {}),
      ...(spans.length ? { attemptSpans: spans } : {}),
    });
  }

  /** A test file that failed outside any test (did not load, a top-level hook threw): JUnit's `<error>`. */
  recordSuiteError(file: string, error: { name?: string; message?: string; stack?: string }): void {
    const failure = attemptFailure(
      error.stack && error.message && error.stack.includes(error.message)
        ? error.stack
        : `${error.name ?? 'Error'}: ${error.message ?? ''}\n${error.stack ?? ''}`,
    );
    this.suiteErrors.push({ file, message: failure.message, ...(failure.stack ? { stack: failure.stack } : {}) });
  }

  report(finishedAt = new Date()): RunReport {
    const expired = this.#quarantine?.expired ?? [];
    const unmatched = this.#quarantine?.unmatched() ?? [];
    return {
      schema: REPORT_SCHEMA,
      version: REPORT_VERSION,
      runner: this.runner,
      run: runInfo(this.#runId, this.startedAt, finishedAt, this.shard),
      ...summarize(this.tests),
      ...(expired.length ? { expiredQuarantine: expired.map((e) => ({ ...e })) } : {}),
      ...(unmatched.length ? { unmatchedQuarantine: unmatched.map((e) => ({ ...e })) } : {}),
      ...(this.suiteErrors.length ? { suiteErrors: this.suiteErrors } : {}),
      tests: this.tests,
    };
  }

  /** The window the budget is judged on: the history's runs with this one, or this run alone. */
  async #window(report: RunReport): Promise<{ window: FlakeWindow; historyFile?: string; unreadable: string[] }> {
    const s = this.settings;
    const now = Date.parse(report.run.finishedAt);
    const judge = {
      window: s.window,
      now,
      budget: s.budget,
      testBudget: s.testBudget,
      ...(s.branch === undefined ? {} : { branch: s.branch }),
    };
    if (!s.history) return { window: flakeWindow([report], judge), unreadable: [] };
    const store = await openHistory(isPostgresUrl(s.history) ? s.history : resolve(this.#cwd, s.history));
    try {
      const historyFile = await store.append(report);
      await store.prune(now - s.retention);
      const query = {
        since: now - s.window,
        until: now,
        budget: s.budget,
        testBudget: s.testBudget,
        ...(s.branch === undefined ? {} : { branch: s.branch }),
      };
      const { window, unreadable } = await store.window(query);
      return { window, historyFile, unreadable };
    } finally {
      await store.close();
    }
  }

  /** Writes the report, the history and JUnit; returns the verdict and the one-screen summary. */
  async finish(): Promise<Finished> {
    const report = this.report();
    const path = resolve(this.#cwd, this.settings.outputFile);
    mkdirSync(dirname(path), { recursive: true });
    writeDurably(path, `${JSON.stringify(report, null, 2)}\n`);
    const junit = this.settings.junit ? resolve(this.#cwd, this.settings.junit) : undefined;
    if (junit) {
      mkdirSync(dirname(junit), { recursive: true });
      writeDurably(junit, toJUnit(report, { quarantined: this.settings.junitQuarantined }));
    }
    const { window, historyFile, unreadable } = await this.#window(report);
    const verdict = verdictOf(report, window, this.settings);
    // After the files are written: a slow or absent collector delays the end of the run by at most its timeout.
    const otlp = this.settings.otlp ? await exportRunOverOtlp(report, this.settings.otlp) : undefined;
    const summary = formatSummary({
      report,
      window,
      verdict,
      settings: this.settings,
      files: { report: path, ...(junit ? { junit } : {}), ...(historyFile ? { history: historyFile } : {}) },
      unreadable,
      notes: deprecatedVariables(),
      ...(otlp ? { otlp } : {}),
    });
    return { report, window, verdict, summary, path, ...(otlp ? { otlp } : {}) };
  }
}
