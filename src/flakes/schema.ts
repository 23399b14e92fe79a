/**
 * The run report, version 2: what one test run (or one shard of it) did, test by test, with the
 * evidence of every failed attempt. The reporter writes it; history, merge, report, JUnit and the page
 * read it. Documented field by field in docs/flake-report.md.
 */

export const REPORT_SCHEMA = 'unflake-run-report';
export const REPORT_VERSION = 2;

export type FlakeCategory = 'timing' | 'infrastructure' | 'product' | 'unknown';
export const CATEGORIES: readonly FlakeCategory[] = ['timing', 'infrastructure', 'product', 'unknown'];

/** The test's outcome in this run: flaky = failed at least once, then passed on a retry. */
export type TestStatus = 'passed' | 'failed' | 'flaky' | 'skipped';

/** The `Run:` line of an unflake failure as `key value` fields (trace, worker, namespace, seed, sha, …). */
export type Fingerprint = Record<string, string>;

export interface AttemptFailure {
  /** The failure message's first lines (ANSI and stack frames removed). */
  message: string;
  category: FlakeCategory;
  /** Present when the message carried a `Run:` line. */
  fingerprint?: Fingerprint;
  /** The first stack frames (at most 15), when the runner gave them. */
  stack?: string;
}

/** A test file that failed as a whole (it did not load, a hook outside any test threw): JUnit's `<error>`. */
export interface SuiteError {
  file: string;
  message: string;
  stack?: string;
}

export interface QuarantineMark {
  reason: string;
  owner: string;
  until: string;
}

export interface TestRecord {
  file: string;
  /** The describe titles and the test's, joined with ` > ` (a `>` inside a title escaped as `\\>`; src/runner/testId.ts). */
  name: string;
  status: TestStatus;
  durationMs?: number;
  /** Attempts made, when more than one. */
  attempts?: number;
  /** Every failed attempt, first first (absent when none failed). */
  failures?: AttemptFailure[];
  /** The quarantine entry that applied in this run. */
  quarantined?: QuarantineMark;
}

export interface ShardRef {
  index: number;
  count: number;
}

export interface RunInfo {
  id: string;
  startedAt: string;
  finishedAt: string;
  shard?: ShardRef;
  /** After `unflake flakes merge`: the shards this run was merged from. */
  mergedShards?: ShardRef[];
  sha?: string;
  branch?: string;
  job?: string;
}

export interface Totals {
  /** Every test recorded, whatever its outcome. */
  tests: number;
  /** Tests that ran and were not quarantined: the denominator of the flake rate. */
  run: number;
  passed: number;
  failed: number;
  flaky: number;
  skipped: number;
  /** Tests that ran under a quarantine entry (any outcome; not in `run`). */
  quarantined: number;
}

export interface RunReport {
  schema: typeof REPORT_SCHEMA;
  version: typeof REPORT_VERSION;
  runner: string;
  run: RunInfo;
  totals: Totals;
  /** flaky / run for this run (0 when nothing ran). */
  flakeRate: number;
  /** Categories of the flaky tests' first failures. */
  byCategory: Record<FlakeCategory, number>;
  /** Quarantine entries whose `until` had passed: no longer applied. */
  expiredQuarantine?: (QuarantineMark & { test: string })[];
  /** Active quarantine entries that matched no test of this run (or of any merged shard). */
  unmatchedQuarantine?: (QuarantineMark & { test: string })[];
  /** Test files that failed outside any test (did not load, a top-level hook threw). */
  suiteErrors?: SuiteError[];
  tests: TestRecord[];
}

/** The id a test is known by across runs, in quarantine files and on the page. */
export const testId = (t: { file: string; name: string }): string => `${t.file} > ${t.name}`;

export function emptyCategories(): Record<FlakeCategory, number> {
  return { timing: 0, infrastructure: 0, product: 0, unknown: 0 };
}

/** Totals, rate and categories recomputed from the test records (after a merge, or when building). */
export function summarize(tests: readonly TestRecord[]): Pick<RunReport, 'totals' | 'flakeRate' | 'byCategory'> {
  const totals: Totals = { tests: tests.length, run: 0, passed: 0, failed: 0, flaky: 0, skipped: 0, quarantined: 0 };
  const byCategory = emptyCategories();
  for (const t of tests) {
    if (t.status === 'skipped') {
      totals.skipped++;
      continue;
    }
    if (t.quarantined) {
      totals.quarantined++;
      continue;
    }
    totals.run++;
    totals[t.status]++;
    if (t.status === 'flaky') byCategory[t.failures?.[0]?.category ?? 'unknown']++;
  }
  return { totals, flakeRate: totals.run === 0 ? 0 : totals.flaky / totals.run, byCategory };
}
