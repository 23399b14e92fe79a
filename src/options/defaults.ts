/**
 * Defaults: the built-in ones and those set with configure(). Its own module so that configure.ts and
 * normalizeOptions.ts both import it and not each other.
 *
 * Each configure() call is a layer: the defaults are the layers merged in the order they were made, and
 * a restore removes its own layer wherever it sits, so two restores in any order leave nothing behind.
 * A configure() inside a test adds a layer to that test only (its per-test state): a concurrent sibling
 * never sees it, and it ends with the test. Outside a test, a layer belongs to the file (or process).
 */
import type { ConfigurableOptions } from './types.ts';
import { currentTestState, type TestState } from '../runner/testState.ts';
import { globalSlot } from '../runtime/globalSlot.ts';

/** Built-in defaults. The interval backoff is tuned by `bench/` (see docs/performance.md). */
export const builtInDefaults = Object.freeze({
  timeout: 4_000,
  for: 500,
  interval: Object.freeze({ initial: 2, factor: 2, max: 200, jitter: 0.1 }),
  testTimeoutMargin: 250,
});

/** The key of a test's own layers in its per-test values. */
const TEST_LAYERS = 'options/configure';

type Layer = { readonly defaults: ConfigurableOptions };

interface Store {
  /** The file's (or process's) layers, oldest first. */
  layers: Layer[];
  /** What the running test file started with: configure() calls in a file end with it. */
  atFileStart: Layer[];
  /** `layers` merged, kept so a poll outside a configuring test reads it without merging. */
  merged: ConfigurableOptions;
  /** Bumped whenever `layers` change: a test's merged defaults made before are stale. */
  generation: number;
}

/** A test's own layers, and their merge over the file's defaults of one generation (made on first read). */
interface TestLayers {
  readonly layers: readonly Layer[];
  merged?: ConfigurableOptions;
  generation?: number;
}

// On globalThis (runtime/globalSlot.ts) so the ESM and CJS builds, and every entry point, share one set of defaults.
let cached: Store | undefined;
const store = (): Store =>
  (cached ??= globalSlot('configuredDefaults.v2', (): Store => ({
    layers: [],
    atFileStart: [],
    merged: {},
    generation: 0,
  })));

function merge(base: ConfigurableOptions, layers: readonly Layer[]): ConfigurableOptions {
  return layers.reduce<ConfigurableOptions>((merged, layer) => ({ ...merged, ...layer.defaults }), base);
}

function setFileLayers(s: Store, layers: Layer[]): void {
  s.layers = layers;
  s.merged = merge({}, layers);
  // A store made by an older copy of this module has no generation yet.
  s.generation = (s.generation ?? 0) + 1;
}

function testLayers(test: TestState | undefined): TestLayers | undefined {
  return test?.values.get(TEST_LAYERS) as TestLayers | undefined;
}

/** Adds a layer of defaults (to the running test, or to the file outside one); returns its removal. */
export function addDefaults(defaults: ConfigurableOptions): () => void {
  const layer: Layer = { defaults: { ...defaults } };
  const test = currentTestState();
  if (test) {
    const layers = testLayers(test)?.layers ?? [];
    test.values.set(TEST_LAYERS, { layers: [...layers, layer] } satisfies TestLayers);
    return () => {
      const now = testLayers(test);
      if (now) test.values.set(TEST_LAYERS, { layers: now.layers.filter((l) => l !== layer) } satisfies TestLayers);
    };
  }
  const s = store();
  setFileLayers(s, [...s.layers, layer]);
  return () =>
    setFileLayers(
      s,
      s.layers.filter((l) => l !== layer),
    );
}

/** A test file starts (the setup entries call this when they load for it). */
export function markFileStart(): void {
  const s = store();
  s.atFileStart = s.layers;
}

/** A test file ends: its configure() defaults end with it, also under Vitest `isolate: false`. */
export function restoreFileDefaults(): void {
  const s = store();
  setFileLayers(s, s.atFileStart);
}

/**
 * The defaults a poll starting now runs with: the file's, with the running test's own layers over them.
 * Read on every assertion, so the merge is kept until either side changes (a test's layers are replaced,
 * never mutated; the file's bump the generation). Callers read the result, never change it.
 */
export function configuredDefaults(): ConfigurableOptions {
  const s = store();
  const own = testLayers(currentTestState());
  if (!own || own.layers.length === 0) return s.merged;
  if (own.merged === undefined || own.generation !== s.generation) {
    own.merged = merge(s.merged, own.layers);
    own.generation = s.generation;
  }
  return own.merged;
}
