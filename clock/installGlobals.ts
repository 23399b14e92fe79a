/**
 * `TestClock.install()`: points the globals at a TestClock for code that does not take a `Clock`,
 * and guarantees a forgotten install cannot leak into the next test.
 */
import type { Clock as FakeTimersClock } from '@sinonjs/fake-timers';
import type { Clock } from './Clock.ts';
import { installedFakeTimers } from '../src/adapters/fakeTimers.ts';
import { currentTestState } from '../src/runner/testState.ts';
import { virtualSignalDelay } from './testClockRules.ts';
import { fakeTimersPromises } from './fakeTimersPromises.ts';
import { timeoutSignalOn } from './sleepOn.ts';

/** `'timers/promises'` is `node:timers/promises`' setTimeout, setInterval and scheduler.wait, and its setImmediate when `'setImmediate'` is faked too. */
export type FakeableGlobal =
  | 'Date'
  | 'setTimeout'
  | 'clearTimeout'
  | 'setInterval'
  | 'clearInterval'
  | 'setImmediate'
  | 'clearImmediate'
  | 'performance'
  | 'hrtime'
  | 'AbortSignal.timeout'
  | 'timers/promises';

export const DEFAULT_TO_FAKE: readonly FakeableGlobal[] = [
  'Date',
  'setTimeout',
  'clearTimeout',
  'setInterval',
  'clearInterval',
  'setImmediate',
  'clearImmediate',
  'performance',
  'hrtime',
  'AbortSignal.timeout',
  'timers/promises',
];

type TimersPromisesModule = Record<string, unknown> & { scheduler: Record<string, unknown> };

/**
 * Named ESM imports of a builtin (`import { setTimeout } from 'node:timers/promises'`) are a copy of its
 * CJS exports: after patching (and after restoring) them, `syncBuiltinESMExports()` brings the copy along.
 */
function syncBuiltinESMExports(): void {
  (process.getBuiltinModule('node:module') as { syncBuiltinESMExports(): void }).syncBuiltinESMExports();
}

/** Restores the globals; also `using handle = clock.install()`. */
export interface InstallHandle {
  /** Whether the globals still point at the clock. */
  readonly active: boolean;
  /** Restores the real globals. Idempotent. */
  uninstall(): void;
  /** `uninstall()`, for `using installed = clock.install()`. */
  [Symbol.dispose](): void;
}

const ACTIVE = Symbol.for('unflake.activeClockInstall');

interface ActiveInstall {
  handle: InstallHandle;
  restore: () => void;
  /** The test that installed it (its end restores it), or undefined for a file-wide install (beforeAll). */
  owner: object | undefined;
}

function activeInstall(): ActiveInstall | undefined {
  return (globalThis as Record<symbol, ActiveInstall | undefined>)[ACTIVE];
}

function setActiveInstall(install: ActiveInstall | undefined): void {
  (globalThis as Record<symbol, ActiveInstall | undefined>)[ACTIVE] = install;
}

/**
 * Ends an install that a test left behind and returns an error saying so, or undefined. The setup
 * entries call it after every test; `install()` calls it too, so a leftover never stacks.
 */
export function restoreLeftoverInstall(test?: object): Error | undefined {
  const leftover = activeInstall();
  if (!leftover) return undefined;
  // An install made in beforeAll belongs to the file: a test's end leaves it (the file's end restores it).
  if (test !== undefined && leftover.owner !== test) return undefined;
  leftover.restore();
  return new Error(
    'unflake: a TestClock.install() was still active when the test ended; the real Date, timers and performance.now have been restored. Dispose it in the test: `using installed = clock.install()`, or call `installed.uninstall()` in afterEach.',
  );
}

/** The test file ends: any install still active (a file-wide one from beforeAll) is restored. */
export function restoreFileInstall(): void {
  activeInstall()?.restore();
}

/**
 * A test file starts: an install still active was made by an earlier file after its end was handled
 * (an afterAll that ran after unflake's, as with `sequence.hooks: 'list'`) and never undone. Under Vitest
 * `isolate: false` it would leave this file's Date and timers fake: it is restored, with a warning.
 */
export function restoreEarlierFileInstall(): void {
  const leftover = activeInstall();
  if (!leftover) return;
  leftover.restore();
  process.emitWarning(
    'unflake: a TestClock.install() made by an earlier test file after its last test (in an afterAll) was still active when this file started; the real Date, timers and performance.now have been restored. Undo it where it was made (`installed.uninstall()`).',
    { code: 'UNFLAKE_LEFTOVER_INSTALL' },
  );
}

/**
 * What `installGlobals` needs of a TestClock: its `Clock` methods and the fake-timers clock underneath.
 * Declared here, not imported from TestClock.ts, so the lower module does not depend on the higher one.
 */
export type InstallableClock = Clock & { readonly fake: FakeTimersClock };

/** Points the globals named in `toFake` at `clock` until the returned handle is disposed (see `TestClock.install`). */
export function installGlobals(
  clock: InstallableClock,
  toFake: readonly FakeableGlobal[] = DEFAULT_TO_FAKE,
): InstallHandle {
  if (!Array.isArray(toFake))
    throw new TypeError(`TestClock.install(): \`toFake\` must be an array of global names, got ${String(toFake)}.`);
  for (const name of toFake) {
    if (!DEFAULT_TO_FAKE.includes(name))
      throw new TypeError(
        `TestClock.install(): cannot fake \`${String(name)}\`; \`toFake\` takes ${DEFAULT_TO_FAKE.map((n) => `'${n}'`).join(', ')}.`,
      );
  }
  const leftover = restoreLeftoverInstall();
  if (leftover) process.emitWarning(leftover.message, { code: 'UNFLAKE_LEFTOVER_INSTALL' });
  const foreign = installedFakeTimers();
  if (foreign) {
    throw new Error(
      `TestClock.install(): ${foreign} are already installed. Two fake clocks on the same globals would fight over them, so unflake does not replace or reset them. Either call vi.useRealTimers() / jest.useRealTimers() first, or pass the TestClock to the code under test instead of installing it.`,
    );
  }

  const g = globalThis as unknown as Record<string, unknown>;
  const originals = new Map<string, { owner: Record<string, unknown>; key: string; value: unknown; own: boolean }>();
  // fake-timers' convention (`fake.clock._<name>` holds the original) lets real-time code, ours
  // included, reach the real functions while the install is active.
  const realFunctions: Record<string, unknown> = {};
  const patch = (owner: Record<string, unknown>, key: string, value: unknown, realName: string): void => {
    originals.set(`${realName}`, { owner, key, value: owner[key], own: Object.hasOwn(owner, key) });
    realFunctions[`_${realName}`] = owner[key];
    Object.defineProperty(value, 'clock', { value: realFunctions, configurable: true });
    owner[key] = value;
  };
  const fake = clock.fake;
  for (const name of toFake) {
    switch (name) {
      case 'Date': {
        // The fake Date reads its time from its own `.clock` (fake-timers' clock): keep that, and put
        // the original where the same convention looks for it.
        const sinonClock = fake as unknown as Record<string, unknown>;
        originals.set('Date', { owner: g, key: 'Date', value: g.Date, own: true });
        originals.set('_Date', { owner: sinonClock, key: '_Date', value: sinonClock._Date, own: true });
        sinonClock._Date = g.Date;
        g.Date = fake.Date;
        break;
      }
      case 'setTimeout':
        patch(
          g,
          name,
          (callback: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) =>
            clock.setTimeout(callback, ms as number, ...args),
          name,
        );
        break;
      case 'setInterval':
        patch(
          g,
          name,
          (callback: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) =>
            clock.setInterval(callback, ms as number, ...args),
          name,
        );
        break;
      case 'clearTimeout':
      case 'clearInterval':
        patch(
          g,
          name,
          name === 'clearTimeout' ? (id: unknown) => clock.clearTimeout(id) : (id: unknown) => clock.clearInterval(id),
          name,
        );
        break;
      case 'setImmediate':
        patch(
          g,
          name,
          (callback: (...args: unknown[]) => void, ...args: unknown[]) => fake.setImmediate(callback, ...args),
          name,
        );
        break;
      case 'clearImmediate':
        patch(g, name, (id: unknown) => fake.clearImmediate(id as never), name);
        break;
      case 'performance': {
        const perf = globalThis.performance as unknown as Record<string, unknown>;
        patch(perf, 'now', () => clock.monotonic(), 'performanceNow');
        break;
      }
      case 'hrtime': {
        const hrtime = Object.assign((previous?: [number, number]) => fake.hrtime(previous), {
          bigint: () => (fake.hrtime as unknown as { bigint(): bigint }).bigint(),
        });
        patch(process as unknown as Record<string, unknown>, 'hrtime', hrtime, 'hrtime');
        break;
      }
      case 'AbortSignal.timeout':
        patch(
          AbortSignal as unknown as Record<string, unknown>,
          'timeout',
          (ms: number) =>
            timeoutSignalOn(
              (callback, delay) => clock.setTimeout(callback, delay),
              virtualSignalDelay('AbortSignal.timeout()', ms),
            ),
          'AbortSignalTimeout',
        );
        break;
      case 'timers/promises': {
        const immediate = toFake.includes('setImmediate')
          ? (callback: () => void) => {
              const id = fake.setImmediate(callback);
              return { clear: () => fake.clearImmediate(id) };
            }
          : undefined;
        const fakes = fakeTimersPromises(clock, immediate);
        const module = process.getBuiltinModule('node:timers/promises') as unknown as TimersPromisesModule;
        patch(module, 'setTimeout', fakes.setTimeout, 'timersPromisesSetTimeout');
        patch(module, 'setInterval', fakes.setInterval, 'timersPromisesSetInterval');
        if (fakes.setImmediate) patch(module, 'setImmediate', fakes.setImmediate, 'timersPromisesSetImmediate');
        // scheduler.wait is a prototype method that calls Node's internal setTimeout: shadowed on the instance.
        patch(module.scheduler, 'wait', fakes.wait, 'schedulerWait');
        break;
      }
    }
  }
  if (toFake.includes('timers/promises')) syncBuiltinESMExports();

  let active = true;
  const restore = (): void => {
    if (!active) return;
    active = false;
    for (const { owner, key, value, own } of originals.values()) {
      if (own) owner[key] = value;
      else delete owner[key];
    }
    if (toFake.includes('timers/promises')) syncBuiltinESMExports();
    if (activeInstall()?.handle === handle) setActiveInstall(undefined);
  };
  const handle: InstallHandle = {
    get active() {
      return active;
    },
    uninstall: restore,
    [Symbol.dispose]: restore,
  };
  setActiveInstall({ handle, restore, owner: currentTestState() });
  return handle;
}
