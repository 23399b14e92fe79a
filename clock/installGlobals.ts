/**
 * `TestClock.install()`: points the globals at a TestClock for code that does not take a `Clock`,
 * and guarantees a forgotten install cannot leak into the next test.
 */
import { installedFakeTimers } from '../src/adapters/fakeTimers.ts';
import { currentTestState } from '../src/runner/testState.ts';
import {
  DEFAULT_TO_FAKE,
  patchGlobals,
  restorePatches,
  startPatches,
  type FakeableGlobal,
  type InstallableClock,
} from './patchGlobals.ts';

export { DEFAULT_TO_FAKE, type FakeableGlobal, type InstallableClock } from './patchGlobals.ts';

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

  const patches = startPatches();
  patchGlobals(clock, toFake, patches);

  let active = true;
  const restore = (): void => {
    if (!active) return;
    active = false;
    restorePatches(patches, toFake);
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
