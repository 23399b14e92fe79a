/**
 * `unflake flakes report --html`: one self-contained page (inline CSS and SVG, no script, and a
 * Content-Security-Policy that forbids loading anything), to attach to a CI run or open locally.
 */
import { dailyRateSvg } from './chart.ts';
import { escapeXml as escape } from './junit.ts';
import { headline } from './evidence.ts';
import { kindText } from './terminal.ts';
import { CATEGORIES } from './schema.ts';
import { day, pct, plural } from './units.ts';
import type { FlakeWindow, TestWindow } from './window.ts';

const TOP = 50;
const GRID = 200;
/** Runs shown in the run-by-run grid: the latest ones. */
const GRID_RUNS = 200;

const STYLE = `
body{font:14px/1.45 system-ui,sans-serif;margin:24px;color:#1d2330;background:#fff}
h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:28px 0 8px}
.summary{margin:0;color:#394150}.over{color:#b3261e;font-weight:600}.ok{color:#1f7a3a;font-weight:600}
table{border-collapse:collapse;width:100%}th,td{text-align:left;vertical-align:top;padding:6px 8px;border-bottom:1px solid #e3e6ec}
th{font-weight:600;background:#f5f6f8}td.num{text-align:right;white-space:nowrap}code,pre{font:12px/1.4 ui-monospace,monospace}
pre{white-space:pre-wrap;margin:6px 0 0;background:#f5f6f8;padding:8px;max-height:260px;overflow:auto}
.cat{display:inline-block;padding:0 6px;border-radius:8px;background:#eef0f4}.q{color:#7a4b00}
svg .grid{stroke:#e3e6ec}svg .axis{stroke:#394150}svg .tick{font-size:11px;fill:#596273}
svg .day{fill:#3b6fd8}svg .day.over{fill:#d8473b}svg .day.none{fill:#c9ced8}
svg .budget{stroke:#d8473b;stroke-dasharray:6 4;stroke-width:1.5}svg .budget-label{font-size:11px;fill:#d8473b;paint-order:stroke;stroke:#fff;stroke-width:3px}
#outcomes td.o{padding:0;width:14px;height:18px;border:1px solid #fff}
.o.passed{background:#5fb37a}.o.flaky{background:#f0b429}.o.failed{background:#d8473b}.o.failed.across{background:repeating-linear-gradient(45deg,#d8473b 0 3px,#f0b429 3px 6px)}.kind{font-size:11px;color:#6b7280}.o.skipped{background:#c9ced8}.o.absent{background:#f5f6f8}
.legend span{display:inline-block;width:12px;height:12px;margin:0 4px 0 12px;vertical-align:-2px}
`;

function evidenceCell(t: TestWindow): string {
  const e = t.evidence;
  if (!e) return '<td>no message kept</td>';
  const trace = e.fingerprint?.trace;
  const run = e.fingerprint
    ? `\n\nRun: ${Object.entries(e.fingerprint)
        .map(([k, v]) => `${k} ${v}`)
        .join(' · ')}`
    : '';
  return `<td><details><summary>${escape(headline(e.message, 160))}</summary><pre>${escape(e.message + run)}</pre></details>${trace ? `<div>trace <code class="trace">${escape(trace)}</code></div>` : ''}<div class="when">run ${escape(e.runId)}, ${escape(day(e.at))}${e.sha ? `, ${escape(e.sha.slice(0, 12))}` : ''}</div></td>`;
}

const ago = (days: number): string => (days === 0 ? 'today' : `${plural(days, 'day')} ago`);

function topRow(t: TestWindow, rank: number): string {
  const q = t.quarantined
    ? `<div class="q">quarantined until ${escape(t.quarantined.until)} (${escape(t.quarantined.owner)}): ${escape(t.quarantined.reason)}</div>`
    : '';
  return `<tr><td class="num">${rank}</td><td><code>${escape(t.id)}</code>${q}</td><td class="num rate">${pct(t.rate)}</td><td class="num">${t.flaky} of ${t.runs}${t.failed ? `<br>failed ${t.failed}` : ''}${t.kinds.acrossRuns ? `<div class="kind">${escape(kindText(t))}</div>` : ''}</td><td><span class="cat">${t.category}</span></td><td class="num">${t.firstSeen ? `${day(t.firstSeen)}<br>${ago(t.flakyForDays ?? 0)}` : '–'}</td><td class="num">${t.lastSeen ? day(t.lastSeen) : '–'}</td>${evidenceCell(t)}</tr>`;
}

function outcomesTable(window: FlakeWindow): string {
  const tests = window.tests.slice(0, GRID);
  // The latest GRID_RUNS runs only: at 1 000 runs the whole grid made a 15 MB page (and the reader's peak with it).
  const first = Math.max(0, window.runs.length - GRID_RUNS);
  const head = window.runs
    .slice(first)
    .map(
      (r, j) => `<th title="${escape(`${r.id} · ${r.finishedAt}${r.sha ? ` · ${r.sha}` : ''}`)}">${first + j + 1}</th>`,
    )
    .join('');
  const rows = tests.map((t) => {
    const across = new Set((t.acrossRuns ?? []).flatMap((a) => a.failed));
    const cells = t.outcomes
      .slice(first)
      .map((o, j) => {
        const i = first + j;
        const run = window.runs[i];
        const kind = o === 'failed' && run && across.has(run.id) ? ' across' : '';
        const what = kind
          ? 'failed, and passed in another run of the same commit (flaky across runs)'
          : (o ?? 'not run');
        return `<td class="o ${o ?? 'absent'}${kind}" title="${escape(`run ${i + 1} (${run?.id ?? ''}, ${day(run?.finishedAt ?? '')}${run?.sha ? `, ${run.sha.slice(0, 12)}` : ''}): ${what}`)}"></td>`;
      })
      .join('');
    return `<tr><td><code>${escape(t.id)}</code></td>${cells}</tr>`;
  });
  const latest =
    first > 0 ? `<p>The latest ${GRID_RUNS} of ${window.runs.length} runs (see <code>--json</code>).</p>` : '';
  const more =
    window.tests.length > GRID
      ? `<p>${window.tests.length - GRID} more tests with a flaky or failed run are not shown (see <code>--json</code>).</p>`
      : '';
  const legend =
    '<p class="legend"><span class="o passed"></span>passed<span class="o flaky"></span>flaky<span class="o failed"></span>failed<span class="o failed across"></span>failed on a commit that also passed<span class="o skipped"></span>skipped<span class="o absent"></span>not in that run</p>';
  return `${legend}${latest}<table id="outcomes"><thead><tr><th>test</th>${head}</tr></thead><tbody>${rows.join('')}</tbody></table>${more}`;
}

function summary(window: FlakeWindow): string {
  const verdict =
    window.budget === undefined
      ? ''
      : window.flakeRate > window.budget
        ? ` <span class="over">over the budget of ${pct(window.budget)}</span>`
        : ` <span class="ok">within the budget of ${pct(window.budget)}</span>`;
  const categories = CATEGORIES.map((c) => `${c} ${window.byCategory[c]}`).join(' · ');
  return `<p class="summary">${window.totals.flaky} of ${window.totals.testRuns} test runs flaky (<b id="rate">${pct(window.flakeRate)}</b>) in ${plural(window.totals.runs, 'run')}${verdict}. First failures: ${categories}.${window.totals.quarantined ? ` ${plural(window.totals.quarantined, 'quarantined test run')} not counted.` : ''}</p>`;
}

/** The window as one self-contained HTML page (inline CSS and SVG, no script, nothing loaded), to attach to a CI run or open locally. */
export function toHtml(window: FlakeWindow, generatedAt = new Date()): string {
  const flaky = window.tests.filter((t) => t.flaky > 0);
  const title = `Flaky tests ${day(window.from)} – ${day(window.to)}`;
  const top = flaky.length
    ? `<table id="top-flaky"><thead><tr><th>#</th><th>test</th><th>rate</th><th>flaky in</th><th>category</th><th>first seen</th><th>last seen</th><th>latest first failure</th></tr></thead><tbody>${flaky
        .slice(0, TOP)
        .map((t, i) => topRow(t, i + 1))
        .join(
          '',
        )}</tbody></table>${flaky.length > TOP ? `<p>${flaky.length - TOP} more flaky tests (see <code>--json</code>).</p>` : ''}`
    : '<p id="top-flaky">No test was flaky in this window.</p>';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>${escape(title)}</title><style>${STYLE}</style></head>
<body><h1>${escape(title)}</h1>${summary(window)}
<h2>Daily flake rate</h2>${dailyRateSvg(window)}
<h2>Top flaky tests</h2>${top}
<h2>Run by run</h2>${window.tests.length ? outcomesTable(window) : '<p>Every test passed in every run.</p>'}
<p class="summary">${plural(window.stableTests, 'test')} passed in every run and are not listed. Generated by unflake at ${escape(generatedAt.toISOString())}.</p>
</body></html>
`;
}
