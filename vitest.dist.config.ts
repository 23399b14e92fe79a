/**
 * The behaviour suite against the BUILT package, ESM (`npm run test:dist`, after `npm run build`): every
 * import of a public source entry resolves to dist/*.js, the matchers come from dist/vitest.js, and Node
 * loads dist/ itself (externalised, as for an installed package). Which files run is decided from their
 * imports (test/verdicts/dist/suite.ts); a source module reached anyway fails the run (`dist-only`). Projects:
 *   dist             the behaviour files, plus the verdict tests (test/verdicts: inner runs on dist/)
 *   dist:concurrent  robust behaviour files again with every test concurrent (`sequence.concurrent`)
 *   dist:shared      robust behaviour files again with `isolate: false` (files share a worker's globals)
 */
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vitest/config';
import { classifyTests, entries, realTimeShim, robustTests, specifierPattern } from './test/verdicts/dist/suite.ts';

const root = fileURLToPath(new URL('.', import.meta.url));
const dist = (file: string): string => `${root}dist/${file}`;
const suite = classifyTests();

const alias = [
  ...Object.entries(entries).map(([module, entry]) => ({
    find: new RegExp(specifierPattern(module)),
    replacement: dist(`${entry}.js`),
  })),
  // Source modules the included tests take only public names from: the same names on the `unflake` entry.
  ...[...suite.mappedToIndex].map((module) => ({
    find: new RegExp(specifierPattern(module)),
    replacement: dist('index.js'),
  })),
  { find: new RegExp(specifierPattern('src/time/realTime.ts')), replacement: `${root}${realTimeShim}` },
  { find: /^unflake$/, replacement: dist('index.js') },
  { find: /^unflake\/(vitest|clock|matchers)$/, replacement: dist('$1.js') },
];

function distOnly(): Plugin {
  const guarded = ['src/', 'matchers/', 'clock/', 'reporter/'].map((dir) => `${root}${dir}`);
  return {
    name: 'dist-only',
    enforce: 'pre',
    load(id) {
      if (guarded.some((dir) => id.startsWith(dir))) {
        throw new Error(
          `vitest.dist.config.ts: ${id.slice(root.length)} is source; a dist run must reach only public entries (see test/verdicts/dist/suite.ts).`,
        );
      }
      return null;
    },
  };
}

const shared = {
  globals: true,
  setupFiles: ['./test/setup/vitest.dist.ts'],
  // Node loads dist/ natively, as it does an installed package, instead of Vite transforming it.
  server: { deps: { external: [/[\\/]dist[\\/]/] } },
};

export default defineConfig({
  plugins: [distOnly()],
  resolve: { alias },
  test: {
    projects: [
      { extends: true, test: { ...shared, name: 'dist', include: suite.include } },
      {
        extends: true,
        test: { ...shared, name: 'dist:concurrent', include: robustTests, sequence: { concurrent: true } },
      },
      { extends: true, test: { ...shared, name: 'dist:shared', include: robustTests, isolate: false } },
    ],
  },
});
