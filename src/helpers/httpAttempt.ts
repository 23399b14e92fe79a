/**
 * One attempt's response: a GET of a health URL over node:http(s) (abortable, bounded in real time,
 * never throwing), or what a probe returned, read into the same shape; and its `Retry-After`.
 */
import type * as Http from 'node:http';
import { describeValue } from '../options/checkMs.ts';
import { http, https } from '../runtime/builtins.ts';
import { clearRealTimeout, setRealTimeout } from '../time/realTime.ts';
import { BUILD_HEADERS } from './health.ts';

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
export const NOT_YET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'ECONNABORTED',
  'UND_ERR_SOCKET',
]);

function errorCode(error: unknown): string {
  const e = error as { code?: unknown; message?: unknown };
  if (typeof e?.code === 'string') return e.code;
  return typeof e?.message === 'string' ? e.message : String(error);
}

/** The GET's options: to `host` when given (one resolved address), naming the URL's own host to the server. */
function requestOptions(url: URL, host: string | undefined, port: string, headers: Record<string, string>) {
  return {
    protocol: url.protocol,
    hostname: host ?? url.hostname.replace(/^\[|\]$/g, ''),
    port,
    path: `${url.pathname}${url.search}`,
    method: 'GET',
    headers: { accept: 'application/json, */*;q=0.5', ...(host ? { host: url.host } : {}), ...headers },
    ...(host && url.protocol === 'https:' ? { servername: url.hostname } : {}),
    agent: false,
  };
}

/** Reads the response body up to MAX_BODY bytes (noting the truncation) and finishes with it. */
function readResponse(response: Http.IncomingMessage, address: string, finish: (outcome: HttpOutcome) => void): void {
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
    for (const [name, value] of Object.entries(response.headers))
      responseHeaders[name] = Array.isArray(value) ? value.join(', ') : value;
    finish({
      address,
      status: response.statusCode,
      headers: responseHeaders,
      text: Buffer.concat(chunks).toString('utf8'),
      truncated,
    });
  });
}

function requestOnce(
  url: URL,
  host: string | undefined,
  headers: Record<string, string>,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<HttpOutcome> {
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
    // Loaded on the first GET: node:http and node:https cost ~40 ms to load (issue 20: importing unflake must be light).
    const lib = url.protocol === 'https:' ? https() : http();
    const request = lib.request(requestOptions(url, host, port, headers), (response) =>
      readResponse(response, address, finish),
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
export async function httpGet(
  url: URL,
  headers: Record<string, string>,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<{ outcome: HttpOutcome; tried: HttpOutcome[] }> {
  const hosts = url.hostname === 'localhost' ? ['127.0.0.1', '::1'] : [undefined];
  const tried: HttpOutcome[] = [];
  for (const host of hosts) {
    const outcome = await requestOnce(url, host, headers, timeoutMs, signal);
    tried.push(outcome);
    if (outcome.status !== undefined || signal.aborted) return { outcome, tried };
  }
  return { outcome: tried[0]!, tried };
}

// ---------------------------------------------------------------- a response, however it came

/** What a `probe` returns: a response-like object, or a fetch `Response`. */
export interface HealthResponseLike {
  /** The HTTP status code. */
  status: number;
  /** A parsed JSON body, or its text. */
  body?: unknown;
  /** The response headers: a plain record, or a `Headers`-like object. */
  headers?:
    | Record<string, string | undefined>
    | {
        /** The header's value, or null when it is absent. */
        get(name: string): string | null;
      };
}

/** A response read into one shape: parsed body, its text, lower-case header names. */
export interface ReadResponse {
  status: number;
  body: unknown;
  text: string | undefined;
  headers: Record<string, string | undefined>;
}

/** Headers read from a `{ get }` object, which cannot list its names. */
const NAMED_HEADERS = [...BUILD_HEADERS, 'retry-after'];

function lowerHeaders(headers: HealthResponseLike['headers']): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  if (!headers) return out;
  if (typeof (headers as { forEach?: unknown }).forEach === 'function') {
    // A fetch Headers: every header, so a `buildField` function can read any of them.
    (headers as Headers).forEach((value, name) => (out[name.toLowerCase()] = value));
    return out;
  }
  if (typeof (headers as { get?: unknown }).get === 'function') {
    for (const name of NAMED_HEADERS) out[name] = (headers as { get(n: string): string | null }).get(name) ?? undefined;
    return out;
  }
  for (const [k, v] of Object.entries(headers)) out[k.toLowerCase()] = v as string | undefined;
  return out;
}

/** JSON when it parses, else the text itself; undefined for an empty body. */
export function parseBody(text: string | undefined): unknown {
  if (text === undefined || text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Reads what a probe returned; anything that is not a response is a TypeError naming `where`. */
export async function readProbeResponse(where: string, response: HealthResponseLike | Response): Promise<ReadResponse> {
  if (
    typeof response !== 'object' ||
    response === null ||
    typeof (response as { status?: unknown }).status !== 'number'
  ) {
    throw new TypeError(
      `${where}: the probe must return { status: number, body?, headers? } or a fetch Response, got ${describeValue(response)}.`,
    );
  }
  if (
    typeof (response as Response).text === 'function' &&
    !('body' in response && typeof (response as HealthResponseLike).body !== 'object')
  ) {
    const text = await (response as Response).text();
    return {
      status: response.status,
      body: parseBody(text),
      text,
      headers: lowerHeaders((response as Response).headers),
    };
  }
  const like = response as HealthResponseLike;
  const body = typeof like.body === 'string' ? parseBody(like.body) : like.body;
  const text =
    like.body === undefined
      ? undefined
      : typeof like.body === 'string'
        ? like.body
        : JSON.stringify(like.body, null, 2);
  return { status: like.status, body, text, headers: lowerHeaders(like.headers) };
}

/** An error as one line, with its code (`ECONNREFUSED connect …`) when the message lacks it. */
export function errorText(error: unknown): string {
  const code = (error as { code?: unknown })?.code;
  const message = error instanceof Error ? error.message : String(error);
  return typeof code === 'string' ? (message.includes(code) ? message : `${code} ${message}`) : message;
}

// ---------------------------------------------------------------- Retry-After

/** "Too many requests" and "unavailable": the statuses whose `Retry-After` asks a client to come back later. */
const RETRY_AFTER_STATUSES = new Set([429, 503]);
/** Longer is "not within any wait": the deadline ends it first. Node's timers take no more. */
const MAX_RETRY_AFTER = 2 ** 31 - 1;
/** An HTTP date starts with the day's name (IMF-fixdate, RFC 850 and asctime forms alike). */
const HTTP_DATE = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*,? /;

/**
 * The ms a 429/503 response asks the client to wait (`Retry-After: 120` or an HTTP date, against
 * `wallNow`), or undefined: another status, no header, or a value that is neither form.
 */
export function retryAfterOf(
  status: number,
  headers: Record<string, string | undefined>,
  wallNow: number,
): { ms: number; header: string } | undefined {
  const header = headers['retry-after']?.trim();
  if (!RETRY_AFTER_STATUSES.has(status) || !header) return undefined;
  let ms: number;
  if (/^\d+$/.test(header)) ms = Number(header) * 1000;
  else if (HTTP_DATE.test(header) && Number.isFinite(Date.parse(header))) ms = Date.parse(header) - wallNow;
  else return undefined;
  return {
    ms: Math.min(MAX_RETRY_AFTER, Math.max(0, ms)),
    header: header.length <= 40 ? header : `${header.slice(0, 39)}…`,
  };
}
