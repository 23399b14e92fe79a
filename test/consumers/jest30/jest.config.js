/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  testMatch: ['<rootDir>/test/**/*.test.js'],
  setupFilesAfterEnv: ['unflake/jest'],
  // The flake reporter loads from the packed package (budget 1: it records, never fails this run).
  reporters: ['default', ['unflake/reporter', { budget: 1, outputFile: 'flake-report.json' }]],
};
