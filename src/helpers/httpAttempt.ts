/** One GET of a health URL over node:http(s): abortable, bounded in real time, never throwing. */
import * as http from 'node:http';
import * as https from 'node:https';
import { clearRealTimeout, setRealTimeout } from '../time/realTime.ts';

export interface HttpOutcome {
  /** Which address answered or failed: `127.0.0.1:8080`, `[::1]:8080`, or the URL's host. */
  address: string;
  status?: number;
  headers?: Record<string, string | undefined>;
  text?: string;
  /** The text was cut at `MAX_BODY` bytes. */
  truncated?: boolean;
  /** An error code (`ECONNREFUSED`, `ETIMEDOUT`, …) or message when there was no response. */
  error?: string;
}

/** Health bodies are small; a larger one is cut, and the cut is said. */
export const MAX_BODY = 64 * 1024;

/** Errors that mean "the service is not up yet", as opposed to a bad URL or a TLS misconfiguration. */
export const NOT_YET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'ECONNABORTED', 'UND_ERR_SOCKET']);

function errorCode(error: unknown): string {
  const e = error as { code?: unknown; message?: unknown };
  if (typeof e?.code === 'string') return e.code;
  return typeof e?.message === 'string' ? e.message : String(error);
}

function requestOnce(url: URL, host: string | undefined, headers: Record<string, string>, timeoutMs: number, signal: AbortSignal): Promise<HttpOutcome> {
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  const address = host ? `${host.includes(':') ? `[${host}]` : host}:${port}` : url.host;
  return new Promise((resolve) => {
    let settled = false;
    let timer: ReturnType<typeof setRealTimeout> | undefined;
    const finish = (outcome: HttpOutcome): void => {
      if (settled) return;
      settled = true;
      clearRealTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      resolve(outcome);
    };
    const lib = url.protocol === 'https:' ? https : http;
    const request = lib.request(
      {
        protocol: url.protocol,
        hostname: host ?? url.hostname.replace(/^\[|\]$/g, ''),
        port,
        path: `${url.pathname}${url.search}`,
        method: 'GET',
        headers: { accept: 'application/json, */*;q=0.5', ...(host ? { host: url.host } : {}), ...headers },
        ...(host && url.protocol === 'https:' ? { servername: url.hostname } : {}),
        agent: false,
      },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        let truncated = false;
        response.on('data', (chunk: Buffer) => {
          if (size < MAX_BODY) chunks.push(chunk.subarray(0, MAX_BODY - size));
          else truncated = true;
          size += chunk.length;
          if (size > MAX_BODY) truncated = true;
        });
        response.on('error', (error) => finish({ address, status: response.statusCode, error: errorCode(error) }));
        response.on('end', () => {
          const responseHeaders: Record<string, string | undefined> = {};
          for (const [name, value] of Object.entries(response.headers)) responseHeaders[name] = Array.isArray(value) ? value.join(', ') : value;
          finish({ address, status: response.statusCode, headers: responseHeaders, text: Buffer.concat(chunks).toString('utf8'), truncated });
        });
      },
    );
    const onAbort = (): void => {
      request.destroy();
      finish({ address, error: 'aborted' });
    };
    request.on('error', (error) => finish({ address, error: errorCode(error) }));
    signal.addEventListener('abort', onAbort, { once: true });
    if (signal.aborted) return onAbort();
    timer = setRealTimeout(() => {
      request.destroy();
      finish({ address, error: `ETIMEDOUT (no response within ${timeoutMs} ms)` });
    }, timeoutMs);
    request.end();
  });
}

/**
 * GETs `url`. For `localhost` it tries 127.0.0.1, then ::1 when that fails to connect: services bind
 * to one or the other, and Node's resolver order differs across versions (wait-on #109, #133).
 * `attempts` lists every address tried.
 */
export async function httpGet(url: URL, headers: Record<string, string>, timeoutMs: number, signal: AbortSignal): Promise<{ outcome: HttpOutcome; tried: HttpOutcome[] }> {
  const hosts = url.hostname === 'localhost' ? ['127.0.0.1', '::1'] : [undefined];
  const tried: HttpOutcome[] = [];
  for (const host of hosts) {
    const outcome = await requestOnce(url, host, headers, timeoutMs, signal);
    tried.push(outcome);
    if (outcome.status !== undefined || signal.aborted) return { outcome, tried };
  }
  return { outcome: tried[0]!, tried };
}
