/**
 * Issue 20: importing unflake is light. A fresh process imports the main entry (and, separately, the
 * matchers) and records every module its code asks for (module.registerHooks sees `import` and `require`
 * alike): none of the modules that load only on first use may be among them.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Loaded only on first use: node:http(s) by waitForReady's GET, pure-rand by seededRandom(), fast-check by the delivery matchers, fake-timers by a TestClock. */
const LAZY = [
  'node:crypto',
  'crypto',
  'node:http',
  'node:https',
  'http',
  'https',
  'pure-rand',
  'fast-check',
  '@sinonjs/fake-timers',
];

function requestedBy(entry: string, then = ''): Promise<string[]> {
  const url = new URL(entry, import.meta.url).href;
  const probe = `
    const seen = new Set();
    process.getBuiltinModule('node:module').registerHooks({ resolve(specifier, context, next) { seen.add(specifier); return next(specifier, context); } });
    const mod = await import(${JSON.stringify(url)});
    ${then}
    console.log(JSON.stringify([...seen].filter((s) => !s.startsWith('.') && !s.startsWith('file:') && !s.startsWith('/'))));`;
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--input-type=module', '-e', probe],
      { timeout: 60_000, cwd: fileURLToPath(new URL('../..', import.meta.url)) },
      (error, stdout) => (error ? reject(error) : resolve(JSON.parse(stdout.trim().split('\n').pop()!) as string[])),
    );
  });
}

const lazyAmong = (specifiers: string[]): string[] =>
  specifiers.filter((s) => LAZY.some((lazy) => s === lazy || s.startsWith(`${lazy}/`)));

describe('importing unflake loads nothing it does not need yet', () => {
  test('the main entry: no node:http(s), pure-rand, fast-check or fake-timers until used', async () => {
    expect(lazyAmong(await requestedBy('../../src/index.ts'))).toEqual([]);
    // Positive control: the hook does see them once used.
    expect(lazyAmong(await requestedBy('../../src/index.ts', 'mod.seededRandom(1).next();'))).toEqual([
      'pure-rand/generator/xoroshiro128plus',
      'pure-rand/distribution/uniformInt',
      'pure-rand/distribution/uniformFloat64',
    ]);
  }, 60_000);

  test('the matchers: no fast-check or fake-timers until a delivery matcher or a TestClock runs', async () => {
    expect(lazyAmong(await requestedBy('../../matchers/index.ts'))).toEqual([]);
  }, 60_000);
});
