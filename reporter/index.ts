/**
 * `unflake/reporter`, imported (ESM): the Vitest reporter by default, both by name.
 * `require('unflake/reporter')` (how Jest loads reporters) gets the Jest one by default: see jest-entry.ts.
 */
import { VitestFlakeReporter } from './vitest.ts';

export { VitestFlakeReporter } from './vitest.ts';
export { JestFlakeReporter } from './jest.ts';
export { classifyFailure, formatSummary } from './core.ts';
export type { FlakeReport, FlakyTest, FlakeCategory, FlakeReporterOptions } from './core.ts';
export default VitestFlakeReporter;
