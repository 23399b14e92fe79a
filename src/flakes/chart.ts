/**
 * The daily flake rate against the budget as plain SVG: no library to inline, nothing to load, and
 * every bar has a tooltip (<title>) with its numbers.
 */
import { escapeXml as escape } from './junit.ts';
import { pct } from './units.ts';
import type { FlakeWindow } from './window.ts';

const WIDTH = 760;
const HEIGHT = 240;
const M = { top: 16, right: 16, bottom: 36, left: 56 };

/** A y-axis top that leaves the budget line and the worst day inside the plot, on a round step. */
function axisTop(max: number): number {
  if (max <= 0) return 0.01;
  const step = 10 ** Math.floor(Math.log10(max));
  return Math.ceil((max * 1.1) / step) * step;
}

export function dailyRateSvg(window: FlakeWindow): string {
  const days = window.daily;
  const top = axisTop(Math.max(window.budget ?? 0, ...days.map((d) => d.rate)));
  const plotW = WIDTH - M.left - M.right;
  const plotH = HEIGHT - M.top - M.bottom;
  const slot = plotW / Math.max(1, days.length);
  const y = (rate: number): number => M.top + plotH - (rate / top) * plotH;
  const parts: string[] = [];
  for (let i = 0; i <= 4; i++) {
    const rate = (top * i) / 4;
    parts.push(
      `<line class="grid" x1="${M.left}" x2="${WIDTH - M.right}" y1="${y(rate).toFixed(1)}" y2="${y(rate).toFixed(1)}"/>`,
      `<text class="tick" x="${M.left - 6}" y="${(y(rate) + 4).toFixed(1)}" text-anchor="end">${pct(rate)}</text>`,
    );
  }
  const labelEvery = Math.ceil(days.length / 10);
  days.forEach((d, i) => {
    const x = M.left + i * slot;
    const w = Math.max(1, slot * 0.7);
    const over = window.budget !== undefined && d.rate > window.budget;
    const title = d.runs
      ? `${d.day}: ${d.flaky} of ${d.testRuns} test runs flaky (${pct(d.rate)}) in ${d.runs} run${d.runs === 1 ? '' : 's'}`
      : `${d.day}: no run`;
    if (d.runs) {
      const h = Math.max(1, y(0) - y(d.rate));
      parts.push(
        `<rect class="day${over ? ' over' : ''}" data-day="${d.day}" data-rate="${d.rate}" x="${(x + (slot - w) / 2).toFixed(1)}" y="${(y(0) - h).toFixed(1)}" width="${w.toFixed(1)}" height="${h.toFixed(1)}"><title>${escape(title)}</title></rect>`,
      );
    } else
      parts.push(
        `<rect class="day none" data-day="${d.day}" x="${(x + (slot - w) / 2).toFixed(1)}" y="${(y(0) - 2).toFixed(1)}" width="${w.toFixed(1)}" height="2"><title>${escape(title)}</title></rect>`,
      );
    if (i % labelEvery === 0)
      parts.push(
        `<text class="tick" x="${(x + slot / 2).toFixed(1)}" y="${HEIGHT - M.bottom + 16}" text-anchor="middle">${d.day.slice(5)}</text>`,
      );
  });
  if (window.budget !== undefined) {
    const by = y(window.budget).toFixed(1);
    parts.push(
      `<line class="budget" x1="${M.left}" x2="${WIDTH - M.right}" y1="${by}" y2="${by}"><title>budget ${pct(window.budget)}</title></line>`,
      `<text class="budget-label" x="${M.left + 4}" y="${(Number(by) - 5).toFixed(1)}">budget ${pct(window.budget)}</text>`,
    );
  }
  parts.push(`<line class="axis" x1="${M.left}" x2="${WIDTH - M.right}" y1="${y(0)}" y2="${y(0)}"/>`);
  const label = `Daily flake rate from ${days[0]?.day ?? ''} to ${days.at(-1)?.day ?? ''}${window.budget === undefined ? '' : ` against the budget of ${pct(window.budget)}`}`;
  return `<svg id="daily-rate" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" role="img" aria-label="${escape(label)}">${parts.join('')}</svg>`;
}
