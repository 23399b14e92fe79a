/**
 * The window's shape (schema `unflake-flake-window`, version 2): the flake rate over a window of runs,
 * overall, per day and per test, with first and last seen and the latest evidence: what `budget` is
 * judged on when there is history, and what the terminal report, `--json` and the page show.
 */
import type { AttemptFailure, FlakeCategory, QuarantineMark, TestStatus } from './schema.ts';

/** A failed attempt shown as a test's evidence, with the run it came from. */
export interface Evidence extends AttemptFailure {
  /** The id of the run it failed in. */
  runId: string;
  /** When that run finished (ISO 8601). */
  at: string;
  /** The commit that run tested, when known. */
  sha?: string;
}

/** One test that was flaky or failed in the window: its rate, how it was flaky, and the latest evidence. */
export interface TestWindow {
  /** The test's id across runs: `file > name`. */
  id: string;
  /** The test file, relative to the project root. */
  file: string;
  /** The describe titles and the test's, joined with ` > `. */
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
  kinds: {
    /** Runs in which it failed, then passed on a retry. */
    retried: number;
    /** Runs in which it failed on a commit where another run passed it. */
    acrossRuns: number;
  };
  /** The commits on which it both passed and failed, with the runs of each (present when `kinds.acrossRuns` > 0). */
  acrossRuns?: AcrossRuns[];
  /** The most frequent category of its flaky runs' failures. */
  category: FlakeCategory;
  /** How many of its flaky runs' failures fell in each category. */
  categories: Record<FlakeCategory, number>;
  /** First and last run (in the whole history read) in which it was flaky. */
  firstSeen?: string;
  /** When the last run in which it was flaky finished (ISO 8601; see `firstSeen`). */
  lastSeen?: string;
  /** Days from first seen to the window's end. */
  flakyForDays?: number;
  /** The latest flaky or failed run's first failed attempt. */
  evidence?: Evidence;
  /** One entry per run of the window, oldest first: its status there, or null when it was not in that run. */
  outcomes: (TestStatus | null)[];
  /** The quarantine entry applied in its latest run. */
  quarantined?: QuarantineMark;
  /** Whether its own rate is over `testBudget` (never when quarantined). */
  overBudget: boolean;
}

/** A commit on which a test both passed and failed, in different runs: flaky across runs. */
export interface AcrossRuns {
  /** The commit. */
  sha: string;
  /** Run ids in which the test passed (or passed on a retry) on this commit. */
  passed: string[];
  /** Run ids in which it failed on this commit. */
  failed: string[];
}

/** One run of the window and its own flake rate. */
export interface RunSummary {
  /** The run's id (shards of one run share it). */
  id: string;
  /** When the run finished (its latest shard; ISO 8601). */
  finishedAt: string;
  /** The commit the run tested, when known. */
  sha?: string;
  /** The branch the run tested, when known. */
  branch?: string;
  /** Tests that ran and were not quarantined. */
  run: number;
  /** Of those, how many were flaky (either kind). */
  flaky: number;
  /** Of those, how many failed (flaky across runs excluded). */
  failed: number;
  /** flaky / run (0 when nothing ran). */
  rate: number;
}

/** The flake rate of one calendar day (UTC) of the window. */
export interface DayRate {
  /** The day, `YYYY-MM-DD` (UTC). */
  day: string;
  /** Runs that finished that day. */
  runs: number;
  /** Tests run (not quarantined) over those runs. */
  testRuns: number;
  /** Of those, how many were flaky. */
  flaky: number;
  /** flaky / testRuns (0 when nothing ran). */
  rate: number;
}

/** The flake rate over a window of runs: overall, per run, per day and per test, with the budget verdict (`flakeWindow()`). */
export interface FlakeWindow {
  /** Always `'unflake-flake-window'`. */
  schema: 'unflake-flake-window';
  /** 2: flaky across runs counts as flaky (`kinds`, `acrossRuns`), `branch`. */
  version: 2;
  /** The window's start (ISO 8601). */
  from: string;
  /** The window's end (ISO 8601). */
  to: string;
  /** Only runs on this branch were read. */
  branch?: string;
  /** The window's runs, oldest first. */
  runs: RunSummary[];
  /** Over the window's runs, quarantined tests excluded (as in each run's own rate). */
  totals: {
    /** Runs in the window. */
    runs: number;
    /** Tests run (not quarantined), summed over the runs. */
    testRuns: number;
    /** Of those, how many were flaky. */
    flaky: number;
    /** Of those, how many failed (flaky across runs excluded). */
    failed: number;
    /** Test runs under a quarantine entry (not in the rate). */
    quarantined: number;
  };
  /** totals.flaky / totals.testRuns (0 when nothing ran). */
  flakeRate: number;
  /** The largest acceptable `flakeRate` (a fraction), when one was given. */
  budget?: number;
  /** The largest acceptable rate of any one test (a fraction), when one was given. */
  testBudget?: number;
  /** Whether `flakeRate` is over `budget`, or any test is over `testBudget`. */
  overBudget: boolean;
  /** Tests (not quarantined) whose own rate is over `testBudget`. */
  testsOverBudget: string[];
  /** In how many flaky test runs the first failure fell in each category. */
  byCategory: Record<FlakeCategory, number>;
  /** One entry per day of the window, oldest first, days without runs included. */
  daily: DayRate[];
  /** Tests flaky or failed at least once in the window, highest rate first. */
  tests: TestWindow[];
  /** Tests that ran in the window and passed every time (not listed). */
  stableTests: number;
}

/** Options of `flakeWindow()`. */
export interface WindowOptions {
  /** Window length in ms. */
  window: number;
  /** End of the window (default: now). */
  now?: number;
  /** The largest acceptable overall flake rate (a fraction, e.g. 0.02); over it, `overBudget` is true. */
  budget?: number;
  /** The largest acceptable flake rate of any one test (a fraction). */
  testBudget?: number;
  /** Only runs on this branch. */
  branch?: string;
}
