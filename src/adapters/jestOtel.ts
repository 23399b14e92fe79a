/**
 * Kept only as the import path matchers/jestHooks.ts still uses: the reads are in jest.ts (the one file that reads
 * Jest's internals), the logic in src/otel/jestOutcome.ts. Delete once that import points at src/otel/jestOutcome.ts.
 */
export { jestAttempt, jestOutcome, wrapJestSequentialTests } from '../otel/jestOutcome.ts';
