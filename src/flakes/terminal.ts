/** The window in the terminal: rate against budget, categories, the daily trend, the top flaky tests. */
import { headline } from './evidence.ts';
import { CATEGORIES } from './schema.ts';
import { day, pct, plural } from './units.ts';
import type { FlakeWindow, TestWindow } from './window.ts';

const BARS = '▁▂▃▄▅▆▇█';

/** One character per day: a bar scaled to the worst day, `·` for a day without runs. */
export function sparkline(window: FlakeWindow): string {
  const max = Math.max(...window.daily.map((d) => d.rate), 0);
  return window.daily
    .map((d) =>
      d.runs === 0
        ? '·'
        : max === 0
          ? BARS[0]
          : BARS[Math.min(BARS.length - 1, Math.round((d.rate / max) * (BARS.length - 1)))],
    )
    .join('');
}

const cut = (text: string, max: number): string => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** Which kind of flaky: retried in a run, or across runs on one commit (with the commits and runs). */
export function kindText(t: TestWindow): string {
  const { retried, acrossRuns } = t.kinds;
  if (!acrossRuns) return '';
  const shas = (t.acrossRuns ?? [])
    .slice(0, 3)
    .map(
      (a) =>
        `${a.sha.slice(0, 12)}: passed in ${cut(a.passed.join(', '), 60)}, failed in ${cut(a.failed.join(', '), 60)}`,
    )
    .join('; ');
  return `${retried ? `retried in ${plural(retried, 'run')}, ` : ''}across runs in ${acrossRuns} (same commit, different outcome: ${shas})`;
}

function testLines(t: TestWindow): string[] {
  const quarantine = t.quarantined ? ` · quarantined until ${t.quarantined.until} (${t.quarantined.owner})` : '';
  const lines = [`  ${pct(t.rate).padStart(7)}  ${t.category.padEnd(14)} ${cut(t.id, 140)}`];
  const seen = t.firstSeen
    ? `first seen ${day(t.firstSeen)}, last seen ${day(t.lastSeen!)} (flaky for ${plural(t.flakyForDays!, 'day')})`
    : 'never flaky: failed only';
  lines.push(
    `  ${''.padEnd(7)}  flaky in ${t.flaky} of ${plural(t.runs, 'run')}${t.failed ? `, failed in ${t.failed}` : ''} · ${seen}${quarantine}${t.overBudget ? ' · OVER the per-test budget' : ''}`,
  );
  const kinds = kindText(t);
  if (kinds) lines.push(`  ${''.padEnd(7)}  ${kinds}`);
  if (t.evidence) {
    const trace = t.evidence.fingerprint?.trace ? ` · trace ${t.evidence.fingerprint.trace}` : '';
    lines.push(`  ${''.padEnd(7)}  ${headline(t.evidence.message, 160)}${trace}`);
  }
  return lines;
}

/** The window as terminal text: the rate and budget verdict, the daily sparkline, and the `top` (default 10) flakiest tests with their evidence. */
export function formatWindow(window: FlakeWindow, options: { top?: number } = {}): string {
  const top = options.top ?? 10;
  const { totals } = window;
  const budget =
    window.budget === undefined
      ? ''
      : window.flakeRate > window.budget
        ? `, OVER the budget of ${pct(window.budget)}`
        : `, within the budget of ${pct(window.budget)}`;
  const lines = [
    `unflake flakes ${day(window.from)} – ${day(window.to)}: ${totals.flaky} of ${totals.testRuns} test runs flaky (${pct(window.flakeRate)}) in ${plural(totals.runs, 'run')}${budget}`,
    `  first failures: ${CATEGORIES.map((c) => `${c} ${window.byCategory[c]}`).join(' · ')}`,
    `  daily rate:     ${sparkline(window)}  (${plural(window.daily.length, 'day')}, · = no run)`,
  ];
  if (totals.failed || totals.quarantined)
    lines.push(
      `  also: ${plural(totals.failed, 'failed test run')}, ${plural(totals.quarantined, 'quarantined test run')}`,
    );
  if (window.testBudget !== undefined)
    lines.push(
      `  per-test budget ${pct(window.testBudget)}: ${window.testsOverBudget.length ? `${plural(window.testsOverBudget.length, 'test')} OVER it` : 'every test within it'}`,
    );
  const flaky = window.tests.filter((t) => t.flaky > 0);
  if (flaky.length) {
    lines.push(`  top flaky tests (${flaky.length > top ? `${top} of ${flaky.length}` : flaky.length}):`);
    for (const t of flaky.slice(0, top)) lines.push(...testLines(t));
  } else lines.push('  no flaky test in the window');
  return lines.join('\n');
}
