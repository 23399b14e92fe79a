/**
 * Argument checks for `faultProxy()` and its methods: every bad input is a TypeError that names the
 * function and the argument, before any socket is opened.
 */
import { argumentError, describeValue } from '../options/checkMs.ts';
import { checkOptions } from '../options/checkOptions.ts';

export interface Endpoint {
  host: string;
  port: number;
}

/** Which way a fault applies: client → target (`'upstream'`), target → client (`'downstream'`), or `'both'`. */
export type Direction = 'both' | 'upstream' | 'downstream';
export const DIRECTIONS: readonly Direction[] = ['both', 'upstream', 'downstream'];

/** Options of `faultProxy(options)`. */
export interface FaultProxyOptions {
  /** Where the proxy forwards to: `'host:port'`, `'[::1]:5432'`, a port on 127.0.0.1, or `{ host, port }`. */
  target:
    | string
    | number
    | {
        /** The target's host name or address. */
        host: string;
        /** The target's port. */
        port: number;
      };
  /** Shown in messages and `toString()`. Default: `proxy → <target>`. */
  name?: string;
  /** The address to listen on. Default `127.0.0.1` (loopback). */
  host?: string;
  /** The port to listen on. Default 0: a free port, read it from `proxy.port`. */
  port?: number;
  /** Uniform numbers in [0, 1) for jitter (pass a seeded one to replay a run). Default `Math.random`. */
  random?: () => number;
}

/** Options of `proxy.latency(ms, options)`. */
export interface LatencyOptions {
  /** Each chunk's delay is `ms` plus a uniform draw in [-jitter, +jitter] (never below 0). Default 0. */
  jitter?: number;
  /** Which way it applies: client → target (`'upstream'`), target → client (`'downstream'`) or `'both'` (default). */
  direction?: Direction;
}

export interface CheckedProxyOptions {
  target: Endpoint;
  name: string;
  host: string;
  port: number;
  random: () => number;
}

const PROXY_KEYS = ['target', 'name', 'host', 'port', 'random'] as const;
const LATENCY_KEYS = ['jitter', 'direction'] as const;

function checkPort(where: string, name: string, value: unknown, { allowZero }: { allowZero: boolean }): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < (allowZero ? 0 : 1) || value > 65_535) {
    throw argumentError(
      where,
      `\`${name}\` must be a whole port number from ${allowZero ? 0 : 1} to 65535, got ${describeValue(value)}.`,
    );
  }
  return value;
}

function checkHost(where: string, name: string, value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '' || /\s/.test(value)) {
    throw argumentError(where, `\`${name}\` must be a host name or IP address, got ${describeValue(value)}.`);
  }
  return value;
}

const TARGET_SHAPE = "'host:port', '[::1]:port', a port number or { host, port }";

/** `'localhost:5432'`, `'[::1]:5432'`, `5432` or `{ host, port }` as an endpoint. */
export function parseTarget(where: string, value: unknown): Endpoint {
  if (typeof value === 'number')
    return { host: '127.0.0.1', port: checkPort(where, 'target', value, { allowZero: false }) };
  if (typeof value === 'string') {
    const match = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d+)$/.exec(value.trim());
    if (!match) throw argumentError(where, `\`target\` must be ${TARGET_SHAPE}, got ${describeValue(value)}.`);
    const port = Number(match[3]);
    return {
      host: checkHost(where, 'target', match[1] ?? match[2]),
      port: checkPort(where, 'target', port, { allowZero: false }),
    };
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const o = checkOptions(`${where} (target)`, value, ['host', 'port']);
    return {
      host: o.host === undefined ? '127.0.0.1' : checkHost(where, 'target.host', o.host),
      port: checkPort(where, 'target.port', o.port, { allowZero: false }),
    };
  }
  throw argumentError(where, `\`target\` must be ${TARGET_SHAPE}, got ${describeValue(value)}.`);
}

export function checkProxyOptions(value: unknown): CheckedProxyOptions {
  const where = 'faultProxy()';
  if (value === undefined)
    throw argumentError(
      where,
      'needs an options object with a `target`, e.g. faultProxy({ target: "localhost:5432", name: "replica" }).',
    );
  const o = checkOptions(where, value, PROXY_KEYS);
  if (o.target === undefined) throw argumentError(where, `\`target\` is required: ${TARGET_SHAPE}.`);
  const target = parseTarget(where, o.target);
  if (o.name !== undefined && (typeof o.name !== 'string' || o.name === ''))
    throw argumentError(where, `\`name\` must be a non-empty string, got ${describeValue(o.name)}.`);
  if (o.random !== undefined && typeof o.random !== 'function')
    throw argumentError(where, `\`random\` must be a function () => number in [0, 1), got ${describeValue(o.random)}.`);
  return {
    target,
    name: (o.name as string | undefined) ?? `proxy → ${formatEndpoint(target)}`,
    host: o.host === undefined ? '127.0.0.1' : checkHost(where, 'host', o.host),
    port: o.port === undefined ? 0 : checkPort(where, 'port', o.port, { allowZero: true }),
    random: (o.random as (() => number) | undefined) ?? Math.random,
  };
}

export function formatEndpoint({ host, port }: Endpoint): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

const MAX_DELAY = 2 ** 31 - 1;

function checkDelay(where: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > MAX_DELAY) {
    throw argumentError(
      where,
      `\`${name}\` must be a finite number of milliseconds from 0 to ${MAX_DELAY}, got ${describeValue(value)}.`,
    );
  }
  return value;
}

export interface CheckedLatency {
  sample: () => number;
  jitter: number;
  direction: Direction;
}

/**
 * `latency(ms, options)`: `ms` is a number, or a function that returns each chunk's base delay (for a
 * distribution of your own, such as a heavy tail). The function is called once here so that a wrong one
 * fails at the call, not later inside a socket's data handler.
 */
export function checkLatency(where: string, ms: unknown, options: unknown): CheckedLatency {
  const o = checkOptions(where, options, LATENCY_KEYS);
  let sample: () => number;
  if (typeof ms === 'function') {
    const draw = ms as () => unknown;
    checkDelay(where, 'ms()', draw());
    sample = () => clampDelay(draw());
  } else {
    const fixed = checkDelay(where, 'ms', ms);
    sample = () => fixed;
  }
  const jitter = o.jitter === undefined ? 0 : checkDelay(where, 'jitter', o.jitter);
  const direction = (o.direction ?? 'both') as Direction;
  if (!DIRECTIONS.includes(direction))
    throw argumentError(
      where,
      `\`direction\` must be one of ${DIRECTIONS.map((d) => `'${d}'`).join(', ')}, got ${describeValue(o.direction)}.`,
    );
  return { sample, jitter, direction };
}

/** A later draw of a user's distribution that is not a usable delay counts as 0 (below) or the cap (above). */
function clampDelay(value: unknown): number {
  if (typeof value !== 'number' || Number.isNaN(value) || value < 0) return 0;
  return Math.min(value, MAX_DELAY);
}

export function checkNoArguments(where: string, args: unknown[]): void {
  if (args.length > 0)
    throw argumentError(where, `takes no arguments, got ${args.length} (${args.map(describeValue).join(', ')}).`);
}
