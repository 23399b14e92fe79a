/**
 * One way to do each thing (issue 24): one duration grammar for every option and flag, one list of CI
 * variables, one flag parser with --help and --version on every command, old names still read with a
 * deprecation note, and `--branch` on the window.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { parseTime } from '../../src/cli/cli.ts';
import { parseWaitReady } from '../../src/cli/waitReady.ts';
import { BRANCH_VARIABLES, deprecatedVariables, runInfo, SHA_VARIABLES } from '../../src/flakes/runInfo.ts';
import { parseDuration } from '../../src/flakes/units.ts';
import type { FlakeWindow } from '../../src/flakes/window.ts';
import { gitSha } from '../../src/helpers/fingerprint.ts';
import { validateOptions } from '../../reporter/options.ts';
import { DAY, fixtureRun, suite, writeRuns } from '../reporter/fixtures/history.ts';
import { runCli, type CliResult } from '../support/runCli.ts';

const cli = (...args: string[]): Promise<CliResult> => runCli(args);

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  min: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

describe('one duration grammar', () => {
  test('every unit, in the reporter, in flakes and in wait-ready, gives the same milliseconds', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 500 }), fc.constantFrom(...Object.keys(UNIT_MS)), (n, unit) => {
        const text = `${n}${unit}`;
        const ms = n * UNIT_MS[unit]!;
        expect(parseDuration(text)).toBe(ms);
        expect(parseTime(text, '--timeout')).toBe(ms);
        expect(validateOptions('r', { window: text }).window).toBe(ms);
        const parsed = parseWaitReady(['http://x', '--timeout', text]);
        expect(parsed !== 'help' && parsed !== 'version' && parsed.options.timeout).toBe(ms);
      }),
      { numRuns: 200 },
    );
  });

  test('what used to fail: wait-ready --timeout 1d and flakes report --window 90s', async () => {
    expect(parseWaitReady(['http://x', '--timeout', '1d'])).toMatchObject({ options: { timeout: 86_400_000 } });
    const dir = mkdtempSync(join(tmpdir(), 'unflake-oneway-'));
    try {
      writeRuns(dir, [fixtureRun('now', Date.now() - 30_000, suite())]);
      expect(await cli('flakes', 'report', '--history', dir, '--window', '90s', '--json')).toMatchObject({ code: 0 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('not a duration: the same message everywhere, naming the flag or option', () => {
    for (const bad of ['fortnight', '0s', '-1h', '2 weeks', '']) expect(parseDuration(bad)).toBeUndefined();
    expect(() => parseTime('1y', '--timeout')).toThrow(
      '--timeout must be a duration such as 1500ms, 90s, 2m, 36h, 14d or 2w (a bare number is milliseconds), more than 0, got "1y"',
    );
  });
});

describe('one parser, --help and --version on every command', () => {
  test.each([
    ['--version'],
    ['wait-ready', '--version'],
    ['flakes', '--version'],
    ['flakes', 'report', '--version'],
    ['flakes', 'merge', '--version'],
    ['flakes', 'quarantine', '--version'],
  ])('%s … prints the version', async (...args) => {
    expect(await cli(...args)).toEqual({ code: 0, out: expect.stringMatching(/^\d+\.\d+\.\d+\S*\n$/), err: '' });
  });

  test('wait-ready: unknown flags get the closest known one; --check and --header repeat', async () => {
    const r = await cli('wait-ready', 'http://x', '--timout', '1s');
    expect(r.code).toBe(2);
    expect(r.err).toContain("Unknown option '--timout'. Did you mean --timeout?");
    expect(r.err).toContain('Usage: unflake wait-ready');
    expect(
      parseWaitReady(['http://x', '--check', 'db', '--check=cache', '--header', 'a: 1', '--header', 'B:2']),
    ).toMatchObject({
      options: { checks: ['db', 'cache'], headers: { a: '1', b: '2' } },
    });
  });
});

describe('old names still work, with a note', () => {
  test('--since and --test-budget are read as --window and --per-test-budget; both names at once is a usage error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'unflake-oneway-'));
    try {
      writeRuns(dir, [fixtureRun('now', Date.now() - 30_000, suite())]);
      const old = await cli('flakes', 'report', '--history', dir, '--since', '3d', '--test-budget', '50%', '--json');
      expect(old.code).toBe(0);
      expect(old.err).toContain('--since is deprecated: use --window');
      expect(old.err).toContain('--test-budget is deprecated: use --per-test-budget');
      expect(JSON.parse(old.out)).toMatchObject({ testBudget: 0.5 });
      const both = await cli('flakes', 'report', '--history', dir, '--since', '3d', '--window', '3d');
      expect(both.code).toBe(2);
      expect(both.err).toContain('--since is the old name of --window: give one of them');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('UNFLAKE_SHA is read as UNFLAKE_GIT_SHA, and said to be deprecated', () => {
    expect(runInfo('x', new Date(), new Date(), undefined, { UNFLAKE_SHA: 'abc' }).sha).toBe('abc');
    expect(deprecatedVariables({ UNFLAKE_SHA: 'abc' })).toEqual([
      'UNFLAKE_SHA is deprecated: set UNFLAKE_GIT_SHA instead (it is read the same way).',
    ]);
    expect(deprecatedVariables({ UNFLAKE_GIT_SHA: 'abc' })).toEqual([]);
  });
});

describe('one list of CI variables', () => {
  test("the run report's sha and the Run: line's sha come from the same variable, whichever are set", () => {
    fc.assert(
      fc.property(fc.subarray([...SHA_VARIABLES]), fc.subarray([...BRANCH_VARIABLES]), (shaNames, branchNames) => {
        const env: Record<string, string> = {};
        shaNames.forEach((name, i) => (env[name] = `${(i + 10).toString(16).repeat(20)}`.slice(0, 40)));
        branchNames.forEach((name) => (env[name] = `b-${name}`));
        const info = runInfo('x', new Date(), new Date(), undefined, env);
        const first = SHA_VARIABLES.find((n) => env[n]);
        expect(info.sha).toBe(first && env[first]);
        expect(gitSha(env)).toBe(first && env[first]!.slice(0, 12));
        const branch = BRANCH_VARIABLES.find((n) => env[n]);
        expect(info.branch).toBe(branch && env[branch]);
      }),
      { numRuns: 100 },
    );
  });
});

describe('--branch', () => {
  test('restricts the window to the runs of one branch (CLI and reporter option)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'unflake-oneway-'));
    const now = Date.now();
    try {
      const flaky = { 'test/checkout.test.ts > checkout > applies the discount': { status: 'flaky' as const } };
      writeRuns(dir, [
        fixtureRun('m1', now - DAY, suite(), { branch: 'main' }),
        fixtureRun('f1', now - DAY / 2, suite(flaky), { branch: 'feature' }),
      ]);
      const all = JSON.parse((await cli('flakes', 'report', '--history', dir, '--json')).out) as FlakeWindow;
      const main = JSON.parse(
        (await cli('flakes', 'report', '--history', dir, '--branch', 'main', '--json')).out,
      ) as FlakeWindow;
      expect(all.totals).toMatchObject({ runs: 2, flaky: 1 });
      expect(main).toMatchObject({ branch: 'main', totals: { runs: 1, flaky: 0 } });
      expect(validateOptions('r', { branch: 'main', history: true }).branch).toBe('main');
      expect(() => validateOptions('r', { branch: 3 })).toThrow('r: `branch` must be a branch name, got 3.');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
