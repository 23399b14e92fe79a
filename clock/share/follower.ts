/**
 * The follower side of a shared clock: a local fake-timers clock (a TestClock underneath, never
 * advanced by this process) whose time moves only when the leader says `step`.
 *
 * On `step {seq, to, monotonic}` it fires its due timers up to there, each at its own due time, lets
 * promise continuations settle (one real macrotask), and answers `ack` with its new pending count
 * and next due time. Between steps it reports changes of its timer set (`state`, coalesced per
 * microtask), and fires an installed setImmediate by itself (with whatever else is due at that instant):
 * it does not move time. A `setTimeout(fn, 0)` is due now but, as on a TestClock, waits for the leader's
 * next advance (`advanceAsync(0)` is enough). Its socket keeps the process alive only while it has pending
 * timers, as real timers do.
 *
 * When it loses the leader (the leader exited, closed, or refused it) time stands still: pending
 * and new `sleep`s reject, timers never fire, and the process can exit. An unexpected loss is said
 * on stderr.
 */
import { connect, type Socket } from 'node:net';
import type { TimerId } from '../Clock.ts';
import type { FakeableGlobal, InstallHandle } from '../installGlobals.ts';
import { bindMethods, checkCallback, CLOCK_METHODS, convertDelay, sleepArgs } from '../clockContract.ts';
import { virtualSignalDelay } from '../testClockRules.ts';
import { sleepOn, timeoutSignalOn } from '../sleepOn.ts';
import type { TestClock } from '../TestClock.ts';
import { immediateDue, lostClockError, rethrowLater, watchTimerSet } from './followerTimers.ts';
import {
  encodeFrame,
  FrameReader,
  parseClockUrl,
  parseLeaderFrame,
  ProtocolError,
  type FollowerFrame,
  type LeaderFrame,
  type StepFrame,
  type WelcomeFrame,
} from './protocol.ts';
import type { FollowerClock } from './types.ts';
import { FollowerTime } from './followerTime.ts';
import { awaitWelcome, readConnectOptions, type ConnectClockOptions } from './followerHandshake.ts';

export { defaultFollowerName, type ConnectClockOptions } from './followerHandshake.ts';

/** Connects to a shared clock (`share.url`; the token defaults to UNFLAKE_CLOCK_TOKEN) and follows it. */
export async function connectClock(url: string, options: ConnectClockOptions = {}): Promise<FollowerClock> {
  const { name, token, timeout, skew } = readConnectOptions(options);
  const endpoint = parseClockUrl(url, 'connectClock()');
  const socket =
    'path' in endpoint
      ? connect({ path: endpoint.path })
      : connect({ host: endpoint.host, port: endpoint.port, noDelay: true });
  socket.setNoDelay?.(true);
  const reader = new FrameReader();
  const early: Buffer[] = [];
  const welcome = await awaitWelcome(socket, reader, early, { url, timeout, token, name });
  return new SharedFollower(socket, reader, welcome, early, { url, name, skew });
}

const METHODS = [...CLOCK_METHODS, 'install', 'close'] as const;

class SharedFollower implements FollowerClock {
  readonly #socket: Socket;
  readonly #reader: FrameReader;
  readonly #time: FollowerTime;
  readonly #local: TestClock;
  readonly #url: string;
  readonly #name: string;
  readonly #lost = new AbortController();
  #chain: Promise<void> = Promise.resolve();
  #lastSeq = 0;
  #inStep = false;
  #reportQueued = false;
  #closed: Promise<void> | undefined;

  constructor(
    socket: Socket,
    reader: FrameReader,
    welcome: WelcomeFrame,
    early: Buffer[],
    info: { url: string; name: string; skew: { offset: number; driftPpm: number } | null },
  ) {
    this.#socket = socket;
    this.#reader = reader;
    this.#url = info.url;
    this.#name = info.name;
    this.#time = new FollowerTime(welcome, info.skew);
    this.#local = this.#time.local;
    watchTimerSet(this.#local.fake, () => this.#timerSetChanged());
    bindMethods(this, METHODS);
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('error', (error: Error) => this.#lose(`connection error: ${error.message}`, true));
    socket.on('close', () => this.#lose('the connection closed without a bye (the leader exited or crashed)', true));
    this.#updateRef();
    // A process that ends normally leaves with a bye, so the leader does not take it for a crash.
    process.on('beforeExit', this.#onBeforeExit);
    process.on('exit', this.#onExit);
    for (const chunk of early) this.#onData(chunk);
  }

  readonly #onBeforeExit = (): void => this.#leave('its event loop is empty');
  readonly #onExit = (code: number): void => {
    if (code === 0) this.#leave('it exited');
  };

  #leave(reason: string): void {
    if (!this.connected) return;
    this.#send({ type: 'bye', reason });
    this.#lose(`this follower left: ${reason}`, false);
  }

  // --- Clock -------------------------------------------------------------------------------------

  get connected(): boolean {
    return !this.#lost.signal.aborted;
  }

  get pending(): number {
    return this.#local.fake.countTimers();
  }

  now(): number {
    return this.#local.now();
  }

  monotonic(): number {
    return this.#local.monotonic();
  }

  // Checked here too, so an error names FollowerClock; the local TestClock applies the same rules.
  setTimeout<A extends unknown[]>(callback: (...args: A) => void, ms?: number, ...args: A): TimerId {
    checkCallback('FollowerClock.setTimeout()', callback);
    return this.#local.setTimeout(callback, convertDelay('FollowerClock.setTimeout()', ms), ...args);
  }

  clearTimeout(id: TimerId): void {
    this.#local.clearTimeout(id);
  }

  setInterval<A extends unknown[]>(callback: (...args: A) => void, ms?: number, ...args: A): TimerId {
    checkCallback('FollowerClock.setInterval()', callback);
    return this.#local.setInterval(callback, convertDelay('FollowerClock.setInterval()', ms), ...args);
  }

  clearInterval(id: TimerId): void {
    this.#local.clearInterval(id);
  }

  /** As every Clock's sleep; also rejects (at once, or when it happens) once this follower lost the leader. */
  async sleep(ms?: number, options?: { signal?: AbortSignal }): Promise<void> {
    const { after, signal } = sleepArgs('FollowerClock.sleep()', ms, options);
    return sleepOn(
      (callback, delay) => this.#local.setTimeout(callback, delay),
      (id) => this.#local.clearTimeout(id),
      after,
      [signal, this.#lost.signal],
    );
  }

  /** Aborts with a `TimeoutError` once the leader has stepped past `ms`. (A lost leader never aborts it: time stands still.) */
  timeoutSignal(ms: number): AbortSignal {
    return timeoutSignalOn(
      (callback, delay) => this.#local.setTimeout(callback, delay),
      virtualSignalDelay('FollowerClock.timeoutSignal()', ms),
    );
  }

  install(options: { toFake?: readonly FakeableGlobal[] } = {}): InstallHandle {
    return this.#local.install(options);
  }

  close(): Promise<void> {
    this.#closed ??= new Promise<void>((resolve) => {
      if (this.#socket.destroyed) return resolve();
      this.#socket.once('close', () => resolve());
      this.#leave('it closed its clock');
      this.#lose('this follower closed its clock', false);
    });
    return this.#closed;
  }

  // --- protocol ----------------------------------------------------------------------------------

  #onData(chunk: Buffer): void {
    if (!this.connected) return;
    try {
      for (const line of this.#reader.push(chunk)) {
        const frame = parseLeaderFrame(line);
        // bye and error end the connection at once, even in the middle of a step.
        if (frame.type === 'bye') return this.#lose(`the leader closed the shared clock (${frame.reason})`, false);
        if (frame.type === 'error') return this.#lose(`the leader closed the connection: ${frame.message}`, true);
        if (frame.type === 'step') {
          if (frame.seq <= this.#lastSeq) throw new ProtocolError(`step #${frame.seq} after step #${this.#lastSeq}`);
          this.#lastSeq = frame.seq;
        }
        this.#enqueue(frame);
      }
    } catch (error) {
      const message = error instanceof ProtocolError ? error.message : String(error);
      this.#lose(`the leader sent a bad frame: ${message}`, true);
    }
  }

  #enqueue(frame: LeaderFrame): void {
    this.#chain = this.#chain
      .then(() => this.#handle(frame))
      .catch((error: unknown) => this.#lose(`failed to follow: ${(error as Error)?.message ?? String(error)}`, true));
  }

  async #handle(frame: LeaderFrame): Promise<void> {
    if (!this.connected) return;
    switch (frame.type) {
      case 'step':
        return this.#step(frame);
      case 'set':
        return this.#time.leaderWallIs(frame.now, this.#local.monotonic());
      case 'skew':
        return this.#time.skew(frame);
      case 'bye':
      case 'error':
        return;
      case 'welcome':
        return this.#lose('the leader sent a second `welcome`', true);
    }
  }

  async #step(step: StepFrame): Promise<void> {
    this.#inStep = true;
    let errors: unknown[];
    try {
      errors = await this.#time.step(step);
    } finally {
      this.#inStep = false;
    }
    this.#send({ type: 'ack', seq: step.seq, ...this.#time.state() });
    this.#updateRef();
    rethrowLater(errors);
  }

  #timerSetChanged(): void {
    if (this.#inStep || this.#reportQueued || !this.connected) return;
    this.#reportQueued = true;
    queueMicrotask(() => {
      this.#reportQueued = false;
      if (this.#inStep || !this.connected) return;
      const state = this.#time.state();
      this.#updateRef();
      // An immediate fires without moving time or waiting for the leader; a 0 ms timeout waits for an advance, as on a TestClock.
      if (state.nextDue !== null && state.nextDue <= this.#local.monotonic() && immediateDue(this.#local)) {
        this.#chain = this.#chain.then(async () => {
          if (!this.connected || this.#inStep) return;
          this.#inStep = true;
          try {
            await this.#local.fake.tickAsync(0);
          } finally {
            this.#inStep = false;
          }
          this.#send({ type: 'state', ...this.#time.state() });
          this.#updateRef();
        });
        return;
      }
      this.#send({ type: 'state', ...state });
    });
  }

  #send(frame: FollowerFrame): void {
    if (!this.connected) return;
    if (!this.#socket.destroyed && this.#socket.writable) this.#socket.write(encodeFrame(frame));
  }

  /** Like real timers: pending timers keep the process alive, an idle follower does not. */
  #updateRef(): void {
    if (this.#socket.destroyed) return;
    if (this.connected && this.#local.fake.countTimers() > 0) this.#socket.ref();
    else this.#socket.unref();
  }

  #lose(reason: string, loud: boolean): void {
    if (!this.connected) return;
    const error = lostClockError(this.#name, this.#url, this.#local.now(), reason);
    this.#lost.abort(error);
    process.off('beforeExit', this.#onBeforeExit);
    process.off('exit', this.#onExit);
    if (loud) process.stderr.write(`${error.message}\n`);
    if (this.#socket.writable) this.#socket.end(() => this.#socket.destroy());
    else this.#socket.destroy();
    this.#socket.unref();
  }
}
