/**
 * `unflake flakes quarantine` lists the entries and flags each active one that matches no test of the
 * history's window (a typo, a test renamed, moved or deleted): stable tests count as matches (the window
 * lists only flaky and failed ones), and without a history nothing is flagged.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DISCOUNT, tenRuns, writeRuns } from './fixtures/history.ts';
import { runCli, type CliResult } from '../support/runCli.ts';

let dir = '';
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'unflake-quarantine-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const cli = (...args: string[]): Promise<CliResult> => runCli(args);

test('an active entry matching no test of the window is flagged; stable, flaky, name-only and expired entries are not', async () => {
  const history = join(dir, 'history');
  writeRuns(history, tenRuns(Date.now()));
  const file = join(dir, 'quarantine.json');
  const entry = (test: string, until = '2999-01-01') => ({ test, reason: 'r', owner: 'o', until });
  writeFileSync(
    file,
    JSON.stringify([
      entry(DISCOUNT), // flaky in the window
      entry('test/orders.test.ts > case 5'), // always passed: not listed in the window, still a test
      entry('case 12'), // the name part alone
      entry('test/orders.test.ts > case 55'), // a typo
      entry('test/gone.test.ts > old', '2020-01-01'), // expired: reported as expired, not flagged
    ]),
  );
  const r = await cli('flakes', 'quarantine', '--quarantine', file, '--history', history);
  expect(r.code).toBe(0);
  const flagged = r.out.split('\n').filter((l) => l.includes('MATCHES NO TEST'));
  expect(flagged).toEqual([
    expect.stringMatching(
      /^ {2}active {2}until 2999-01-01 {2}test\/orders\.test\.ts > case 55 {2}\(o: r\) {2}MATCHES NO TEST of the last 14 days of .*history \(10 runs\)$/,
    ),
  ]);
  expect(r.err).toMatch(/^unflake: 1 quarantine entry matches no test of the last 14 days/);
  // A window with no run cannot tell: nothing is flagged.
  const empty = await cli('flakes', 'quarantine', '--quarantine', file, '--history', join(dir, 'none'));
  expect(empty.out).not.toContain('MATCHES NO TEST');
  expect(empty.err).toBe('');
});
