/**
 * The window's shape (schema `unflake-flake-window`, version 2): the flake rate over a window of runs,
 * overall, per day and per test, with first and last seen and the latest evidence: what `budget` is
 * judged on when there is history, and what the terminal report, `--json` and the page show.
 */
import type { AttemptFailure, FlakeCategory, QuarantineMark, TestStatus } from './schema.ts';

export interface Evidence extends AttemptFailure {
  runId: string;
  at: string;
  sha?: string;
}

export interface TestWindow {
  id: string;
  file: string;
  name: string;
  /** Runs of the window in which the test ran (not skipped). */
  runs: number;
  /** Runs in which it was flaky, either kind (see `kinds`). */
  flaky: number;
  /** Runs in which it failed, except failures flaky across runs. */
  failed: number;
  /** flaky / runs, quarantined runs included: a test's own rate does not hide behind its quarantine. */
  rate: number;
  /** How the flaky runs were flaky: failed then passed on a retry in one run, or failed on a commit where another run passed. */
  kinds: { retried: number; acrossRuns: number };
  /** The commits on which it both passed and failed, with the runs of each (present when `kinds.acrossRuns` > 0). */
  acrossRuns?: AcrossRuns[];
  category: FlakeCategory;
  categories: Record<FlakeCategory, number>;
  /** First and last run (in the whole history read) in which it was flaky. */
  firstSeen?: string;
  lastSeen?: string;
  /** Days from first seen to the window's end. */
  flakyForDays?: number;
  /** The latest flaky or failed run's first failed attempt. */
  evidence?: Evidence;
  /** One entry per run of the window, oldest first: its status there, or null when it was not in that run. */
  outcomes: (TestStatus | null)[];
  /** The quarantine entry applied in its latest run. */
  quarantined?: QuarantineMark;
  overBudget: boolean;
}

export interface AcrossRuns {
  sha: string;
  /** Run ids in which the test passed (or passed on a retry) on this commit. */
  passed: string[];
  /** Run ids in which it failed on this commit. */
  failed: string[];
}

export interface RunSummary {
  id: string;
  finishedAt: string;
  sha?: string;
  branch?: string;
  run: number;
  flaky: number;
  failed: number;
  rate: number;
}

export interface DayRate {
  day: string;
  runs: number;
  testRuns: number;
  flaky: number;
  rate: number;
}

export interface FlakeWindow {
  schema: 'unflake-flake-window';
  /** 2: flaky across runs counts as flaky (`kinds`, `acrossRuns`), `branch`. */
  version: 2;
  from: string;
  to: string;
  /** Only runs on this branch were read. */
  branch?: string;
  runs: RunSummary[];
  /** Over the window's runs, quarantined tests excluded (as in each run's own rate). */
  totals: { runs: number; testRuns: number; flaky: number; failed: number; quarantined: number };
  flakeRate: number;
  budget?: number;
  testBudget?: number;
  overBudget: boolean;
  /** Tests (not quarantined) whose own rate is over `testBudget`. */
  testsOverBudget: string[];
  byCategory: Record<FlakeCategory, number>;
  daily: DayRate[];
  /** Tests flaky or failed at least once in the window, highest rate first. */
  tests: TestWindow[];
  /** Tests that ran in the window and passed every time (not listed). */
  stableTests: number;
}

export interface WindowOptions {
  /** Window length in ms. */
  window: number;
  /** End of the window (default: now). */
  now?: number;
  budget?: number;
  testBudget?: number;
  /** Only runs on this branch. */
  branch?: string;
}
