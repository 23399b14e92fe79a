import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { currentTestState, endTest } from '../../src/runner/testState.ts';
import { runner } from '../support/runner.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

function run(args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      args,
      { cwd: root, env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' }, timeout: 60_000 },
      (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, output: stdout + stderr });
      },
    );
  });
}

describe('a missing await', () => {
  test('is stopped and reported when the test ends (the afterEach bookkeeping)', async () => {
    let calls = 0;
    // Deliberately not awaited: this is the mistake under test.
    const forgotten = expect(() => (calls++, 'stale')).toEventuallyEqual('fresh', { timeout: 60_000, interval: 5 });
    const error = endTest(currentTestState()!);
    expect(error?.message).toMatch(
      /an assertion was never awaited:\n\s+expect\(…\)\.toEventuallyEqual\(…\) in test ".*is stopped and reported when the test ends.*": still running when the test ended/,
    );
    // It was stopped, and a stopped poll is never a pass: awaited late, it rejects.
    await expect(forgotten).rejects.toThrow(
      /The test ended while it was still running .*a stopped poll is never a pass/,
    );
    const callsAtStop = calls;
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(calls).toBe(callsAtStop);
  });

  test(`fails the test in a real ${runner.name} run`, async () => {
    const fixture = 'test/fixtures/notAwaited.fixture.ts';
    const { code, output } =
      runner.name === 'vitest'
        ? await run(['node_modules/vitest/vitest.mjs', 'run', '--config', 'test/fixtures/vitest.fixture.config.ts'])
        : await run([
            '--experimental-vm-modules',
            '--no-warnings',
            'node_modules/jest/bin/jest.js',
            '--config',
            'test/fixtures/jest.fixture.config.json',
            fixture,
          ]);
    expect(code).not.toBe(0);
    expect(output).toMatch(/never awaited/);
    expect(output).toMatch(/toEventuallyEqual/);
    expect(output).toMatch(/1 failed|Tests:\s+1 failed/);
  }, 60_000);
});
