/**
 * The behaviour suite against the BUILT package, CommonJS (`npm run test:dist`, after `npm run build`):
 * every import of a public source entry maps to dist/*.cjs, the matchers come from dist/jest.cjs, and the
 * source folders are invisible to the module loader, so a test that reaches a source module fails
 * ("Cannot find module") instead of silently testing the source. The same files as vitest.dist.config.ts
 * (test/verdicts/dist/suite.ts decides which).
 */
import { classifyTests, entries, realTimeShim, specifierPattern } from './test/verdicts/dist/suite.ts';

const dist = (file: string): string => `<rootDir>/dist/${file}`;
const suite = classifyTests();

export default {
  testEnvironment: 'node',
  transform: {},
  extensionsToTreatAsEsm: ['.ts'],
  testMatch: suite.include.map((file) => `<rootDir>/${file}`),
  setupFilesAfterEnv: ['<rootDir>/test/setup/jest.dist.ts'],
  moduleNameMapper: {
    ...Object.fromEntries(
      Object.entries(entries).map(([module, entry]) => [specifierPattern(module), dist(`${entry}.cjs`)]),
    ),
    // Source modules the included tests take only public names from: the same names on the `unflake` entry.
    ...Object.fromEntries([...suite.mappedToIndex].map((module) => [specifierPattern(module), dist('index.cjs')])),
    [specifierPattern('src/time/realTime.ts')]: `<rootDir>/${realTimeShim}`,
    '^unflake$': dist('index.cjs'),
    '^unflake/(jest|clock|matchers)$': dist('$1.cjs'),
  },
  // Source modules are not there for this run (dist/ is): a test importing one is in the wrong suite.
  modulePathIgnorePatterns: ['<rootDir>/src/', '<rootDir>/matchers/', '<rootDir>/clock/', '<rootDir>/reporter/'],
};
