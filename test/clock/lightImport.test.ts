import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const clockEntry = fileURLToPath(new URL('../../clock/index.ts', import.meta.url));

/** Which of the heavy modules a fresh process has loaded after running `script`. */
function loadedAfter(script: string): Promise<{ fakeTimers: boolean; testFramework: boolean }> {
  const probe = `
    import { createRequire } from 'node:module';
    const clock = await import(${JSON.stringify(clockEntry)});
    ${script}
    const loaded = Object.keys(createRequire(import.meta.url).cache);
    console.log(JSON.stringify({ fakeTimers: loaded.some((p) => p.includes('fake-timers')), testFramework: loaded.some((p) => /[\\/\\\\](vitest|jest|expect|@jest)[\\/\\\\]/.test(p)) }));`;
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--input-type=module', '-e', probe], { timeout: 30_000 }, (error, stdout) =>
      error ? reject(error) : resolve(JSON.parse(stdout.trim())),
    );
  });
}

describe('importing unflake/clock', () => {
  test('loads no fake-timer or test-framework code until a TestClock is created', async () => {
    expect(await loadedAfter('clock.systemClock.now();')).toEqual({ fakeTimers: false, testFramework: false });
    expect(await loadedAfter('new clock.TestClock();')).toEqual({ fakeTimers: true, testFramework: false });
  }, 30_000);
});
