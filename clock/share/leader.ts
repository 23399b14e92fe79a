/**
 * The leader side of a shared TestClock: a listener that followers (other processes, worker threads)
 * attach to, and the barrier that advances all of them in one global order.
 *
 * Barrier (advanceAsync(ms)): target = monotonic + ms; repeat { next = min(the leader's next due
 * time, every follower's) ; if next > target stop ; step everyone to next: send `step`, fire the
 * leader's own timers up to next, await every `ack` within followerTimeout } ; then step everyone to
 * target. A follower that does not ack in time, disconnects or breaks the protocol is removed and the
 * advance rejects naming it; the others are at the step's time and the next advance carries on.
 *
 * Loaded on the first `TestClock#share()` only. Every real timer here comes from src/time/realTime.ts
 * and is cleared by close().
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, isIP, type Server, type Socket } from 'node:net';
import { networkInterfaces } from 'node:os';
import { resolve as resolvePath } from 'node:path';
import { clearRealTimeout, setRealTimeout, type RealTimerHandle } from '../../src/time/realTime.ts';
import { encodeFrame, FrameReader, formatClockUrl, parseFollowerFrame, PROTOCOL_VERSION, ProtocolError, type Endpoint, type FollowerFrame, type LeaderFrame } from './protocol.ts';
import { FollowerLostError } from './errors.ts';
import { checkMs } from '../../src/options/checkMs.ts';
import { realSetImmediate } from './realImmediate.ts';
import type { FollowerInfo, ShareOptions, SharedClock } from './types.ts';

/** What the leader needs from its TestClock. */
export interface LeaderHost {
  now(): number;
  monotonic(): number;
  /** The leader's own next due time on its monotonic timeline, or undefined. */
  localNextDue(): number | undefined;
  localPending(): number;
  /** Fires the leader's own timers up to `monotonic` (tickAsync). */
  tickTo(monotonic: number): Promise<void>;
  /** Something changed the merged pending count (waitForTimers). */
  changed(): void;
  loopLimit: number;
  /** The share has closed: the TestClock is local again. */
  detached(): void;
}

const DEFAULT_FOLLOWER_TIMEOUT = 5_000;
/** Followers (past their hello) one share accepts unless `maxFollowers` says otherwise. */
const DEFAULT_MAX_FOLLOWERS = 64;
/**
 * Connections waiting to say hello. A full set never refuses a newcomer: it closes the one that has
 * waited longest, so idle sockets cannot lock real followers out (a follower sends its hello with
 * its connect, well before 64 later connections arrive).
 */
const MAX_HANDSHAKES = 64;
/** The most real ms a connection has to say hello (less when followerTimeout is shorter). */
const HANDSHAKE_TIMEOUT = 2_000;

type Reason = 'timeout' | 'disconnected' | 'protocol' | 'closed';
class AckFailure {
  readonly reason: Reason;
  readonly detail: string;
  constructor(reason: Reason, detail: string) {
    this.reason = reason;
    this.detail = detail;
  }
}

interface Outstanding {
  seq: number;
  to: number;
  monotonic: number;
  resolve: () => void;
  reject: (failure: AckFailure) => void;
  timer: RealTimerHandle;
}

interface Connection {
  socket: Socket;
  reader: FrameReader;
  state: 'handshake' | 'joining' | 'follower' | 'gone';
  helloTimer: RealTimerHandle | undefined;
  name: string;
  pid: number;
  pending: number;
  nextDue: number | null;
  outstanding: Outstanding | undefined;
}

function isLoopback(host: string): boolean {
  if (host === 'localhost' || host === '::1') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return /^::ffff:127\./i.test(host);
}

function describeFollower(c: { name: string; pid: number }): string {
  return `follower ${JSON.stringify(c.name)} (pid ${c.pid})`;
}

export function checkShareOptions(options: unknown): { followerTimeout: number; maxFollowers: number; endpoint: { host: string; port: number } | { path: string } } {
  const where = 'TestClock.share()';
  if (options === null || typeof options !== 'object') throw new TypeError(`${where}: options must be an object, got ${String(options)}.`);
  const o = options as ShareOptions & Record<string, unknown>;
  const known = ['host', 'port', 'path', 'followerTimeout', 'maxFollowers', 'listenOnAllInterfaces'];
  for (const key of Object.keys(o)) if (!known.includes(key)) throw new TypeError(`${where}: unknown option \`${key}\`; it takes ${known.map((k) => `\`${k}\``).join(', ')}.`);
  const followerTimeout = o.followerTimeout ?? DEFAULT_FOLLOWER_TIMEOUT;
  if (typeof followerTimeout !== 'number' || !Number.isFinite(followerTimeout) || followerTimeout <= 0 || followerTimeout > 2_147_483_647) {
    throw new TypeError(`${where}: \`followerTimeout\` must be a finite number of milliseconds > 0, got ${String(o.followerTimeout)}.`);
  }
  const maxFollowers = (o as { maxFollowers?: unknown }).maxFollowers ?? DEFAULT_MAX_FOLLOWERS;
  if (!Number.isSafeInteger(maxFollowers) || (maxFollowers as number) < 1) throw new TypeError(`${where}: \`maxFollowers\` must be a whole number >= 1, got ${String(maxFollowers)}.`);
  if (o.listenOnAllInterfaces !== undefined && typeof o.listenOnAllInterfaces !== 'boolean') throw new TypeError(`${where}: \`listenOnAllInterfaces\` must be a boolean, got ${String(o.listenOnAllInterfaces)}.`);
  if (o.path !== undefined) {
    if (typeof o.path !== 'string' || o.path.length === 0) throw new TypeError(`${where}: \`path\` must be a non-empty string (a Unix socket path), got ${String(o.path)}.`);
    if (o.host !== undefined || o.port !== undefined) throw new TypeError(`${where}: \`path\` (a Unix socket) cannot be combined with \`host\` or \`port\`.`);
    return { followerTimeout, maxFollowers: maxFollowers as number, endpoint: { path: resolvePath(o.path) } };
  }
  if (o.port !== undefined && !(Number.isInteger(o.port) && o.port >= 0 && o.port <= 65_535)) throw new TypeError(`${where}: \`port\` must be an integer from 0 to 65535, got ${String(o.port)}.`);
  if (o.host !== undefined && (typeof o.host !== 'string' || o.host.length === 0)) throw new TypeError(`${where}: \`host\` must be a non-empty string, got ${String(o.host)}.`);
  const host = o.host ?? (o.listenOnAllInterfaces ? '0.0.0.0' : '127.0.0.1');
  if (!isLoopback(host) && o.listenOnAllInterfaces !== true) {
    throw new Error(
      `${where}: refusing to listen on ${JSON.stringify(host)}, which is not a loopback address: anyone who can reach it could try to drive this test's clock. Pass \`listenOnAllInterfaces: true\` to allow followers on other hosts or containers (they still need the token).`,
    );
  }
  return { followerTimeout, maxFollowers: maxFollowers as number, endpoint: { host, port: o.port ?? 0 } };
}

/** The address followers should dial: the wildcard addresses are replaced by one they can reach. */
function advertisedHost(host: string): string {
  if (host !== '0.0.0.0' && host !== '::') return host;
  for (const list of Object.values(networkInterfaces())) {
    for (const address of list ?? []) if (address.family === 'IPv4' && !address.internal) return address.address;
  }
  return '127.0.0.1';
}

export class ClockLeader implements SharedClock {
  readonly url: string;
  readonly env: { readonly UNFLAKE_CLOCK_URL: string; readonly UNFLAKE_CLOCK_TOKEN: string };
  readonly #host: LeaderHost;
  readonly #server: Server;
  readonly #token: Buffer;
  readonly #followerTimeout: number;
  readonly #maxFollowers: number;
  readonly #connections = new Set<Connection>();
  #seq = 0;
  #stepping = false;
  #queue: Promise<unknown> = Promise.resolve();
  #closing: Promise<void> | undefined;
  #followerWaiters = new Set<{ count: number; settle: (error?: Error) => void }>();

  private constructor(host: LeaderHost, server: Server, endpoint: Endpoint, token: Buffer, limits: { followerTimeout: number; maxFollowers: number }) {
    this.#host = host;
    this.#server = server;
    this.#token = token;
    this.#followerTimeout = limits.followerTimeout;
    this.#maxFollowers = limits.maxFollowers;
    this.url = formatClockUrl(endpoint);
    this.env = Object.freeze({ UNFLAKE_CLOCK_URL: this.url, UNFLAKE_CLOCK_TOKEN: token.toString('hex') });
    server.on('connection', (socket) => this.#accept(socket));
  }

  static async listen(host: LeaderHost, options: ShareOptions): Promise<ClockLeader> {
    const { followerTimeout, maxFollowers, endpoint } = checkShareOptions(options);
    const server = createServer({ noDelay: true });
    await new Promise<void>((resolve, reject) => {
      const onError = (error: Error): void => {
        server.close();
        reject(new Error(`TestClock.share(): cannot listen on ${'path' in endpoint ? endpoint.path : `${endpoint.host}:${endpoint.port}`}: ${error.message}`, { cause: error }));
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
    const bound: Endpoint = 'path' in endpoint ? endpoint : { host: advertisedHost(endpoint.host), port: typeof address === 'object' && address ? address.port : endpoint.port };
    return new ClockLeader(host, server, bound, randomBytes(32), { followerTimeout, maxFollowers });
  }

  get followers(): readonly FollowerInfo[] {
    const list: FollowerInfo[] = [];
    for (const c of this.#connections) if (c.state === 'follower') list.push(Object.freeze({ name: c.name, pid: c.pid, pending: c.pending, nextDue: c.nextDue }));
    return Object.freeze(list);
  }

  /** Pending timers of all followers. */
  followersPending(): number {
    let sum = 0;
    for (const c of this.#connections) if (c.state === 'follower') sum += c.pending;
    return sum;
  }

  /** The earliest due time of leader and followers, on the monotonic timeline. */
  nextDue(): number | undefined {
    let next = this.#host.localNextDue();
    for (const c of this.#connections) if (c.state === 'follower' && c.nextDue !== null && (next === undefined || c.nextDue < next)) next = c.nextDue;
    return next;
  }

  waitForFollowers(count = 1, options: { timeout?: number; signal?: AbortSignal } = {}): Promise<void> {
    const where = `SharedClock.waitForFollowers(${String(count)})`;
    if (!Number.isInteger(count) || count < 1) return Promise.reject(new TypeError(`${where}: \`count\` must be a whole number >= 1.`));
    const timeout = options.timeout ?? 5_000;
    try {
      checkMs(where, 'timeout', timeout);
    } catch (error) {
      return Promise.reject(error);
    }
    if (this.#closing) return Promise.reject(new Error(`${where}: the shared clock is closed.`));
    if (this.followers.length >= count) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const { signal } = options;
      const onAbort = (): void => settle(signal!.reason as Error);
      const timer = setRealTimeout(() => {
        const attached = this.followers.map((f) => `${JSON.stringify(f.name)} (pid ${f.pid})`);
        settle(new Error(`${where}: ${attached.length} follower(s) attached after ${timeout} ms of real time${attached.length ? `: ${attached.join(', ')}` : ''}. Did the child get the share's env (UNFLAKE_CLOCK_URL, UNFLAKE_CLOCK_TOKEN) and start with --import unflake/clock/register or call clockFromEnv()?`));
      }, timeout);
      const waiter = {
        count,
        settle: (error?: Error): void => settle(error),
      };
      const settle = (error?: Error): void => {
        clearRealTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.#followerWaiters.delete(waiter);
        if (error) reject(error);
        else resolve();
      };
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#followerWaiters.add(waiter);
    });
  }

  // --- advancing ---------------------------------------------------------------------------------

  /** The barrier; calls are serialized. */
  advance(ms: number, where: string): Promise<void> {
    const run = (): Promise<void> => this.#advance(ms, where);
    const result = this.#queue.then(run, run);
    this.#queue = result.catch(() => {});
    return result;
  }

  /** Steps to the merged next due time (runNextAsync) or through every due time until none is left (runAllAsync). */
  run(mode: 'next' | 'all', where: string): Promise<void> {
    const run = async (): Promise<void> => {
      for (let i = 0; i < this.#host.loopLimit; i++) {
        const next = this.nextDue();
        if (next === undefined) return;
        await this.#step(Math.max(next, this.#host.monotonic()), where);
        if (mode === 'next') return;
      }
      throw new Error(`${where}: still ${this.#host.localPending() + this.followersPending()} timer(s) pending after ${this.#host.loopLimit} steps (loopLimit); a timer on the leader or a follower probably reschedules itself forever.`);
    };
    const result = this.#queue.then(run, run);
    this.#queue = result.catch(() => {});
    return result;
  }

  /** A wall-clock jump (TestClock#set): every follower jumps too; nothing fires. */
  set(now: number): void {
    for (const c of this.#connections) if (c.state === 'follower') this.#write(c, { type: 'set', now });
  }

  async #advance(ms: number, where: string): Promise<void> {
    this.#assertOpen(where);
    const target = this.#host.monotonic() + ms;
    let stalled = 0;
    for (;;) {
      const next = this.nextDue();
      if (next === undefined || next > target) break;
      const before = this.#host.monotonic();
      await this.#step(Math.max(next, before), where);
      // Steps that do not move time (timers due "now") are bounded like runAll's loopLimit.
      stalled = this.#host.monotonic() > before ? 0 : stalled + 1;
      if (stalled > this.#host.loopLimit) {
        throw new Error(`${where}: ${stalled} steps in a row at the same instant (loopLimit ${this.#host.loopLimit}); a timer due "now" keeps being rescheduled on the leader or a follower.`);
      }
    }
    if (this.#host.monotonic() < target) await this.#step(target, where);
  }

  async #step(monotonic: number, where: string): Promise<void> {
    this.#assertOpen(where);
    const seq = ++this.#seq;
    const to = this.#host.now() + (monotonic - this.#host.monotonic());
    const step = { seq, to, monotonic };
    const participants = [...this.#connections].filter((c) => c.state === 'follower');
    this.#stepping = true;
    const acks = participants.map((c) => this.#sendStep(c, step));
    let localError: unknown;
    try {
      await this.#host.tickTo(monotonic);
    } catch (error) {
      localError = error ?? new Error('a timer threw');
    }
    const results = await Promise.all(acks);
    this.#stepping = false;
    // Followers that said hello during the step join at its end, at one consistent instant.
    for (const c of this.#connections) if (c.state === 'joining') this.#welcome(c);
    this.#host.changed();
    if (localError !== undefined) throw localError;
    const failed = participants.filter((_, i) => results[i] !== undefined);
    if (failed.length === 0) return;
    const lines = failed.map((c) => `  - ${describeFollower(c)} ${(results[participants.indexOf(c)] as AckFailure).detail}`);
    const remaining = this.followers.length;
    const when = `step #${seq} (to monotonic ${monotonic} ms, ${new Date(to).toISOString()})`;
    const message =
      `${where}: ${failed.length === 1 ? `${describeFollower(failed[0]!)} did not finish` : `${failed.length} followers did not finish`} ${when}:\n${lines.join('\n')}\n` +
      `${failed.length === 1 ? 'It has' : 'They have'} been removed from the shared clock. The clock stopped at that step; ${remaining} follower(s) remain and the next advanceAsync carries on with them.`;
    throw new FollowerLostError(
      message,
      failed.map((c) => ({ name: c.name, pid: c.pid, reason: (results[participants.indexOf(c)] as AckFailure).reason })),
      step,
    );
  }

  /** Resolves to undefined on ack, or to the failure (the follower is then gone). Never rejects. */
  #sendStep(c: Connection, step: { seq: number; to: number; monotonic: number }): Promise<AckFailure | undefined> {
    return new Promise<AckFailure | undefined>((resolve) => {
      const timer = setRealTimeout(() => {
        this.#drop(c, new AckFailure('timeout', `did not acknowledge within followerTimeout (${this.#followerTimeout} ms of real time); it may be stopped, blocked in a synchronous loop or deadlocked`), 'no ack within followerTimeout');
      }, this.#followerTimeout);
      c.outstanding = {
        ...step,
        timer,
        resolve: () => resolve(undefined),
        reject: (failure) => resolve(failure),
      };
      this.#write(c, { type: 'step', ...step });
    });
  }

  #assertOpen(where: string): void {
    if (this.#closing) throw new Error(`${where}: the shared clock was closed.`);
  }

  // --- connections -------------------------------------------------------------------------------

  #accept(socket: Socket): void {
    if (this.#closing) return void socket.destroy();
    this.#makeHandshakeRoom();
    socket.setNoDelay(true);
    socket.unref();
    const c: Connection = {
      socket,
      reader: new FrameReader(),
      state: 'handshake',
      helloTimer: undefined,
      name: '(handshake)',
      pid: 0,
      pending: 0,
      nextDue: null,
      outstanding: undefined,
    };
    const deadline = Math.min(this.#followerTimeout, HANDSHAKE_TIMEOUT);
    // One real macrotask after the deadline, so a hello that arrived meanwhile (a busy leader) is read first.
    c.helloTimer = setRealTimeout(() => realSetImmediate()(() => c.state === 'handshake' && this.#reject(c, `no hello within ${deadline} ms`)), deadline);
    this.#connections.add(c);
    socket.on('data', (chunk: Buffer) => this.#onData(c, chunk));
    socket.on('error', () => {});
    socket.on('close', () => this.#drop(c, new AckFailure('disconnected', 'disconnected (its process exited or crashed, or it closed its clock)')));
  }

  /** Closes the connection that has waited longest for its hello when every handshake slot is taken. */
  #makeHandshakeRoom(): void {
    const waiting = [...this.#connections].filter((c) => c.state === 'handshake');
    if (waiting.length < MAX_HANDSHAKES) return;
    this.#reject(waiting[0]!, `closed without a hello: ${MAX_HANDSHAKES} connections were waiting to say hello (the limit) and this one had waited longest`);
  }

  #onData(c: Connection, chunk: Buffer): void {
    if (c.state === 'gone') return;
    try {
      for (const line of c.reader.push(chunk)) {
        this.#onFrame(c, parseFollowerFrame(line));
        if ((c.state as Connection['state']) === 'gone') return;
      }
    } catch (error) {
      if (!(error instanceof ProtocolError)) throw error;
      this.#reject(c, error.message);
    }
  }

  #onFrame(c: Connection, frame: FollowerFrame): void {
    if (c.state === 'handshake') {
      if (frame.type !== 'hello') throw new ProtocolError(`expected \`hello\` first, got \`${frame.type}\``);
      if (frame.v !== PROTOCOL_VERSION) throw new ProtocolError(`protocol version ${frame.v} is not supported; this leader speaks version ${PROTOCOL_VERSION}`);
      const token = Buffer.from(frame.token, 'utf8');
      if (token.length !== this.#token.length * 2 || !timingSafeEqual(token, Buffer.from(this.#token.toString('hex'), 'utf8'))) throw new ProtocolError('wrong token');
      clearRealTimeout(c.helloTimer);
      c.helloTimer = undefined;
      const attached = [...this.#connections].filter((other) => other.state === 'joining' || other.state === 'follower').length;
      if (attached >= this.#maxFollowers) {
        const max = this.#maxFollowers;
        const refusal = `${max} follower${max === 1 ? ' is' : 's are'} already attached (the limit, maxFollowers ${max}); close one first, or share the clock with a higher maxFollowers`;
        return this.#drop(c, new AckFailure('protocol', `was refused: ${refusal}`), refusal);
      }
      c.name = frame.name;
      c.pid = frame.pid;
      c.state = 'joining';
      if (!this.#stepping) this.#welcome(c);
      return;
    }
    switch (frame.type) {
      case 'hello':
        throw new ProtocolError('`hello` sent twice');
      case 'bye': {
        // Leaving on purpose is not a failure: an outstanding step counts as done (it fires nothing more).
        const outstanding = c.outstanding;
        c.outstanding = undefined;
        if (outstanding) {
          clearRealTimeout(outstanding.timer);
          outstanding.resolve();
        }
        this.#drop(c, new AckFailure('disconnected', 'left'));
        return;
      }
      case 'state':
        c.pending = frame.pending;
        c.nextDue = frame.nextDue;
        if (c.state === 'follower') this.#host.changed();
        return;
      case 'ack': {
        const outstanding = c.outstanding;
        if (!outstanding) throw new ProtocolError(`\`ack\` for step #${frame.seq}, but no step is outstanding`);
        if (frame.seq !== outstanding.seq) throw new ProtocolError(`\`ack\` for step #${frame.seq}, but step #${outstanding.seq} is outstanding`);
        c.pending = frame.pending;
        c.nextDue = frame.nextDue;
        c.outstanding = undefined;
        clearRealTimeout(outstanding.timer);
        outstanding.resolve();
        return;
      }
    }
  }

  #welcome(c: Connection): void {
    c.state = 'follower';
    this.#write(c, { type: 'welcome', v: PROTOCOL_VERSION, now: this.#host.now(), monotonic: this.#host.monotonic() });
    const count = this.followers.length;
    for (const waiter of [...this.#followerWaiters]) if (count >= waiter.count) waiter.settle();
    this.#host.changed();
  }

  #write(c: Connection, frame: LeaderFrame): void {
    if (!c.socket.destroyed && c.socket.writable) c.socket.write(encodeFrame(frame));
  }

  /** A protocol violation: tell the peer why (when it can still hear it), then close that connection only. */
  #reject(c: Connection, message: string): void {
    this.#drop(c, new AckFailure('protocol', `broke the protocol: ${message}`), message);
  }

  /** Removes a connection, failing its outstanding step; `errorMessage` is sent as an `error` frame first. */
  #drop(c: Connection, failure: AckFailure, errorMessage?: string): void {
    if (c.state === 'gone') return;
    const wasFollower = c.state === 'follower';
    c.state = 'gone';
    clearRealTimeout(c.helloTimer);
    c.helloTimer = undefined;
    this.#connections.delete(c);
    const { socket } = c;
    if (errorMessage !== undefined && !socket.destroyed && socket.writable) {
      socket.end(encodeFrame({ type: 'error', message: errorMessage }), () => socket.destroy());
      // A peer that never reads (or never closes its side) must not keep the socket open.
      setImmediateUnref(() => socket.destroy());
    } else {
      socket.destroy();
    }
    const outstanding = c.outstanding;
    c.outstanding = undefined;
    if (outstanding) {
      clearRealTimeout(outstanding.timer);
      outstanding.reject(failure);
    }
    if (wasFollower) this.#host.changed();
  }

  // --- closing -----------------------------------------------------------------------------------

  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  async #close(): Promise<void> {
    for (const waiter of [...this.#followerWaiters]) waiter.settle(new Error('SharedClock.waitForFollowers(): the shared clock was closed.'));
    const closed: Promise<void>[] = [];
    for (const c of [...this.#connections]) {
      const { socket } = c;
      closed.push(socket.destroyed ? Promise.resolve() : new Promise<void>((resolve) => socket.once('close', () => resolve())));
      if (c.state === 'follower' || c.state === 'joining') {
        const bye = { type: 'bye', reason: 'the leader closed the shared clock' } as const;
        c.state = 'gone';
        this.#connections.delete(c);
        clearRealTimeout(c.helloTimer);
        const outstanding = c.outstanding;
        c.outstanding = undefined;
        if (outstanding) {
          clearRealTimeout(outstanding.timer);
          outstanding.reject(new AckFailure('closed', 'was still stepping when the shared clock was closed'));
        }
        if (socket.writable) socket.end(encodeFrame(bye), () => socket.destroy());
        setImmediateUnref(() => socket.destroy());
      } else {
        this.#drop(c, new AckFailure('closed', 'closed'));
      }
    }
    await Promise.all([...closed, new Promise<void>((resolve) => this.#server.close(() => resolve()))]);
    this.#host.detached();
  }
}

/** One real macrotask later (setImmediate from node:timers, whatever fake timers are installed). */
function setImmediateUnref(callback: () => void): void {
  realSetImmediate()(callback);
}
