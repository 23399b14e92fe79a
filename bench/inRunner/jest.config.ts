/** The in-runner bench under Jest: unflake from dist/ (CommonJS, as `setupFilesAfterEnv: ['unflake/jest']` gives), real timers. */
export default {
  rootDir: '../..',
  testEnvironment: 'node',
  transform: {},
  extensionsToTreatAsEsm: ['.ts'],
  testMatch: ['<rootDir>/bench/inRunner/alreadyTrue.jest.ts'],
  setupFilesAfterEnv: ['<rootDir>/dist/jest.cjs'],
};
