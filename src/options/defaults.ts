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

/** Built-in defaults. The interval backoff is tuned by `bench/` (see docs/performance.md). */
export const builtInDefaults = Object.freeze({
  timeout: 4_000,
  for: 500,
  interval: Object.freeze({ initial: 2, factor: 2, max: 200, jitter: 0.1 }),
  testTimeoutMargin: 250,
});

// Kept on globalThis so the ESM and CJS builds, and every entry point, share one set of defaults.
const STATE_KEY = Symbol.for('unflake.configuredDefaults.v2');
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
}

function store(): Store {
  const g = globalThis as Record<symbol, Store | undefined>;
  return (g[STATE_KEY] ??= { layers: [], atFileStart: [], merged: {} });
}

function merge(base: ConfigurableOptions, layers: readonly Layer[]): ConfigurableOptions {
  return layers.reduce<ConfigurableOptions>((merged, layer) => ({ ...merged, ...layer.defaults }), base);
}

function setFileLayers(s: Store, layers: Layer[]): void {
  s.layers = layers;
  s.merged = merge({}, layers);
}

function testLayers(test: TestState | undefined): Layer[] | undefined {
  return test?.values.get(TEST_LAYERS) as Layer[] | undefined;
}

/** Adds a layer of defaults (to the running test, or to the file outside one); returns its removal. */
export function addDefaults(defaults: ConfigurableOptions): () => void {
  const layer: Layer = { defaults: { ...defaults } };
  const test = currentTestState();
  if (test) {
    const layers = testLayers(test) ?? [];
    test.values.set(TEST_LAYERS, [...layers, layer]);
    return () => {
      const now = testLayers(test);
      if (now)
        test.values.set(
          TEST_LAYERS,
          now.filter((l) => l !== layer),
        );
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

export function configuredDefaults(): ConfigurableOptions {
  const s = store();
  const own = testLayers(currentTestState());
  return own && own.length > 0 ? merge(s.merged, own) : s.merged;
}
