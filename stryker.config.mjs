// Mutation testing for the verdict code (issue 18, "How it is proven" item 4): `npm run mutation`.
// Not part of `npm test`: a full run takes tens of minutes. Narrow it with e.g.
//   npm run mutation -- --mutate src/poll/decide.ts --concurrency 1
// Scores and the surviving mutants we judged equivalent are in docs/testing.md.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  plugins: ['@stryker-mutator/vitest-runner'],
  vitest: { configFile: 'vitest.mutation.config.ts', related: false },
  mutate: ['src/poll/**/*.ts', 'src/delivery/**/*.ts', 'src/runner/**/*.ts', 'matchers/**/*.ts'],
  // Only the files the mutation suites need are copied into the sandbox; dist/ never is (a stale build
  // there must not be what the tests import).
  ignorePatterns: [
    '/dist',
    '/reports',
    '/bench',
    '/examples',
    '/docs',
    '/test/consumers',
    '/test/verdicts',
    '/test/reporter',
    '*.tgz',
    '/tmp',
  ],
  coverageAnalysis: 'perTest',
  // A static mutant (module-level code) would re-run every test; they are few here and reported as ignored.
  ignoreStatic: true,
  // Two cores shared with others: one or two workers.
  concurrency: 2,
  // Re-runs only mutants whose code or covering tests changed since the last report.
  incremental: true,
  incrementalFile: 'reports/stryker-incremental.json',
  // Polls run on real timers; a mutant that turns a deadline off must be cut as a timeout, not hang the run.
  // (timeout = 1.5 × the covering tests' own time + 5 s, Stryker's defaults)
  timeoutMS: 5000,
  timeoutFactor: 1.5,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true, reportMutants: true },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
  thresholds: { high: 85, low: 70, break: null },
};
