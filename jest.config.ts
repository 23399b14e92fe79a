// Jest 30 strips TypeScript natively on Node >= 22.18 (node@24 is pinned), in ESM mode.
export default {
  testEnvironment: 'node',
  transform: {},
  extensionsToTreatAsEsm: ['.ts'],
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/consumers/', '<rootDir>/test/verdicts/'],
  setupFilesAfterEnv: ['<rootDir>/test/setup/jest.ts'],
};
