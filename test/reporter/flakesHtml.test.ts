/**
 * The `--html` page in a real browser: Debian's headless Chromium loads the page built from a fixture
 * history; the chart and the tables must render, nothing may be fetched, no script may run, and a
 * screenshot is saved. Without /usr/bin/chromium the test is skipped with the reason (CI installs it
 * and requires it).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { main } from '../../src/cli/cli.ts';
import { DISCOUNT, fixtureRun, suite, tenRuns, writeRuns } from './fixtures/history.ts';

// The page's globals, used inside tab.evaluate only (this project compiles without the DOM lib).
declare const document: any;
declare const getComputedStyle: (element: unknown) => { backgroundColor: string };

const CHROMIUM = '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
const required = Boolean(process.env.CI);
if (!available)
  console.warn(
    `flakesHtml.test.ts: ${required ? 'FAILING' : 'skipping'} the browser test: ${CHROMIUM} is absent (apt-get install -y chromium; .ci/run does).`,
  );
const browserTest = available || required ? test : test.skip;

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

describe('the flake page (unflake flakes report --html)', () => {
  browserTest(
    'renders the daily chart against the budget and the tables in headless Chromium, fetching nothing',
    async () => {
      expect(existsSync(CHROMIUM)).toBe(true); // with CI set, a missing browser fails here instead of skipping
      const dir = mkdtempSync(join(tmpdir(), 'unflake-page-'));
      const { chromium } = await import('playwright-core');
      const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
      try {
        const history = join(dir, 'history');
        const now = Date.now();
        const xss = suite({
          'test/payments.test.ts > case 15': {
            name: '<script>document.title="pwned"</script>',
            status: 'flaky',
            failure: 'Error: <img src=x onerror=alert(1)>',
          },
        });
        // run11 a second after run10 (an hour ago): the same day, whatever the time of day.
        writeRuns(history, [...tenRuns(now), fixtureRun('run11', now - 3_600_000 + 1000, xss)]);
        const page = join(dir, 'flakes.html');
        let err = '';
        expect(
          await main(['flakes', 'report', '--history', history, '--budget', '1%', '--html', page], {
            out: () => {},
            err: (t) => void (err += t),
          }),
        ).toBe(1);
        expect(err).toMatch(/^unflake: page .*flakes\.html \(\d+ KB, 11 runs, built in \d+ ms\)\n/);

        const tab = await browser.newPage({ viewport: { width: 1100, height: 900 } });
        const requests: string[] = [];
        const problems: string[] = [];
        tab.on('request', (r) => requests.push(r.url()));
        tab.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
        tab.on('pageerror', (e) => problems.push(e.message));
        await tab.goto(pathToFileURL(page).href, { waitUntil: 'load' });

        const seen = await tab.evaluate(() => {
          const svg = document.querySelector('svg#daily-rate')!;
          const box = svg.getBoundingClientRect();
          const rows = [...document.querySelectorAll('#top-flaky tbody tr')].map((tr: any) => tr.innerText as string);
          const flakyCell = document.querySelector('#outcomes td.o.flaky');
          return {
            title: document.title,
            scripts: document.querySelectorAll('script, img').length,
            chart: {
              width: Math.round(box.width),
              height: Math.round(box.height),
              days: svg.querySelectorAll('rect.day').length,
              withRuns: svg.querySelectorAll('rect.day:not(.none)').length,
              over: svg.querySelectorAll('rect.day.over').length,
              budget: svg.querySelectorAll('line.budget').length,
            },
            rows,
            grid: [...document.querySelectorAll('#outcomes tbody tr')].map(
              (tr: any) => tr.querySelectorAll('td.o').length as number,
            ),
            flakyColour: flakyCell ? getComputedStyle(flakyCell).backgroundColor : '',
            rate: document.querySelector('#rate')?.textContent,
          };
        });
        expect(problems).toEqual([]);
        expect(requests).toEqual([pathToFileURL(page).href]);
        expect(seen.title).toMatch(/^Flaky tests \d{4}-\d\d-\d\d – \d{4}-\d\d-\d\d$/);
        expect(seen.scripts).toBe(0); // the test named <script> is text, not markup
        // 15 calendar days in a 14-day window, 10 of them with runs; 5 days over 1% (a flaky test in 20).
        expect(seen.chart).toEqual({ width: 760, height: 240, days: 15, withRuns: 10, over: 5, budget: 1 });
        // Highest rate first: the test renamed in run 11 (1 of 1), the discount test (3 of 11), case 3 (1 of 11).
        expect(seen.rows).toHaveLength(3);
        expect(seen.rows[0]).toMatch(
          /^1\ttest\/payments\.test\.ts > <script>document\.title="pwned"<\/script>\t100\.00%\t1 of 1\tunknown/,
        );
        expect(seen.rows[1]).toContain(DISCOUNT);
        expect(seen.rows[1]).toMatch(/27\.27%\s+3 of 11\s+timing/);
        expect(seen.rows[1]).toContain(`trace trace${'0'.repeat(26)}9`);
        expect(seen.rows[2]).toMatch(/case 3\s+9\.09%\s+1 of 11\s+infrastructure/);
        // Two flaky tests and the one that failed, each with a cell per run.
        expect(seen.grid).toEqual([11, 11, 11, 11]);
        expect(seen.flakyColour).toBe('rgb(240, 180, 41)');
        expect(seen.rate).toBe('2.27%');

        const shot = join(mkdtempSync(join(tmpdir(), 'unflake-page-shot-')), 'flakes.png');
        await tab.screenshot({ path: shot, fullPage: true });
        const png = readFileSync(shot);
        expect(png.subarray(1, 4).toString()).toBe('PNG');
        expect(png.length).toBeGreaterThan(20_000);
        console.log(`flake page screenshot: ${shot}`);
      } finally {
        await browser.close();
        rmSync(dir, { recursive: true, force: true });
      }
    },
    60_000,
  );
});
