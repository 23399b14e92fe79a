/** `require('unflake/reporter')`: Jest loads reporters with require, so the CommonJS build's default is the Jest reporter. */
import { JestFlakeReporter } from './jest.ts';

export { VitestFlakeReporter } from './vitest.ts';
export { JestFlakeReporter } from './jest.ts';
export { classifyFailure, formatSummary } from './core.ts';
export type { FlakeReport, FlakyTest, FlakeCategory, FlakeReporterOptions } from './core.ts';
export default JestFlakeReporter;
