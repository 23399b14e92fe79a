/**
 * The `unflake` command: `wait-ready` (is the service up, with the right build?) and `flakes`
 * (merge shards, the flake rate over time, quarantine). Never calls process.exit itself.
 */
import { UsageError, type CliIo } from './args.ts';
import { flakes, FLAKES_USAGE } from './flakes.ts';
import { packageVersion } from './version.ts';
import { parseWaitReady, WAIT_READY_USAGE, waitReady } from './waitReady.ts';

export { parseTime, type CliIo } from './args.ts';

export const USAGE = `${WAIT_READY_USAGE.split('\n')[0]}
       unflake flakes <merge|report|quarantine> [options]   (unflake flakes --help)
       unflake --version

${WAIT_READY_USAGE.split('\n').slice(2).join('\n')}`;

const defaultIo: CliIo = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) };

async function run(args: string[], io: CliIo, signal?: AbortSignal): Promise<number> {
  const [command, ...rest] = args;
  if (command === '-h' || command === '--help' || command === 'help') {
    io.out(`${USAGE}\n`);
    return 0;
  }
  if (command === '--version' || command === '-v') {
    io.out(`${packageVersion()}\n`);
    return 0;
  }
  if (command === 'flakes') return flakes(rest, io, signal);
  if (command !== 'wait-ready')
    throw new UsageError(command === undefined ? 'missing command' : `unknown command "${command}"`, USAGE);
  const parsed = parseWaitReady(rest);
  if (parsed === 'help' || parsed === 'version') {
    io.out(`${parsed === 'help' ? WAIT_READY_USAGE : packageVersion()}\n`);
    return 0;
  }
  return waitReady(parsed, io, signal);
}

/** Runs the CLI and resolves to its exit code: 2 on bad usage, with the message and the command's usage. */
export async function main(args: string[], io: CliIo = defaultIo, signal?: AbortSignal): Promise<number> {
  try {
    return await run(args, io, signal);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.err(`unflake: ${error.message}\n\n${error.usage ?? FLAKES_USAGE}\n`);
    return 2;
  }
}
