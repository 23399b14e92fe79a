/**
 * The run report, version 2: what one test run (or one shard of it) did, test by test, with the
 * evidence of every failed attempt. The reporter writes it; history, merge, report, JUnit and the page
 * read it. Documented field by field in docs/flake-report.md.
 */

export const REPORT_SCHEMA = 'unflake-run-report';
export const REPORT_VERSION = 2;

/** What a failure most likely was (docs/flake-report.md): a wait that ran out, a broken connection, a wrong answer, or none of these. */
export type FlakeCategory = 'timing' | 'infrastructure' | 'product' | 'unknown';
export const CATEGORIES: readonly FlakeCategory[] = ['timing', 'infrastructure', 'product', 'unknown'];

/** The test's outcome in this run: flaky = failed at least once, then passed on a retry. */
export type TestStatus = 'passed' | 'failed' | 'flaky' | 'skipped';

/** The `Run:` line of an unflake failure as `key value` fields (trace, worker, namespace, seed, sha, …). */
export type Fingerprint = Record<string, string>;

/** One failed attempt of a test, as the report keeps it. */
export interface AttemptFailure {
  /** The failure message's first lines (ANSI and stack frames removed). */
  message: string;
  /** What the message says the failure was (classifyFailure). */
  category: FlakeCategory;
  /** Present when the message carried a `Run:` line. */
  fingerprint?: Fingerprint;
  /** The first stack frames (at most 15), when the runner gave them. */
  stack?: string;
}

/** One attempt's own span, as the attempt's OpenTelemetry provider recorded it (only when one was registered). */
export interface AttemptSpan {
  /** The retry index: 0 for the first attempt. */
  attempt: number;
  /** The span's trace id (32 hex digits). */
  traceId: string;
  /** The span's id (16 hex digits). */
  spanId: string;
}

/** A test file that failed as a whole (it did not load, a hook outside any test threw): JUnit's `<error>`. */
export interface SuiteError {
  /** The test file, relative to the project root. */
  file: string;
  /** The error's first lines (ANSI removed). */
  message: string;
  /** The first stack frames, when the runner gave them. */
  stack?: string;
}

/** A quarantine entry as a run report records it: why the test is quarantined, who owns it, until when. */
export interface QuarantineMark {
  /** Why the test is quarantined. */
  reason: string;
  /** Who is fixing it. */
  owner: string;
  /** When the entry stops applying: an ISO date or date-time (a bare date, e.g. `2026-01-31`, lasts to the end of that day, UTC). */
  until: string;
}

/** One test's outcome in one run. */
export interface TestRecord {
  /** The test file, relative to the project root. */
  file: string;
  /** The describe titles and the test's, joined with ` > ` (a `>` inside a title escaped as `\\>`; src/runner/testId.ts). */
  name: string;
  /** The outcome in this run. */
  status: TestStatus;
  /** The test's duration in ms, all attempts together (runners give no per-attempt durations). */
  durationMs?: number;
  /** Attempts made, when more than one. */
  attempts?: number;
  /** Every failed attempt, first first (absent when none failed). */
  failures?: AttemptFailure[];
  /** The quarantine entry that applied in this run. */
  quarantined?: QuarantineMark;
  /** Each attempt's own span, in attempt order, when the tests ran under an OpenTelemetry provider (at most one per attempt). */
  attemptSpans?: AttemptSpan[];
}

/** Which shard of a run a report covers: shard `index` of `count`, as in `--shard=1/2`. */
export interface ShardRef {
  /** 1-based shard number. */
  index: number;
  /** How many shards the run was split into. */
  count: number;
}

/** Which run a report is of: its id, time, shard, commit, branch and CI job. */
export interface RunInfo {
  /** `UNFLAKE_RUN_ID` when set (the pipeline id, so shards share it), else random; shared by every worker of the run. */
  id: string;
  /** When the run started (ISO 8601). */
  startedAt: string;
  /** When the run finished (ISO 8601): a run counts in a window when it finished within it. */
  finishedAt: string;
  /** The runner's `--shard` of this report; absent when the run was not sharded. */
  shard?: ShardRef;
  /** After `unflake flakes merge`: the shards this run was merged from. */
  mergedShards?: ShardRef[];
  /** The commit tested (`UNFLAKE_GIT_SHA`, else the CI system's variable). */
  sha?: string;
  /** The branch tested (`UNFLAKE_BRANCH`, else the CI system's variable). */
  branch?: string;
  /** The CI job, usually its URL (`UNFLAKE_JOB`, else the CI system's variable). */
  job?: string;
}

/** How many tests of a run ended each way. */
export interface Totals {
  /** Every test recorded, whatever its outcome. */
  tests: number;
  /** Tests that ran and were not quarantined: the denominator of the flake rate. */
  run: number;
  /** Tests in `run` that passed with no failed attempt. */
  passed: number;
  /** Tests in `run` that failed (every attempt). */
  failed: number;
  /** Tests in `run` that failed, then passed on a retry. */
  flaky: number;
  /** Tests skipped (not in `run`). */
  skipped: number;
  /** Tests that ran under a quarantine entry (any outcome; not in `run`). */
  quarantined: number;
}

/** The run report (version 2): what one test run, or one shard of it, did, test by test. Documented field by field in docs/flake-report.md. */
export interface RunReport {
  /** Always `'unflake-run-report'`: marks the file as a run report. */
  schema: typeof REPORT_SCHEMA;
  /** The report format's version (2); readers refuse any other. */
  version: typeof REPORT_VERSION;
  /** `vitest`, `jest` or `playwright` (`vitest+jest` after merging reports of both). */
  runner: string;
  /** Which run this is. */
  run: RunInfo;
  /** How many tests ended each way. */
  totals: Totals;
  /** flaky / run for this run (0 when nothing ran). */
  flakeRate: number;
  /** Categories of the flaky tests' first failures. */
  byCategory: Record<FlakeCategory, number>;
  /** Quarantine entries whose `until` had passed: no longer applied. */
  expiredQuarantine?: (QuarantineMark & {
    /** The quarantined test's id (`file > name`). */
    test: string;
  })[];
  /** Active quarantine entries that matched no test of this run (or of any merged shard). */
  unmatchedQuarantine?: (QuarantineMark & {
    /** The quarantined test's id (`file > name`). */
    test: string;
  })[];
  /** Test files that failed outside any test (did not load, a top-level hook threw). */
  suiteErrors?: SuiteError[];
  /** Every test of the run, with its outcome and failed attempts. */
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
