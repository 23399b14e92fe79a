/** `require('unflake/reporter')`: Jest loads reporters with require, so the CommonJS build's default is the Jest reporter. */
import { JestFlakeReporter } from './jest.ts';

export { VitestFlakeReporter } from './vitest.ts';
export { JestFlakeReporter } from './jest.ts';
export * from './api.ts';
export default JestFlakeReporter;
