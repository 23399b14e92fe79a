/** The `unflake` executable (built to dist/cli.js with a `#!/usr/bin/env node` banner; runs on Node >= 20). */
import { main } from './cli.ts';

const controller = new AbortController();
const onSignal = (): void => controller.abort(new Error('interrupted'));
process.once('SIGINT', onSignal);
process.once('SIGTERM', onSignal);
main(process.argv.slice(2), undefined, controller.signal).then(
  (code) => {
    process.exitCode = code;
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  },
  (error: unknown) => {
    process.stderr.write(`unflake: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
