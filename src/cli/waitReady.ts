/**
 * `unflake wait-ready URL [--build SHA] [--timeout 60s] [--check db]… [--header k:v]…`
 * Exit 0 when ready; 1 with the readiness report on stderr when not; 2 on bad usage.
 */
import { ReadinessError, waitForReady, type WaitForReadyOptions } from '../helpers/waitForReady.ts';
import { parseFlags, parseTime, stringFlag, UsageError, type CliIo } from './args.ts';

export const WAIT_READY_USAGE = `Usage: unflake wait-ready <url> [options]

Waits until <url> reports ready: HTTP 2xx, overall status ok, every dependency check ok,
and the expected build when --build is given.

Options:
  --build <id>        the build (git SHA, release id) the service must report
  --timeout <time>    overall limit: 1500ms, 60s, 2m, 1h (ms s m h d w; plain number = ms; default 60s)
  --check <name>      require only this check (repeatable); default: every check
  --header <k:v>      request header (repeatable), e.g. --header "authorization: Bearer x"
  --attempt-timeout <time>  limit for one response (default 5s)
  -h, --help          this text
  --version           unflake's version

Exit codes: 0 ready, 1 not ready (report on stderr), 2 bad usage.`;

const FLAGS = {
  build: { type: 'string' },
  timeout: { type: 'string' },
  'attempt-timeout': { type: 'string' },
  check: { type: 'string', multiple: true },
  header: { type: 'string', multiple: true },
} as const;

function headersOf(given: string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const h of given) {
    const colon = h.indexOf(':');
    if (colon <= 0) throw new UsageError(`--header must be "name: value", got "${h}"`, WAIT_READY_USAGE);
    headers[h.slice(0, colon).trim().toLowerCase()] = h.slice(colon + 1).trim();
  }
  return headers;
}

/** `rest`: the arguments after `wait-ready` (util.parseArgs, as every command). */
export function parseWaitReady(rest: string[]): { url: string; options: WaitForReadyOptions } | 'help' | 'version' {
  const { values, positionals } = parseFlags(rest, FLAGS, WAIT_READY_USAGE);
  if (values.help) return 'help';
  if (values.version) return 'version';
  for (const flag of ['build', 'timeout', 'attempt-timeout'])
    if (values[flag] === '') throw new UsageError(`--${flag} needs a value`, WAIT_READY_USAGE);
  if (positionals.length > 1)
    throw new UsageError(`one URL only, got "${positionals[0]}" and "${positionals[1]}"`, WAIT_READY_USAGE);
  const url = positionals[0];
  if (url === undefined) throw new UsageError('missing <url>', WAIT_READY_USAGE);
  if (!/^https?:\/\//i.test(url))
    throw new UsageError(`<url> must start with http:// or https://, got "${url}"`, WAIT_READY_USAGE);
  const options: WaitForReadyOptions = {};
  const build = stringFlag(values.build);
  if (build !== undefined) options.expectedBuild = build;
  const timeout = stringFlag(values.timeout);
  if (timeout !== undefined) options.timeout = parseTime(timeout, '--timeout', WAIT_READY_USAGE);
  const attempt = stringFlag(values['attempt-timeout']);
  if (attempt !== undefined) options.attemptTimeout = parseTime(attempt, '--attempt-timeout', WAIT_READY_USAGE);
  const checks = (values.check as string[] | undefined) ?? [];
  if (checks.length) options.checks = checks;
  const headers = headersOf((values.header as string[] | undefined) ?? []);
  if (Object.keys(headers).length) options.headers = headers;
  return { url, options };
}

export async function waitReady(
  parsed: { url: string; options: WaitForReadyOptions },
  io: CliIo,
  signal?: AbortSignal,
): Promise<number> {
  try {
    const ready = await waitForReady(parsed.url, { ...parsed.options, ...(signal ? { signal } : {}) });
    io.out(
      `unflake: ${ready.url} is ready after ${ready.attempts} attempt${ready.attempts === 1 ? '' : 's'} (${Math.round(ready.elapsed)} ms)${ready.build ? `, build ${ready.build}` : ''}\n`,
    );
    return 0;
  } catch (error) {
    if (error instanceof ReadinessError) {
      io.err(`${error.message}\n`);
      return 1;
    }
    if (error instanceof TypeError) {
      io.err(`unflake: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}
