/**
 * Issue 20: importing unflake is light. A fresh process imports the main entry (and, separately, the
 * matchers and unflake/faults) and records every module its code asks for (module.registerHooks sees
 * `import` and `require` alike) and every builtin Node loaded meanwhile (process.moduleLoadList, which also
 * sees `process.getBuiltinModule`): none of the modules that load only on first use may be among them.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * Asked for only on first use: node:http(s) by waitForReady's GET, pure-rand by seededRandom(), fast-check by the
 * delivery matchers, fake-timers by a TestClock. node:util never: `import`ing it builds its ESM namespace (about
 * 3 ms on Node 24); unflake reads it through process.getBuiltinModule (src/runtime/builtins.ts).
 */
const LAZY = [
  'node:util',
  'util',
  'node:worker_threads',
  'worker_threads',
  'node:net',
  'net',
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

/** Builtins that cost milliseconds to load (node:util is loaded by Node's bootstrap, so not here): loaded on first use. */
const LAZY_LOADED = ['worker_threads', 'net', 'crypto', 'http', 'https'];

/** The bare specifiers asked for, and the LAZY_LOADED builtins Node loaded, by importing `entry` then running `then`. */
function requestedBy(entry: string, then = ''): Promise<string[]> {
  const url = new URL(entry, import.meta.url).href;
  const probe = `
    const seen = new Set();
    const before = new Set(process.moduleLoadList);
    process.getBuiltinModule('node:module').registerHooks({ resolve(specifier, context, next) { seen.add(specifier); return next(specifier, context); } });
    const mod = await import(${JSON.stringify(url)});
    ${then}
    const loaded = process.moduleLoadList.filter((m) => !before.has(m)).map((m) => m.replace(/^NativeModule /, 'loaded '));
    console.log(JSON.stringify([...[...seen].filter((s) => !s.startsWith('.') && !s.startsWith('file:') && !s.startsWith('/')), ...loaded]));`;
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
  specifiers.filter(
    (s) =>
      LAZY.some((lazy) => s === lazy || s.startsWith(`${lazy}/`)) ||
      LAZY_LOADED.some((builtin) => s === `loaded ${builtin}`),
  );

describe('importing unflake loads nothing it does not need yet', () => {
  test('the main entry: no node:util, worker_threads, net, crypto, http(s), pure-rand, fast-check or fake-timers until used', async () => {
    expect(lazyAmong(await requestedBy('../../src/index.ts'))).toEqual([]);
    // Positive controls: the hook and the load list do see them once used.
    expect(lazyAmong(await requestedBy('../../src/index.ts', 'mod.seededRandom(1).next();'))).toEqual([
      'pure-rand/generator/xoroshiro128plus',
      'pure-rand/distribution/uniformInt',
      'pure-rand/distribution/uniformFloat64',
    ]);
    expect(lazyAmong(await requestedBy('../../src/index.ts', 'mod.testSeed();'))).toContain('loaded worker_threads');
  }, 60_000);

  test('the matchers: no fast-check, fake-timers, node:util or worker_threads until a delivery matcher or a TestClock runs', async () => {
    expect(lazyAmong(await requestedBy('../../matchers/index.ts'))).toEqual([]);
  }, 60_000);

  test('unflake/faults: node:net loads when the first proxy starts, not on import', async () => {
    expect(lazyAmong(await requestedBy('../../src/faults/index.ts'))).toEqual([]);
    const startProxy = "await (await mod.faultProxy({ target: 'localhost:1', port: 0 })).close();";
    expect(lazyAmong(await requestedBy('../../src/faults/index.ts', startProxy))).toContain('loaded net');
  }, 60_000);
});
