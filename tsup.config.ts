import { defineConfig, type Options } from 'tsup';

const shared: Options = {
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  dts: true,
  // import.meta.url in the CJS build, for createRequire (lazy loading of fake-timers and fast-check).
  shims: true,
  external: ['vitest', '@jest/globals', 'expect', '@sinonjs/fake-timers'],
};

export default defineConfig([
  {
    ...shared,
    entry: { index: 'src/index.ts', matchers: 'matchers/index.ts', jest: 'matchers/jest.ts', clock: 'clock/index.ts' },
    format: ['esm', 'cjs'],
  },
  // ESM only: a dual entry would let TypeScript pick the .d.cts and augment Vitest's CJS types.
  { ...shared, entry: { vitest: 'matchers/vitest.ts' }, format: ['esm'] },
]);
