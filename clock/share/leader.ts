/**
 * The leader side of a shared TestClock: a listener that followers (other processes, worker threads)
 * attach to. This file is the facade: it checks the options, listens, and hands the work to the
 * connections (connections.ts: handshake, frames, followers, limits) and the barrier (barrier.ts: the
 * stepping of advanceAsync through the merged due times).
 *
 * Loaded on the first `TestClock#share()` only. Every real timer here comes from src/time/realTime.ts
 * and is cleared by close().
 */
import { randomBytes } from 'node:crypto';
import { createServer, isIP, type Server } from 'node:net';
import { networkInterfaces } from 'node:os';
import { resolve as resolvePath } from 'node:path';
import { argumentError } from '../../src/options/checkMs.ts';
import { checkOptions } from '../../src/options/checkOptions.ts';
import { Barrier, type BarrierHost } from './barrier.ts';
import { Connections } from './connections.ts';
import { formatClockUrl, type Endpoint } from './protocol.ts';
import type { FollowerInfo, ShareOptions, SharedClock } from './types.ts';
import { checkSkew, type Skew, type SkewControl } from './skew.ts';
import { CountWaiters } from './waiter.ts';

/** What the leader needs from its TestClock. */
export interface LeaderHost extends BarrierHost {
  /** The share has closed: the TestClock is local again. */
  detached(): void;
}

const WHERE = 'TestClock.share()';
const SHARE_KEYS = ['host', 'port', 'path', 'followerTimeout', 'maxFollowers', 'listenOnAllInterfaces'];
const DEFAULT_FOLLOWER_TIMEOUT = 5_000;
/** Followers (past their hello) one share accepts unless `maxFollowers` says otherwise. */
const DEFAULT_MAX_FOLLOWERS = 64;

function isLoopback(host: string): boolean {
  if (host === 'localhost' || host === '::1') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return /^::ffff:127\./i.test(host);
}

type Endpoints = { host: string; port: number } | { path: string };

function checkEndpoint(o: ShareOptions): Endpoints {
  if (o.listenOnAllInterfaces !== undefined && typeof o.listenOnAllInterfaces !== 'boolean')
    throw argumentError(WHERE, `\`listenOnAllInterfaces\` must be a boolean, got ${String(o.listenOnAllInterfaces)}.`);
  if (o.path !== undefined) {
    if (typeof o.path !== 'string' || o.path.length === 0)
      throw argumentError(WHERE, `\`path\` must be a non-empty string (a Unix socket path), got ${String(o.path)}.`);
    if (o.host !== undefined || o.port !== undefined)
      throw argumentError(WHERE, '`path` (a Unix socket) cannot be combined with `host` or `port`.');
    return { path: resolvePath(o.path) };
  }
  if (o.port !== undefined && !(Number.isInteger(o.port) && o.port >= 0 && o.port <= 65_535))
    throw argumentError(WHERE, `\`port\` must be an integer from 0 to 65535, got ${String(o.port)}.`);
  if (o.host !== undefined && (typeof o.host !== 'string' || o.host.length === 0))
    throw argumentError(WHERE, `\`host\` must be a non-empty string, got ${String(o.host)}.`);
  const host = o.host ?? (o.listenOnAllInterfaces ? '0.0.0.0' : '127.0.0.1');
  if (!isLoopback(host) && o.listenOnAllInterfaces !== true) {
    throw new Error(
      `${WHERE}: refusing to listen on ${JSON.stringify(host)}, which is not a loopback address: anyone who can reach it could try to drive this test's clock. Pass \`listenOnAllInterfaces: true\` to allow followers on other hosts or containers (they still need the token).`,
    );
  }
  return { host, port: o.port ?? 0 };
}

export function checkShareOptions(options: unknown): {
  followerTimeout: number;
  maxFollowers: number;
  endpoint: Endpoints;
} {
  const o = checkOptions(WHERE, options, SHARE_KEYS) as ShareOptions;
  const followerTimeout = o.followerTimeout ?? DEFAULT_FOLLOWER_TIMEOUT;
  if (
    typeof followerTimeout !== 'number' ||
    !Number.isFinite(followerTimeout) ||
    followerTimeout <= 0 ||
    followerTimeout > 2_147_483_647
  ) {
    throw argumentError(
      WHERE,
      `\`followerTimeout\` must be a finite number of milliseconds > 0, got ${String(o.followerTimeout)}.`,
    );
  }
  const maxFollowers = o.maxFollowers ?? DEFAULT_MAX_FOLLOWERS;
  if (!Number.isSafeInteger(maxFollowers) || maxFollowers < 1)
    throw argumentError(WHERE, `\`maxFollowers\` must be a whole number >= 1, got ${String(maxFollowers)}.`);
  return { followerTimeout, maxFollowers, endpoint: checkEndpoint(o) };
}

/** The address followers should dial: the wildcard addresses are replaced by one they can reach. */
function advertisedHost(host: string): string {
  if (host !== '0.0.0.0' && host !== '::') return host;
  for (const list of Object.values(networkInterfaces())) {
    for (const address of list ?? []) if (address.family === 'IPv4' && !address.internal) return address.address;
  }
  return '127.0.0.1';
}

async function listenOn(endpoint: Endpoints): Promise<{ server: Server; bound: Endpoint }> {
  const server = createServer({ noDelay: true });
  await new Promise<void>((resolve, reject) => {
    const onError = (error: Error): void => {
      server.close();
      reject(
        new Error(
          `${WHERE}: cannot listen on ${'path' in endpoint ? endpoint.path : `${endpoint.host}:${endpoint.port}`}: ${error.message}`,
          { cause: error },
        ),
      );
    };
    server.once('error', onError);
    const done = (): void => {
      server.off('error', onError);
      resolve();
    };
    if ('path' in endpoint) server.listen(endpoint.path, done);
    else server.listen(endpoint.port, endpoint.host, done);
  });
  // The server never keeps the process alive by itself; a step in progress does (its ack timer).
  server.unref();
  server.on('error', () => {});
  const address = server.address();
  const bound: Endpoint =
    'path' in endpoint
      ? endpoint
      : {
          host: advertisedHost(endpoint.host),
          port: typeof address === 'object' && address ? address.port : endpoint.port,
        };
  return { server, bound };
}

export class ClockLeader implements SharedClock, SkewControl {
  readonly url: string;
  readonly env: { readonly UNFLAKE_CLOCK_URL: string; readonly UNFLAKE_CLOCK_TOKEN: string };
  readonly #host: LeaderHost;
  readonly #server: Server;
  readonly #connections: Connections;
  readonly #barrier: Barrier;
  readonly #followerWaiters: CountWaiters;
  #closing: Promise<void> | undefined;

  private constructor(
    host: LeaderHost,
    server: Server,
    endpoint: Endpoint,
    token: Buffer,
    limits: { followerTimeout: number; maxFollowers: number },
  ) {
    this.#host = host;
    this.#server = server;
    this.url = formatClockUrl(endpoint);
    this.env = Object.freeze({ UNFLAKE_CLOCK_URL: this.url, UNFLAKE_CLOCK_TOKEN: token.toString('hex') });
    const changed = (): void => {
      this.#followerWaiters.notify();
      host.changed();
    };
    this.#connections = new Connections(
      { now: () => host.now(), monotonic: () => host.monotonic(), stepping: () => this.#barrier.stepping, changed },
      { token, ...limits },
    );
    this.#barrier = new Barrier(host, this.#connections, (where) => {
      if (this.#closing) throw new Error(`${where}: the shared clock was closed.`);
    });
    this.#followerWaiters = new CountWaiters(() => this.#connections.followers().length);
    server.on('connection', (socket) => this.#connections.accept(socket));
  }

  static async listen(host: LeaderHost, options: ShareOptions): Promise<ClockLeader> {
    const { followerTimeout, maxFollowers, endpoint } = checkShareOptions(options);
    const { server, bound } = await listenOn(endpoint);
    return new ClockLeader(host, server, bound, randomBytes(32), { followerTimeout, maxFollowers });
  }

  get followers(): readonly FollowerInfo[] {
    return this.#connections.list();
  }

  /** Pending timers of all followers. */
  followersPending(): number {
    return this.#connections.pending();
  }

  /** The earliest due time of leader and followers, on the monotonic timeline. */
  nextDue(): number | undefined {
    return this.#barrier.nextDue();
  }

  waitForFollowers(count = 1, options: { timeout?: number; signal?: AbortSignal } = {}): Promise<void> {
    const where = 'SharedClock.waitForFollowers()';
    if (this.#closing) return Promise.reject(new Error(`${where}: the shared clock is closed.`));
    return this.#followerWaiters.wait({
      where,
      count,
      options,
      defaultTimeout: 5_000,
      timedOut: (attachedCount, timeout) => {
        const attached = this.followers.map((f) => `${JSON.stringify(f.name)} (pid ${f.pid})`);
        return new Error(
          `SharedClock.waitForFollowers(${String(count)}): ${attachedCount} follower(s) attached after ${timeout} ms of real time${attached.length ? `: ${attached.join(', ')}` : ''}. Did the child get the share's env (UNFLAKE_CLOCK_URL, UNFLAKE_CLOCK_TOKEN) and start with --import unflake/clock/register or call clockFromEnv()?`,
        );
      },
    });
  }

  /** The barrier; calls are serialized. */
  advance(ms: number, where: string): Promise<void> {
    return this.#barrier.advance(ms, where);
  }

  /** Steps to the merged next due time (runNextAsync) or through every due time until none is left (runAllAsync). */
  run(mode: 'next' | 'all', where: string): Promise<void> {
    return this.#barrier.run(mode, where);
  }

  /** A wall-clock jump (TestClock#set): every follower jumps too; nothing fires. */
  set(now: number): void {
    for (const c of this.#connections.followers()) this.#connections.send(c, { type: 'set', now });
  }

  /**
   * Skews the wall clock of every follower named `follower` (or with that pid): `now()` and `Date`
   * there read the leader's plus `offset` plus `driftPpm` millionths of the time since; `null` removes
   * it. Monotonic time and the firing order do not change. Resolves once they have applied it.
   */
  skew(follower: string | number, skew: Skew | null): Promise<void> {
    const where = 'SharedClock.skew()';
    let parsed: { offset: number; driftPpm: number } | null;
    try {
      if (
        !(typeof follower === 'string' && follower.length > 0) &&
        !(Number.isSafeInteger(follower) && (follower as number) > 0)
      ) {
        throw argumentError(
          where,
          `\`follower\` must be a follower's name (a non-empty string) or its pid (an integer > 0), got ${String(follower)}.`,
        );
      }
      if (skew === undefined)
        throw argumentError(where, '`skew` must be `{ offset, driftPpm }` or null (to remove it), got undefined.');
      parsed = checkSkew(where, skew);
    } catch (error) {
      return Promise.reject(error);
    }
    if (this.#closing) return Promise.reject(new Error(`${where}: the shared clock is closed.`));
    const targets = this.#connections
      .followers()
      .filter((c) => (typeof follower === 'string' ? c.name === follower : c.pid === follower));
    if (targets.length === 0) {
      const attached = this.followers.map((f) => `${JSON.stringify(f.name)} (pid ${f.pid})`).join(', ') || 'none';
      return Promise.reject(
        new Error(
          `${where}: no follower named or with pid ${JSON.stringify(follower)} is attached (attached: ${attached}).`,
        ),
      );
    }
    const old = targets.find((c) => c.v < 2);
    if (old)
      return Promise.reject(
        new Error(
          `${where}: follower ${JSON.stringify(old.name)} (pid ${old.pid}) speaks protocol version ${old.v}, which has no skew (version 2 added it); run the same unflake version in it as in the test.`,
        ),
      );
    return this.#barrier.atInstant(where, () => {
      const frame = {
        type: 'skew' as const,
        offset: parsed?.offset ?? 0,
        driftPpm: parsed?.driftPpm ?? 0,
        monotonic: this.#host.monotonic(),
      };
      for (const c of targets) this.#connections.send(c, frame);
    });
  }

  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  async #close(): Promise<void> {
    this.#followerWaiters.failAll(new Error('SharedClock.waitForFollowers(): the shared clock was closed.'));
    const sockets = this.#connections.closeAll();
    await Promise.all([sockets, new Promise<void>((resolve) => this.#server.close(() => resolve()))]);
    this.#host.detached();
  }
}
