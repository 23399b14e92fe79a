/**
 * `unflake wait-ready URL [--build SHA] [--timeout 60s] [--check db]… [--header k:v]…`
 * Exit 0 when ready; 1 with the readiness report on stderr when not; 2 on bad usage.
 */
import { ReadinessError, waitForReady, type WaitForReadyOptions } from '../helpers/waitForReady.ts';
import { parseTime, UsageError, type CliIo } from './args.ts';

export const WAIT_READY_USAGE = `Usage: unflake wait-ready <url> [options]

Waits until <url> reports ready: HTTP 2xx, overall status ok, every dependency check ok,
and the expected build when --build is given.

Options:
  --build <id>        the build (git SHA, release id) the service must report
  --timeout <time>    overall limit: 60s, 2m, 1500ms or plain ms (default 60s)
  --check <name>      require only this check (repeatable); default: every check
  --header <k:v>      request header (repeatable), e.g. --header "authorization: Bearer x"
  --attempt-timeout <time>  limit for one response (default 5s)
  -h, --help          this text

Exit codes: 0 ready, 1 not ready (report on stderr), 2 bad usage.`;

/** `rest`: the arguments after `wait-ready`. */
export function parseWaitReady(rest: string[]): { url: string; options: WaitForReadyOptions } | 'help' {
  const options: WaitForReadyOptions = {};
  const headers: Record<string, string> = {};
  const checks: string[] = [];
  let url: string | undefined;
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const value = (): string => {
      const v = eq > 0 ? arg.slice(eq + 1) : rest[++i];
      if (v === undefined || v === '') throw new UsageError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '-h':
      case '--help':
        return 'help';
      case '--build':
        options.expectedBuild = value();
        break;
      case '--timeout':
        options.timeout = parseTime(value(), '--timeout');
        break;
      case '--attempt-timeout':
        options.attemptTimeout = parseTime(value(), '--attempt-timeout');
        break;
      case '--check':
        checks.push(value());
        break;
      case '--header': {
        const h = value();
        const colon = h.indexOf(':');
        if (colon <= 0) throw new UsageError(`--header must be "name: value", got "${h}"`);
        headers[h.slice(0, colon).trim().toLowerCase()] = h.slice(colon + 1).trim();
        break;
      }
      default:
        if (arg.startsWith('-')) throw new UsageError(`unknown option ${flag}`);
        if (url !== undefined) throw new UsageError(`one URL only, got "${url}" and "${arg}"`);
        url = arg;
    }
  }
  if (url === undefined) throw new UsageError('missing <url>');
  if (!/^https?:\/\//i.test(url)) throw new UsageError(`<url> must start with http:// or https://, got "${url}"`);
  if (checks.length) options.checks = checks;
  if (Object.keys(headers).length) options.headers = headers;
  return { url, options };
}

export async function waitReady(parsed: { url: string; options: WaitForReadyOptions }, io: CliIo, signal?: AbortSignal): Promise<number> {
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
