/** The reporter's verdict (budget, quarantine) and its one-screen summary. */
import { headline } from '../src/flakes/evidence.ts';
import { CATEGORIES, testId, type RunReport, type TestRecord } from '../src/flakes/schema.ts';
import { day, pct, plural } from '../src/flakes/units.ts';
import type { FlakeWindow } from '../src/flakes/window.ts';
import type { OtlpOutcome } from '../src/otel/otlpRun.ts';
import type { ReporterSettings } from './options.ts';

export interface Verdict {
  /** The message that fails the run for the budget, if it does. */
  budgetError?: string;
  /** Failed tests without a quarantine entry: they fail the run as usual. */
  failed: TestRecord[];
  /** Failed tests under quarantine: the reporter keeps them from failing the run. */
  quarantinedFailures: TestRecord[];
}

const span = (ms: number): string =>
  ms % 86_400_000 === 0 ? plural(ms / 86_400_000, 'day') : plural(Math.round(ms / 3_600_000), 'hour');

function budgetError(report: RunReport, window: FlakeWindow, settings: ReporterSettings): string | undefined {
  const { budget, testBudget } = settings;
  const history = settings.history !== undefined;
  const over: string[] = [];
  if (budget !== undefined && window.flakeRate > budget) {
    over.push(
      history
        ? `flake rate ${pct(window.flakeRate)} over the last ${span(settings.window)} (${window.totals.flaky} of ${window.totals.testRuns} test runs in ${plural(window.totals.runs, 'run')}) exceeds the budget of ${pct(budget)}`
        : `flake rate ${pct(report.flakeRate)} (${report.totals.flaky} of ${report.totals.run}) exceeds the budget of ${pct(budget)}`,
    );
  }
  if (testBudget !== undefined && window.testsOverBudget.length) {
    const listed = window.tests
      .filter((t) => t.overBudget)
      .slice(0, 5)
      .map((t) => `${t.id} flaky in ${t.flaky} of ${plural(t.runs, 'run')} (${pct(t.rate)})`);
    const more = window.testsOverBudget.length > 5 ? `, and ${window.testsOverBudget.length - 5} more` : '';
    over.push(
      `${plural(window.testsOverBudget.length, 'test')} over the per-test budget of ${pct(testBudget)}${history ? ` (last ${span(settings.window)})` : ''}: ${listed.join('; ')}${more}`,
    );
  }
  return over.length ? `unflake: ${over.join('; and ')}; see the flake report.` : undefined;
}

export function verdictOf(report: RunReport, window: FlakeWindow, settings: ReporterSettings): Verdict {
  const failed = report.tests.filter((t) => t.status === 'failed');
  const error = budgetError(report, window, settings);
  return {
    ...(error ? { budgetError: error } : {}),
    failed: failed.filter((t) => !t.quarantined),
    quarantinedFailures: failed.filter((t) => t.quarantined),
  };
}

const cut = (text: string, max: number): string => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

function runLines(report: RunReport, settings: ReporterSettings): string[] {
  const { totals } = report;
  const judged = settings.history === undefined && settings.budget !== undefined;
  const verdict = !judged
    ? ''
    : report.flakeRate > settings.budget!
      ? `, over the budget of ${pct(settings.budget!)}: FAILING the run`
      : `, within the budget of ${pct(settings.budget!)}`;
  const lines = [
    `unflake flake report: ${totals.flaky} of ${plural(totals.run, 'test')} flaky (${pct(report.flakeRate)})${verdict}`,
  ];
  const flaky = report.tests.filter((t) => t.status === 'flaky');
  if (!flaky.length) return lines;
  lines.push(`  first failures: ${CATEGORIES.map((c) => `${c} ${report.byCategory[c]}`).join(' · ')}`);
  for (const t of flaky.slice(0, 10)) {
    const first = t.failures?.[0];
    const trace = first?.fingerprint?.trace ? ` · trace ${first.fingerprint.trace}` : '';
    lines.push(
      `  ${(first?.category ?? 'unknown').padEnd(14)} ${t.file} > ${t.name}  (passed on attempt ${t.attempts ?? 2})${t.quarantined ? ' · quarantined' : ''}`,
    );
    lines.push(`  ${''.padEnd(14)} ${headline(first?.message ?? '', 140)}${trace}`);
  }
  if (flaky.length > 10) lines.push(`  … and ${flaky.length - 10} more`);
  return lines;
}

function quarantineLines(report: RunReport, verdict: Verdict): string[] {
  const lines: string[] = [];
  if (report.totals.quarantined) {
    const failedNote = verdict.quarantinedFailures.length
      ? `, ${verdict.quarantinedFailures.length} failed (quarantined: does not fail the run)`
      : '';
    lines.push(`  quarantine: ${plural(report.totals.quarantined, 'test')} ran under quarantine${failedNote}`);
    for (const t of verdict.quarantinedFailures.slice(0, 10))
      lines.push(`    failed: ${cut(testId(t), 120)} (${t.quarantined!.owner}, until ${t.quarantined!.until})`);
  }
  for (const e of (report.expiredQuarantine ?? []).slice(0, 10))
    lines.push(
      `  quarantine entry EXPIRED on ${e.until}, no longer applied: ${cut(e.test, 120)} (${e.owner}: ${cut(e.reason, 80)})`,
    );
  const unmatched = report.unmatchedQuarantine ?? [];
  for (const e of unmatched.slice(0, 10))
    lines.push(
      `  quarantine entry matches NO test of this run, so it quarantines nothing: ${cut(e.test, 120)} (${e.owner})`,
    );
  if (unmatched.length > 10) lines.push(`    … and ${unmatched.length - 10} more entries that match no test`);
  if (unmatched.length) lines.push('    (a test is named `<file> > <describe> > … > <test>`, as the report lists it)');
  return lines;
}

function windowLines(window: FlakeWindow, settings: ReporterSettings): string[] {
  const budget =
    settings.budget === undefined
      ? ''
      : window.flakeRate > settings.budget
        ? `, over the budget of ${pct(settings.budget)}: FAILING the run`
        : `, within the budget of ${pct(settings.budget)}`;
  const lines = [
    `  last ${span(settings.window)} (${day(window.from)} – ${day(window.to)}, ${plural(window.totals.runs, 'run')}): ${window.totals.flaky} of ${window.totals.testRuns} test runs flaky (${pct(window.flakeRate)})${budget}`,
  ];
  for (const t of window.tests.filter((x) => x.flaky > 0).slice(0, 5)) {
    lines.push(
      `    ${pct(t.rate).padStart(7)} flaky in ${t.flaky} of ${plural(t.runs, 'run')}, first seen ${day(t.firstSeen!)}  ${cut(t.id, 110)}${t.overBudget ? '  OVER the per-test budget' : ''}`,
    );
  }
  return lines;
}

export interface SummaryInput {
  report: RunReport;
  window: FlakeWindow;
  verdict: Verdict;
  settings: ReporterSettings;
  files: { report: string; junit?: string; history?: string };
  unreadable: string[];
  /** Deprecation notes (an old variable or option name used). */
  notes?: string[];
  /** The OTLP export's outcome, when the `otlp` option is on. */
  otlp?: OtlpOutcome;
}

/** The export's line: where the run went, or its one warning. */
export function otlpLine(otlp: OtlpOutcome): string {
  return 'warning' in otlp
    ? otlp.warning
    : `unflake: exported the run over OTLP: trace ${otlp.traceId} (${plural(otlp.sent, 'span')})`;
}

export function formatSummary({
  report,
  window,
  verdict,
  settings,
  files,
  unreadable,
  notes = [],
  otlp,
}: SummaryInput): string {
  const lines = [...runLines(report, settings), ...quarantineLines(report, verdict)];
  if (settings.history !== undefined) lines.push(...windowLines(window, settings));
  for (const u of unreadable.slice(0, 3)) lines.push(`  skipped an unreadable history file: ${cut(u, 200)}`);
  for (const n of notes) lines.push(`  note: ${n}`);
  if (otlp) lines.push(`  ${otlpLine(otlp)}`);
  lines.push(
    `  report: ${files.report}${files.junit ? ` · junit: ${files.junit}` : ''}${files.history ? ` · history: ${files.history}` : ''}`,
  );
  return lines.join('\n');
}

/** Whether there is anything to say without `verbose`. */
export function worthPrinting(input: {
  report: RunReport;
  verdict: Verdict;
  window: FlakeWindow;
  otlp?: OtlpOutcome | undefined;
}): boolean {
  return (
    (input.otlp !== undefined && 'warning' in input.otlp) ||
    input.report.totals.flaky > 0 ||
    input.report.totals.quarantined > 0 ||
    (input.report.expiredQuarantine?.length ?? 0) > 0 ||
    (input.report.unmatchedQuarantine?.length ?? 0) > 0 ||
    input.verdict.budgetError !== undefined ||
    input.window.totals.flaky > 0
  );
}
