/**
 * `unflake/reporter`, imported (ESM): the Vitest reporter by default, both by name.
 * `require('unflake/reporter')` (how Jest loads reporters) gets the Jest one by default: see jest-entry.ts.
 */
import { VitestFlakeReporter } from './vitest.ts';

export { VitestFlakeReporter } from './vitest.ts';
export { JestFlakeReporter } from './jest.ts';
export { PlaywrightFlakeReporter } from './playwright.ts';
export * from './api.ts';
export default VitestFlakeReporter;
// The shapes the reporters read from each runner (they appear in the reporters' method signatures).
export type { VitestTestCase, VitestSuiteLike, VitestParent, VitestTestError } from './vitest.ts';
export type { JestTestResult, JestAssertionResult, JestAggregated } from './jest.ts';
export type {
  PlaywrightConfig,
  PlaywrightSuite,
  PlaywrightTest,
  PlaywrightResult,
  PlaywrightError,
} from './playwright.ts';
