/**
 * unflake/mocha (matchers/mocha.ts), proven by inner runs: mocha on the fixtures in test/mocha/fixtures,
 * from the sources (Node 24 strips the types), with its JSON reporter. The same fixture without the
 * plugin is the mutation that must flip the verdicts.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runNode } from '../helpers/childProcess.ts';

interface MochaTest {
  title: string;
  duration?: number;
  err: { message?: string };
}
interface MochaReport {
  stats: { passes: number; failures: number };
  passes: MochaTest[];
  failures: MochaTest[];
}

async function runMocha(
  fixture: string,
  plugin = true,
): Promise<{ report: MochaReport; byTitle: (title: string) => { passed: boolean; test: MochaTest } }> {
  const out = mkdtempSync(join(tmpdir(), 'unflake-mocha-'));
  try {
    const file = join(out, 'report.json');
    const args = [
      'node_modules/mocha/bin/mocha.js',
      ...(plugin ? ['--require', './matchers/mocha.ts'] : []),
      '--reporter',
      'json',
      '--reporter-option',
      `output=${file}`,
    ];
    const { code, stdout, stderr } = await runNode([...args, `test/mocha/fixtures/${fixture}`]);
    let report: MochaReport;
    try {
      report = JSON.parse(readFileSync(file, 'utf8')) as MochaReport;
    } catch {
      throw new Error(`mocha wrote no report (exit ${code}):\n${(stdout + stderr).slice(-3000)}`);
    }
    const byTitle = (title: string): { passed: boolean; test: MochaTest } => {
      const passed = report.passes.find((t) => t.title === title);
      const failed = report.failures.find((t) => t.title === title);
      if (!passed && !failed) throw new Error(`no test titled ${JSON.stringify(title)} in the report`);
      return { passed: passed !== undefined, test: (passed ?? failed)! };
    };
    return { report, byTitle };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

describe('unflake/mocha', () => {
  test('must-fail: a forgotten await, a poll past the test timeout, a failed cleanup each fail their own test with unflake’s message', async () => {
    const { report, byTitle } = await runMocha('fail.spec.mjs');
    const forgot = byTitle('forgets an await');
    expect(forgot.passed).toBe(false);
    expect(forgot.test.err.message).toMatch(
      /^unflake: an assertion was never awaited:\n {2}expect\(…\)\.toEventuallyBe\(…\) in test "test\/mocha\/fixtures\/fail\.spec\.mjs > unflake\/mocha must-fail > forgets an await": still running when the test ended/,
    );
    const slow = byTitle('a 3 s test with a default 4 s poll');
    expect(slow.passed).toBe(false);
    expect(slow.test.err.message).toMatch(
      /Stopped after 2\.\d+ s, 250 ms before the test's own 3000 ms timeout \(its `timeout` of 4000 ms would have run past it\)/,
    );
    expect(slow.test.err.message).not.toMatch(/Timeout of 3000ms exceeded/);
    expect(slow.test.duration).toBeLessThan(3000);
    // The probe of the test before is not called during this one (it watches the count for 300 ms).
    expect(byTitle('then the poll does not run into the next test').passed).toBe(true);
    const cleanup = byTitle('a cleanup that fails, fails its test');
    expect(cleanup.passed).toBe(false);
    expect(cleanup.test.err.message).toMatch(
      /unflake: a cleanup failed after the test .*\n {2}onCleanup #1 \(removeTenant\) registered at .*fail\.spec\.mjs:\d+:\d+: Error: HTTP 500 from the tenant API/,
    );
    expect(report.stats).toMatchObject({ passes: 1, failures: 3 });
  }, 60_000);

  test('the mutation: without the plugin, mocha’s own timeout ends the slow test and the forgotten await passes', async () => {
    const { byTitle } = await runMocha('fail.spec.mjs', false);
    expect(byTitle('forgets an await').passed).toBe(true);
    expect(byTitle('a 3 s test with a default 4 s poll').test.err.message).toMatch(/Timeout of 3000ms exceeded/);
  }, 60_000);

  test('must-pass control: awaited polls in time, chai and expect in checks, per-test values, cleanups, a done test, retries, a changed timeout', async () => {
    const { report } = await runMocha('pass.spec.mjs');
    expect({
      failures: report.failures.map((t) => `${t.title}: ${t.err.message}`),
      passes: report.stats.passes,
    }).toEqual({ failures: [], passes: 7 });
  }, 60_000);
});
