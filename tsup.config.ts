import { defineConfig, type Options } from 'tsup';

const shared: Options = {
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  dts: true,
  // import.meta.url in the CJS build, for createRequire (lazy loading of fake-timers and fast-check).
  shims: true,
  external: ['vitest', '@jest/globals', 'expect', '@sinonjs/fake-timers', '@playwright/test'],
};

/** The library's entries, ESM and CJS. */
const library: Record<string, string> = {
  index: 'src/index.ts',
  matchers: 'matchers/index.ts',
  jest: 'matchers/jest.ts',
  clock: 'clock/index.ts',
  faults: 'src/faults/index.ts',
  mocha: 'matchers/mocha.ts',
};

export default defineConfig([
  // Their types, built together as one group: declaration chunks shared, one declaration of each class.
  { ...shared, entry: library, format: ['esm', 'cjs'], dts: { only: true } },
  // Their JavaScript, one bundle per entry (issue 20, import cost): built as one group, the ESM entries
  // shared ~8 chunks each, and Node's ESM loader costs ~0.8 ms per module it resolves and links
  // (`import('unflake')` 13.7 → 7.5 ms CPU as one file). The CJS files were one per entry already. An
  // entry's own dynamic imports still get their own chunks (loaded on first use). Two entries in one
  // process each have their own copy of the code, as `unflake/vitest` always had: the state they share
  // lives in globalThis slots and the classes they recognise carry Symbol.for brands (src/runtime/).
  ...Object.entries(library).map(([name, file]): Options => ({
    ...shared,
    entry: { [name]: file },
    format: ['esm', 'cjs'],
    dts: false,
  })),
  // unflake/playwright on its own: in the group above its types would import EventualMatchers from
  // jest.d.ts, and with it the augmentations of `expect` and the global `jest` namespace.
  { ...shared, entry: { playwright: 'matchers/playwright.ts' }, format: ['esm', 'cjs'] },
  // ESM only: a dual entry would let TypeScript pick the .d.cts and augment Vitest's CJS types.
  { ...shared, entry: { vitest: 'matchers/vitest.ts' }, format: ['esm'] },
  // unflake/reporter: imported (Vitest) gets the Vitest reporter by default; required (Jest) the Jest one.
  { ...shared, entry: { reporter: 'reporter/index.ts' }, format: ['esm'] },
  { ...shared, entry: { reporter: 'reporter/jest-entry.ts' }, format: ['cjs'] },
  // unflake/reporter/playwright: Playwright Test's reporter API (ESM and CJS, as playwright.config loads either).
  { ...shared, entry: { 'reporter-playwright': 'reporter/playwright.ts' }, format: ['esm', 'cjs'] },
  // `node --import unflake/clock/register app.js`: an ESM preload (top-level await); no types needed.
  { ...shared, entry: { 'clock/register': 'clock/register.ts' }, format: ['esm'], dts: false },
  // The `unflake` bin: an ESM file (the package is "type": "module") that runs on Node 20 as well as 24.
  { ...shared, entry: { cli: 'src/cli/bin.ts' }, format: ['esm'], dts: false, banner: { js: '#!/usr/bin/env node' } },
]);
