/**
 * From the fold's cells to the window every output reads (terminal, `--json`, the page, the budget).
 * Here a failure on a commit where the same test also passed in another run of the window counts as
 * flaky (across runs) even though no retry ran: the code was the same, the outcome was not.
 */
import { CATEGORIES, emptyCategories, type FlakeCategory } from './schema.ts';
import { day, DAY_MS } from './units.ts';
import {
  cellCategory,
  cellQuarantined,
  cellStatus,
  STATUS_CODES,
  STATUS_OF,
  type FoldRun,
  type FoldState,
  type FoldTest,
} from './windowFold.ts';
import { inRunOrder } from './windowOrder.ts';
export { inRunOrder } from './windowOrder.ts';
import type { AcrossRuns, DayRate, FlakeWindow, RunSummary, TestWindow } from './windowTypes.ts';

export interface FinishOptions {
  from: number;
  to: number;
  budget?: number;
  testBudget?: number;
  branch?: string;
}

const PASSED = STATUS_CODES.passed;
const FLAKY = STATUS_CODES.flaky;
const FAILED = STATUS_CODES.failed;

/** The commits on which a test both passed (or passed on a retry) and failed in different runs. */
export function acrossRuns(cells: Uint8Array, runs: readonly FoldRun[]): AcrossRuns[] {
  const bySha = new Map<string, { passed: string[]; failed: string[] }>();
  for (let i = 0; i < cells.length; i++) {
    const status = cellStatus(cells[i]!);
    const sha = runs[i]!.sha;
    if (sha === undefined || status < PASSED) continue;
    let entry = bySha.get(sha);
    if (!entry) bySha.set(sha, (entry = { passed: [], failed: [] }));
    (status === FAILED ? entry.failed : entry.passed).push(runs[i]!.id);
  }
  return [...bySha.entries()].filter(([, e]) => e.passed.length && e.failed.length).map(([sha, e]) => ({ sha, ...e }));
}

interface Counted {
  test?: TestWindow;
  stable: boolean;
}

function topCategory(categories: Record<FlakeCategory, number>): FlakeCategory {
  return CATEGORIES.reduce((best, c) => (categories[c] > categories[best] ? c : best), 'unknown' as FlakeCategory);
}

/** One test's window entry (cells already in run order), and which of its failed runs were flaky across runs. */
function testEntry(
  id: string,
  t: FoldTest,
  runs: readonly FoldRun[],
  to: number,
  testBudget: number | undefined,
  across: Set<number>,
): Counted {
  let ran = 0;
  let retried = 0;
  let failed = 0;
  const categories = emptyCategories();
  for (let i = 0; i < t.cells.length; i++) {
    const status = cellStatus(t.cells[i]!);
    if (status < PASSED) continue;
    ran++;
    if (status === FLAKY || across.has(i)) categories[cellCategory(t.cells[i]!)]++;
    if (status === FLAKY) retried++;
    else if (status === FAILED && !across.has(i)) failed++;
  }
  if (ran === 0) return { stable: false };
  const flaky = retried + across.size;
  if (flaky === 0 && failed === 0) return { stable: true };
  let { firstSeen, lastSeen } = t;
  for (const i of across) {
    const at = runs[i]!.finishedAt;
    if (!firstSeen || at < firstSeen) firstSeen = at;
    if (!lastSeen || at > lastSeen) lastSeen = at;
  }
  const rate = flaky / ran;
  const shas = across.size ? acrossRuns(t.cells, runs) : [];
  const test: TestWindow = {
    id,
    file: t.file,
    name: t.name,
    runs: ran,
    flaky,
    failed,
    rate,
    kinds: { retried, acrossRuns: across.size },
    ...(shas.length ? { acrossRuns: shas } : {}),
    category: topCategory(categories),
    categories,
    ...(firstSeen
      ? { firstSeen, lastSeen: lastSeen!, flakyForDays: Math.max(0, Math.floor((to - Date.parse(firstSeen)) / DAY_MS)) }
      : {}),
    ...(t.evidence ? { evidence: t.evidence } : {}),
    outcomes: Array.from(t.cells, (c) => STATUS_OF[cellStatus(c)]!),
    ...(t.quarantined ? { quarantined: t.quarantined } : {}),
    overBudget: testBudget !== undefined && !t.quarantined && rate > testBudget,
  };
  return { test, stable: false };
}

/** The failed cells of one test on a commit where it also passed in another run. */
function acrossCells(cells: Uint8Array, runs: readonly FoldRun[]): Set<number> {
  const passedOn = new Set<string>();
  const failedAt: number[] = [];
  for (let i = 0; i < cells.length; i++) {
    const status = cellStatus(cells[i]!);
    const sha = runs[i]!.sha;
    if (sha === undefined) continue;
    if (status === FAILED) failedAt.push(i);
    else if (status === PASSED || status === FLAKY) passedOn.add(sha);
  }
  return new Set(failedAt.filter((i) => passedOn.has(runs[i]!.sha!)));
}

function emptyDays(from: number, to: number): Map<string, DayRate> {
  const days = new Map<string, DayRate>();
  for (let t = Date.parse(`${day(new Date(from).toISOString())}T00:00:00Z`); t <= to; t += DAY_MS) {
    const d = day(new Date(t).toISOString());
    days.set(d, { day: d, runs: 0, testRuns: 0, flaky: 0, rate: 0 });
  }
  return days;
}

/** What the window counts over every test (the folder store in JS here, Postgres in SQL), with the runs in order. */
export interface WindowCounts {
  /** One per run, in run order. */
  perRun: { run: number; flaky: number; failed: number }[];
  /** Test runs under quarantine (not in the rate). */
  quarantined: number;
  byCategory: Record<FlakeCategory, number>;
  /** Tests that ran in the window and only passed. */
  stableTests: number;
}

/** Counts every cell of the fold, and keeps the tests flaky or failed at least once (cells in run order). */
function countCells(
  state: FoldState,
  order: number[],
  runs: readonly FoldRun[],
): { counts: WindowCounts; listed: Map<string, FoldTest> } {
  const counts: WindowCounts = {
    perRun: runs.map(() => ({ run: 0, flaky: 0, failed: 0 })),
    quarantined: 0,
    byCategory: emptyCategories(),
    stableTests: 0,
  };
  const listed = new Map<string, FoldTest>();
  const inOrder = order.every((ordinal, i) => ordinal === i);
  for (const [id, folded] of state.tests) {
    // The fold gives its cells in run order already (order is then the identity): no copy per test.
    const cells = inOrder ? folded.cells : Uint8Array.from(order, (i) => folded.cells[i] ?? 0);
    const across = acrossCells(cells, runs);
    let ran = false;
    let bad = false;
    for (let i = 0; i < cells.length; i++) {
      const status = cellStatus(cells[i]!);
      if (status < PASSED) continue;
      ran = true;
      bad ||= status !== PASSED;
      if (cellQuarantined(cells[i]!)) {
        counts.quarantined++;
        continue;
      }
      const summary = counts.perRun[i]!;
      summary.run++;
      if (status === FLAKY || across.has(i)) {
        summary.flaky++;
        counts.byCategory[cellCategory(cells[i]!)]++;
      } else if (status === FAILED) summary.failed++;
    }
    if (bad) listed.set(id, { ...folded, cells });
    else if (ran) counts.stableTests++;
  }
  return { counts, listed };
}

export function finishWindow(state: FoldState, options: FinishOptions): FlakeWindow {
  const { runs, order } = inRunOrder(state.runs);
  const { counts, listed } = countCells(state, order, runs);
  return assembleWindow(runs, counts, listed, options);
}

/** The window's JSON from the runs in order, the counts and the listed tests (their cells in run order). */
export function assembleWindow(
  runs: readonly FoldRun[],
  counts: WindowCounts,
  listed: ReadonlyMap<string, FoldTest>,
  options: FinishOptions,
): FlakeWindow {
  const perRun: RunSummary[] = runs.map((r, i) => ({ ...r, ...counts.perRun[i]!, rate: 0 }));
  const totals = { runs: runs.length, testRuns: 0, flaky: 0, failed: 0, quarantined: counts.quarantined };
  const tests: TestWindow[] = [];
  for (const [id, t] of listed) {
    const entry = testEntry(id, t, runs, options.to, options.testBudget, acrossCells(t.cells, runs)).test;
    if (entry) tests.push(entry);
  }
  const days = emptyDays(options.from, options.to);
  for (const r of perRun) {
    r.rate = r.run ? r.flaky / r.run : 0;
    totals.testRuns += r.run;
    totals.flaky += r.flaky;
    totals.failed += r.failed;
    const d = days.get(day(r.finishedAt));
    if (!d) continue;
    d.runs++;
    d.testRuns += r.run;
    d.flaky += r.flaky;
  }
  for (const d of days.values()) d.rate = d.testRuns ? d.flaky / d.testRuns : 0;
  tests.sort(
    (a, b) => b.rate - a.rate || b.flaky - a.flaky || b.failed - a.failed || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
  const flakeRate = totals.testRuns ? totals.flaky / totals.testRuns : 0;
  const testsOverBudget = tests.filter((t) => t.overBudget).map((t) => t.id);
  return {
    schema: 'unflake-flake-window',
    version: 2,
    from: new Date(options.from).toISOString(),
    to: new Date(options.to).toISOString(),
    ...(options.branch === undefined ? {} : { branch: options.branch }),
    runs: perRun,
    totals,
    flakeRate,
    ...(options.budget === undefined ? {} : { budget: options.budget }),
    ...(options.testBudget === undefined ? {} : { testBudget: options.testBudget }),
    overBudget: (options.budget !== undefined && flakeRate > options.budget) || testsOverBudget.length > 0,
    testsOverBudget,
    byCategory: counts.byCategory,
    daily: [...days.values()],
    tests,
    stableTests: counts.stableTests,
  };
}
