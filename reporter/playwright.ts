/**
 * The flake reporter for Playwright Test: `reporter: [['list'], ['unflake/reporter/playwright', { budget: 0.005 }]]`
 * (or `['unflake/reporter', …]` with `unflake/reporter`'s `PlaywrightFlakeReporter`). The same options,
 * history, budget, quarantine and JUnit as under Vitest and Jest. Playwright runs every retry itself
 * and says the outcome (`expected`, `flaky`, `unexpected`, `skipped`); a test is recorded once, at the end.
 */
import { runId } from '../src/helpers/workerNamespace.ts';
import { testFileOf, testNameOf } from '../src/runner/testId.ts';
import { FlakeCollector, validateOptions, type FlakeReporterOptions } from './core.ts';
import { worthPrinting } from './summary.ts';
import { attemptSpanOfAnnotations } from '../src/otel/attemptSpans.ts';

/** The error of a failed Playwright attempt, or one outside any test (the parts the reporter reads). */
export interface PlaywrightError {
  /** The error's message. */
  message?: string;
  /** The error's stack. */
  stack?: string;
  /** Where it was thrown: a test file that failed to load has its file here. */
  location?: {
    /** The file's absolute path. */
    file: string;
  };
}
/** One attempt of a Playwright test (Playwright's `TestResult`, the parts the reporter reads). */
export interface PlaywrightResult {
  /** How the attempt ended. */
  status: 'passed' | 'failed' | 'timedOut' | 'skipped' | 'interrupted';
  /** The attempt's duration in ms. */
  duration: number;
  /** Its error, when it failed. */
  error?: PlaywrightError;
  /** The retry index (0 for the first attempt). */
  retry?: number;
  /** The attempt's annotations (Playwright 1.52+): unflake's test worker adds the attempt's span ids there. */
  annotations?: readonly {
    /** The annotation's type. */
    type: string;
    /** Its text. */
    description?: string;
  }[];
}
/** A Playwright suite: the root, a project, a file or a describe block (the parts the reporter reads). */
export interface PlaywrightSuite {
  /** Which kind of suite; only `describe` titles go into the test's id. */
  type?: 'root' | 'project' | 'file' | 'describe';
  /** The suite's title. */
  title: string;
  /** The enclosing suite, if any. */
  parent?: PlaywrightSuite;
  /** Every test in it, recorded at the end of the run. */
  allTests?(): PlaywrightTest[];
}
/** A Playwright test (Playwright's `TestCase`, the parts the reporter reads). */
export interface PlaywrightTest {
  /** The test's own title. */
  title: string;
  /** The suite it sits in. */
  parent: PlaywrightSuite;
  /** Where it is declared: `file` is the test file's path. */
  location: {
    /** The test file's absolute path. */
    file: string;
  };
  /** Every attempt, retries included. */
  results: PlaywrightResult[];
  /** Playwright's verdict over all attempts: `flaky` when it failed, then passed on a retry. */
  outcome(): 'expected' | 'unexpected' | 'flaky' | 'skipped';
}
/** The Playwright config, as far as the reporter reads it. */
export interface PlaywrightConfig {
  /** Every project of the config (whatever `--project` selected). */
  projects?: readonly {
    /** The project's name (may be empty). */
    name: string;
  }[];
  /** This run's `--shard` (`current` of `total`, 1-based), or null when not sharded. */
  shard: {
    /** This shard's 1-based number. */
    current: number;
    /** How many shards the run was split into. */
    total: number;
  } | null;
}

/**
 * The test's titles for its id: the describe titles and the test's. When the config has more than one
 * project, the test's project goes first as `[project] ` on the first title, as Playwright's JUnit
 * reporter writes it with `includeProjectInTestName` (`[chromium] checkout › pays`): the same test in
 * two projects is two tests in history, budget, quarantine and JUnit. A config with one project keeps
 * the ids it had (adding a second project renames its tests once).
 */
export function playwrightTitles(test: PlaywrightTest, projects: number): string[] {
  const titles = [test.title];
  for (let s: PlaywrightSuite | undefined = test.parent; s && s.type === 'describe'; s = s.parent)
    titles.unshift(s.title);
  const project = playwrightProject(test, projects);
  if (project !== undefined) titles[0] = `[${project}] ${titles[0]}`;
  return titles;
}

/** The test's project when it names the test: a named project of a config with more than one. */
export function playwrightProject(test: PlaywrightTest, projects: number): string | undefined {
  if (projects <= 1) return undefined;
  let s: PlaywrightSuite | undefined = test.parent;
  while (s && s.type !== 'project') s = s.parent;
  return s?.title || undefined;
}

const messageOf = (r: PlaywrightResult): string =>
  r.error
    ? r.error.stack?.includes(r.error.message ?? '')
      ? r.error.stack
      : `${r.error.message ?? ''}\n${r.error.stack ?? ''}`
    : `Error: ${r.status}`;

/** The flake reporter for Playwright Test: records every test's outcome and failed attempts at the end, writes the run report, and fails the run over the flake budget. */
export class PlaywrightFlakeReporter {
  readonly #collector: FlakeCollector;
  #suite: PlaywrightSuite | undefined;
  #projects = 0;
  readonly #configDir: string;

  constructor(options?: FlakeReporterOptions & { configDir?: string }) {
    // Playwright adds `configDir` (relative paths are resolved against it, as its own reporters do) and its
    // own keys (`_mode`, `_commandHash`, `onlyFailures`) to every reporter's options: not ours to check.
    const {
      configDir,
      onlyFailures: _,
      ...rest
    } = (options ?? {}) as FlakeReporterOptions & { configDir?: string; onlyFailures?: unknown };
    const own = Object.fromEntries(Object.entries(rest).filter(([key]) => !key.startsWith('_')));
    this.#configDir = configDir ?? process.cwd();
    this.#collector = new FlakeCollector('playwright', validateOptions('unflake/reporter (Playwright)', own), runId());
  }

  /** Playwright prints its own output on stdio; this reporter only adds its summary at the end. */
  printsToStdio(): boolean {
    return false;
  }

  /** Called by Playwright at start: takes the shard and the root suite, whose tests are recorded at the end. */
  onBegin(config: PlaywrightConfig, suite: PlaywrightSuite): void {
    this.#suite = suite;
    this.#projects = config.projects?.length ?? 0;
    if (config.shard) this.#collector.shard = { index: config.shard.current, count: config.shard.total };
    this.#collector.start(this.#configDir);
  }

  /**
   * Called by Playwright for an error outside any test. One thrown while a test file loaded (its location
   * is that file) is the file's suite error: JUnit's `<error>`, as under Vitest and Jest. Others (a global
   * setup, a worker's teardown) fail the run without belonging to a file.
   */
  onError(error: PlaywrightError): void {
    if (error.location?.file)
      this.#collector.recordSuiteError(testFileOf(error.location.file, process.cwd()), {
        message: error.message,
        stack: error.stack,
      });
  }

  #record(test: PlaywrightTest): void {
    const outcome = test.outcome();
    const failed = test.results.filter((r) => r.status !== 'passed' && r.status !== 'skipped');
    const state = outcome === 'skipped' ? 'skipped' : outcome === 'unexpected' ? 'failed' : 'passed';
    this.#collector.record({
      name: testNameOf(playwrightTitles(test, this.#projects)),
      project: playwrightProject(test, this.#projects),
      // Relative to the working directory, as unflake/playwright names the test in its own messages.
      file: testFileOf(test.location.file, process.cwd()),
      state,
      // An expected failure (test.fail()) is a pass, not a flaky test.
      failures: outcome === 'flaky' || outcome === 'unexpected' ? failed.map(messageOf) : [],
      attempts: Math.max(1, test.results.length),
      durationMs: test.results.reduce((sum, r) => sum + r.duration, 0),
      attemptSpans: test.results.map((r, i) => attemptSpanOfAnnotations(r.annotations, r.retry ?? i)),
    });
  }

  /** Called by Playwright at the end: records every test, writes the report (and history, JUnit), prints the summary. Returns `failed` over the budget, `passed` when the only failures are quarantined tests, else nothing (the status stands). */
  async onEnd(result: {
    /** The run's status as Playwright judged it (`passed`, `failed`, `timedout`, `interrupted`). */
    status: string;
  }): Promise<
    | {
        /** The run's status as this reporter overrides it. */
        status: 'passed' | 'failed';
      }
    | undefined
  > {
    for (const test of this.#suite?.allTests?.() ?? []) this.#record(test);
    const finished = await this.#collector.finish();
    const { verdict } = finished;
    const say = (text: string): boolean => process.stdout.write(`${text}\n`);
    if (worthPrinting(finished) || this.#collector.settings.verbose) say(`\n${finished.summary}`);
    if (verdict.budgetError) {
      say(verdict.budgetError);
      return { status: 'failed' };
    }
    if (!verdict.quarantinedFailures.length || verdict.failed.length || result.status !== 'failed') return undefined;
    say(
      `unflake: the run's only failures are quarantined tests (${verdict.quarantinedFailures.length}): status passed.`,
    );
    return { status: 'passed' };
  }
}

export default PlaywrightFlakeReporter;
