/**
 * The patching half of `TestClock.install()`: which globals can be faked, and for each one how it is
 * pointed at a clock and put back. installGlobals.ts decides when (checks, the one active install).
 */
import type { Clock as FakeTimersClock } from '@sinonjs/fake-timers';
import type { Clock } from './Clock.ts';
import { nodeModule, timersPromises } from '../src/runtime/builtins.ts';
import { TIMER_METHODS } from './clockContract.ts';
import { virtualSignalDelay } from './testClockRules.ts';
import { fakeTimersPromises } from './fakeTimersPromises.ts';
import { timeoutSignalOn } from './sleepOn.ts';

/** `'timers/promises'` is `node:timers/promises`' setTimeout, setInterval and scheduler.wait, and its setImmediate when `'setImmediate'` is faked too. */
export type FakeableGlobal =
  | 'Date'
  // The timer methods spelled out (not `typeof TIMER_METHODS`) so the public type documents itself; DEFAULT_TO_FAKE
  // spreads TIMER_METHODS into a FakeableGlobal[], which fails to compile if the two part.
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
  ...TIMER_METHODS,
  'performance',
  'hrtime',
  'AbortSignal.timeout',
  'timers/promises',
];

/**
 * What `installGlobals` needs of a TestClock: its `Clock` methods and the fake-timers clock underneath.
 * Declared here, not imported from TestClock.ts, so the lower module does not depend on the higher one.
 */
export type InstallableClock = Clock & { readonly fake: FakeTimersClock };

type TimersPromisesModule = Record<string, unknown> & { scheduler: Record<string, unknown> };

/**
 * Named ESM imports of a builtin (`import { setTimeout } from 'node:timers/promises'`) are a copy of its
 * CJS exports: after patching (and after restoring) them, `syncBuiltinESMExports()` brings the copy along.
 */
function syncBuiltinESMExports(): void {
  nodeModule().syncBuiltinESMExports();
}

/** A property as it was before the install: restored by assigning `value`, or deleted if it was not own. */
interface Original {
  owner: Record<string, unknown>;
  key: string;
  value: unknown;
  own: boolean;
}

/** The properties one install replaced, and the way to replace one. */
export interface Patches {
  readonly originals: Map<string, Original>;
  /** Replaces `owner[key]` with `value`, remembering the original under `realName`. */
  patch(owner: Record<string, unknown>, key: string, value: unknown, realName: string): void;
}

export function startPatches(): Patches {
  const originals = new Map<string, Original>();
  // fake-timers' convention (`fake.clock._<name>` holds the original) lets real-time code, ours
  // included, reach the real functions while the install is active.
  const realFunctions: Record<string, unknown> = {};
  const patch = (owner: Record<string, unknown>, key: string, value: unknown, realName: string): void => {
    originals.set(`${realName}`, { owner, key, value: owner[key], own: Object.hasOwn(owner, key) });
    realFunctions[`_${realName}`] = owner[key];
    Object.defineProperty(value, 'clock', { value: realFunctions, configurable: true });
    owner[key] = value;
  };
  return { originals, patch };
}

/** Puts back every property `patches` replaced (`toFake` as given to `patchGlobals`). */
export function restorePatches(patches: Patches, toFake: readonly FakeableGlobal[]): void {
  for (const { owner, key, value, own } of patches.originals.values()) {
    if (own) owner[key] = value;
    else delete owner[key];
  }
  if (toFake.includes('timers/promises')) syncBuiltinESMExports();
}

type Callback = (...args: unknown[]) => void;
type Fake = (clock: InstallableClock, patches: Patches, toFake: readonly FakeableGlobal[]) => void;

const globals = (): Record<string, unknown> => globalThis as unknown as Record<string, unknown>;

/** How each global is pointed at the clock. */
const FAKES: Record<FakeableGlobal, Fake> = {
  Date: ({ fake }, { originals }) => {
    // The fake Date reads its time from its own `.clock` (fake-timers' clock): keep that, and put
    // the original where the same convention looks for it.
    const g = globals();
    const sinonClock = fake as unknown as Record<string, unknown>;
    originals.set('Date', { owner: g, key: 'Date', value: g.Date, own: true });
    originals.set('_Date', { owner: sinonClock, key: '_Date', value: sinonClock._Date, own: true });
    sinonClock._Date = g.Date;
    g.Date = fake.Date;
  },
  setTimeout: (clock, { patch }) =>
    patch(
      globals(),
      'setTimeout',
      (callback: Callback, ms?: number, ...args: unknown[]) => clock.setTimeout(callback, ms as number, ...args),
      'setTimeout',
    ),
  setInterval: (clock, { patch }) =>
    patch(
      globals(),
      'setInterval',
      (callback: Callback, ms?: number, ...args: unknown[]) => clock.setInterval(callback, ms as number, ...args),
      'setInterval',
    ),
  clearTimeout: (clock, { patch }) =>
    patch(globals(), 'clearTimeout', (id: unknown) => clock.clearTimeout(id), 'clearTimeout'),
  clearInterval: (clock, { patch }) =>
    patch(globals(), 'clearInterval', (id: unknown) => clock.clearInterval(id), 'clearInterval'),
  setImmediate: ({ fake }, { patch }) =>
    patch(
      globals(),
      'setImmediate',
      (callback: Callback, ...args: unknown[]) => fake.setImmediate(callback, ...args),
      'setImmediate',
    ),
  clearImmediate: ({ fake }, { patch }) =>
    patch(globals(), 'clearImmediate', (id: unknown) => fake.clearImmediate(id as never), 'clearImmediate'),
  performance: (clock, { patch }) => {
    const perf = globalThis.performance as unknown as Record<string, unknown>;
    patch(perf, 'now', () => clock.monotonic(), 'performanceNow');
  },
  hrtime: ({ fake }, { patch }) => {
    const hrtime = Object.assign((previous?: [number, number]) => fake.hrtime(previous), {
      bigint: () => (fake.hrtime as unknown as { bigint(): bigint }).bigint(),
    });
    patch(process as unknown as Record<string, unknown>, 'hrtime', hrtime, 'hrtime');
  },
  'AbortSignal.timeout': (clock, { patch }) =>
    patch(
      AbortSignal as unknown as Record<string, unknown>,
      'timeout',
      (ms: number) =>
        timeoutSignalOn(
          (callback, delay) => clock.setTimeout(callback, delay),
          virtualSignalDelay('AbortSignal.timeout()', ms),
        ),
      'AbortSignalTimeout',
    ),
  'timers/promises': (clock, { patch }, toFake) => {
    const { fake } = clock;
    const immediate = toFake.includes('setImmediate')
      ? (callback: () => void) => {
          const id = fake.setImmediate(callback);
          return { clear: () => fake.clearImmediate(id) };
        }
      : undefined;
    const fakes = fakeTimersPromises(clock, immediate);
    const module = timersPromises() as unknown as TimersPromisesModule;
    patch(module, 'setTimeout', fakes.setTimeout, 'timersPromisesSetTimeout');
    patch(module, 'setInterval', fakes.setInterval, 'timersPromisesSetInterval');
    if (fakes.setImmediate) patch(module, 'setImmediate', fakes.setImmediate, 'timersPromisesSetImmediate');
    // scheduler.wait is a prototype method that calls Node's internal setTimeout: shadowed on the instance.
    patch(module.scheduler, 'wait', fakes.wait, 'schedulerWait');
  },
};

/** Points each global in `toFake` (already checked) at `clock`, through `patches`. */
export function patchGlobals(clock: InstallableClock, toFake: readonly FakeableGlobal[], patches: Patches): void {
  for (const name of toFake) FAKES[name](clock, patches, toFake);
  if (toFake.includes('timers/promises')) syncBuiltinESMExports();
}
