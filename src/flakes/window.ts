/**
 * The flake rate over a window of runs, overall, per day and per test, with first and last seen and
 * the latest evidence: what `budget` is judged on when there is history, and what the terminal
 * report, `--json` and the page show.
 */
import { CATEGORIES, emptyCategories, testId, type AttemptFailure, type FlakeCategory, type QuarantineMark, type RunReport, type TestStatus } from './schema.ts';
import { day, DAY_MS } from './units.ts';

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
  flaky: number;
  failed: number;
  /** flaky / runs, quarantined runs included: a test's own rate does not hide behind its quarantine. */
  rate: number;
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
  version: 1;
  from: string;
  to: string;
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
}

interface Tally {
  file: string;
  name: string;
  runs: number;
  flaky: number;
  failed: number;
  categories: Record<FlakeCategory, number>;
  firstSeen?: string;
  lastSeen?: string;
  evidence?: Evidence;
  outcomes: (TestStatus | null)[];
  quarantined?: QuarantineMark;
}

function tallyRun(tallies: Map<string, Tally>, report: RunReport, index: number, width: number, inWindow: boolean): void {
  for (const t of report.tests) {
    const id = testId(t);
    let tally = tallies.get(id);
    if (!tally)
      tallies.set(
        id,
        (tally = { file: t.file, name: t.name, runs: 0, flaky: 0, failed: 0, categories: emptyCategories(), outcomes: new Array<TestStatus | null>(width).fill(null) }),
      );
    if (t.status === 'flaky') {
      tally.firstSeen ??= report.run.finishedAt;
      tally.lastSeen = report.run.finishedAt;
    }
    if (!inWindow) continue;
    tally.outcomes[index] = t.status;
    if (t.status === 'skipped') continue;
    tally.runs++;
    if (t.quarantined) tally.quarantined = t.quarantined;
    else delete tally.quarantined;
    if (t.status === 'passed') continue;
    tally[t.status]++;
    const first = t.failures?.[0];
    if (t.status === 'flaky') tally.categories[first?.category ?? 'unknown']++;
    if (first) tally.evidence = { ...first, runId: report.run.id, at: report.run.finishedAt, ...(report.run.sha ? { sha: report.run.sha } : {}) };
  }
}

function topCategory(categories: Record<FlakeCategory, number>): FlakeCategory {
  return CATEGORIES.reduce((best, c) => (categories[c] > categories[best] ? c : best), 'unknown' as FlakeCategory);
}

function dailyRates(runs: readonly RunReport[], from: number, to: number): DayRate[] {
  const days = new Map<string, DayRate>();
  for (let t = Date.parse(`${day(new Date(from).toISOString())}T00:00:00Z`); t <= to; t += DAY_MS) {
    const d = day(new Date(t).toISOString());
    days.set(d, { day: d, runs: 0, testRuns: 0, flaky: 0, rate: 0 });
  }
  for (const r of runs) {
    const d = days.get(day(r.run.finishedAt));
    if (!d) continue;
    d.runs++;
    d.testRuns += r.totals.run;
    d.flaky += r.totals.flaky;
  }
  for (const d of days.values()) d.rate = d.testRuns ? d.flaky / d.testRuns : 0;
  return [...days.values()];
}

/** The tests flaky or failed at least once, highest rate first, and how many only passed. */
function listTests(tallies: Map<string, Tally>, to: number, testBudget: number | undefined): { tests: TestWindow[]; stableTests: number } {
  const tests: TestWindow[] = [];
  let stableTests = 0;
  for (const [id, t] of tallies) {
    if (t.runs === 0) continue;
    if (t.flaky === 0 && t.failed === 0) {
      stableTests++;
      continue;
    }
    const rate = t.flaky / t.runs;
    tests.push({
      id,
      file: t.file,
      name: t.name,
      runs: t.runs,
      flaky: t.flaky,
      failed: t.failed,
      rate,
      category: topCategory(t.categories),
      categories: t.categories,
      ...(t.firstSeen ? { firstSeen: t.firstSeen, lastSeen: t.lastSeen!, flakyForDays: Math.max(0, Math.floor((to - Date.parse(t.firstSeen)) / DAY_MS)) } : {}),
      ...(t.evidence ? { evidence: t.evidence } : {}),
      outcomes: t.outcomes,
      ...(t.quarantined ? { quarantined: t.quarantined } : {}),
      overBudget: testBudget !== undefined && !t.quarantined && rate > testBudget,
    });
  }
  tests.sort((a, b) => b.rate - a.rate || b.flaky - a.flaky || b.failed - a.failed || a.id.localeCompare(b.id));
  return { tests, stableTests };
}

/** The window's statistics from runs (already grouped, see groupRuns), oldest first or not. */
export function flakeWindow(allRuns: readonly RunReport[], options: WindowOptions): FlakeWindow {
  const to = options.now ?? Date.now();
  const from = to - options.window;
  const sorted = [...allRuns].sort((a, b) => a.run.finishedAt.localeCompare(b.run.finishedAt));
  const inWindow = (r: RunReport): boolean => {
    const t = Date.parse(r.run.finishedAt);
    return t >= from && t <= to;
  };
  const runs = sorted.filter(inWindow);
  const tallies = new Map<string, Tally>();
  let index = 0;
  for (const r of sorted) {
    const within = inWindow(r);
    tallyRun(tallies, r, within ? index : -1, runs.length, within);
    if (within) index++;
  }
  const totals = { runs: runs.length, testRuns: 0, flaky: 0, failed: 0, quarantined: 0 };
  const byCategory = emptyCategories();
  for (const r of runs) {
    totals.testRuns += r.totals.run;
    totals.flaky += r.totals.flaky;
    totals.failed += r.totals.failed;
    totals.quarantined += r.totals.quarantined;
    for (const c of CATEGORIES) byCategory[c] += r.byCategory[c];
  }
  const flakeRate = totals.testRuns ? totals.flaky / totals.testRuns : 0;
  const { tests, stableTests } = listTests(tallies, to, options.testBudget);
  const testsOverBudget = tests.filter((t) => t.overBudget).map((t) => t.id);
  return {
    schema: 'unflake-flake-window',
    version: 1,
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    runs: runs.map((r) => ({
      id: r.run.id,
      finishedAt: r.run.finishedAt,
      ...(r.run.sha ? { sha: r.run.sha } : {}),
      ...(r.run.branch ? { branch: r.run.branch } : {}),
      run: r.totals.run,
      flaky: r.totals.flaky,
      failed: r.totals.failed,
      rate: r.flakeRate,
    })),
    totals,
    flakeRate,
    ...(options.budget === undefined ? {} : { budget: options.budget }),
    ...(options.testBudget === undefined ? {} : { testBudget: options.testBudget }),
    overBudget: (options.budget !== undefined && flakeRate > options.budget) || testsOverBudget.length > 0,
    testsOverBudget,
    byCategory,
    daily: dailyRates(runs, from, to),
    tests,
    stableTests,
  };
}
