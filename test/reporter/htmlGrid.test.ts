/**
 * The page's run-by-run grid shows the latest 200 runs (at 1 000 runs the whole grid made a 15 MB page): the
 * columns are the last runs, numbered by their place in the whole window, and the page says how many it left out.
 */
import { toHtml } from '../../src/flakes/html.ts';
import { flakeWindow } from '../../src/flakes/window.ts';
import { DAY, DISCOUNT, fixtureRun, suite } from './fixtures/history.ts';

const NOW = Date.UTC(2026, 11, 1);

function page(runCount: number): string {
  const runs = Array.from({ length: runCount }, (_, i) =>
    fixtureRun(
      `run${i + 1}`,
      NOW - (runCount - i) * 60_000,
      suite(i % 7 === 0 ? { [DISCOUNT]: { status: 'flaky' } } : {}),
    ),
  );
  return toHtml(flakeWindow(runs, { window: 30 * DAY, now: NOW }), new Date(NOW));
}

const gridHeads = (html: string): string[] =>
  [
    ...(/<table id="outcomes"><thead><tr><th>test<\/th>(.*?)<\/tr><\/thead>/.exec(html)?.[1] ?? '').matchAll(
      />(\d+)<\/th>/g,
    ),
  ].map((m) => m[1]!);
const firstRowCells = (html: string): number =>
  (/<table id="outcomes">.*?<tbody><tr>(.*?)<\/tr>/.exec(html)?.[1] ?? '').split('<td class="o ').length - 1;

describe('the run-by-run grid of the flake page', () => {
  test.each([
    [1, 1, 1],
    [200, 1, 200],
    [201, 2, 201],
    [250, 51, 250],
  ])('%i runs: columns %i to %i', (runs, first, last) => {
    const html = page(runs);
    const heads = gridHeads(html);
    expect([heads.length, heads[0], heads.at(-1)]).toEqual([last - first + 1, String(first), String(last)]);
    expect(firstRowCells(html)).toBe(heads.length);
    expect(html.includes(`The latest 200 of ${runs} runs`)).toBe(runs > 200);
  });
});
