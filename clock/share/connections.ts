/**
 * The leader's connections: accepting sockets, the handshake (hello within a deadline, the token, the
 * follower limit, a bounded set of handshake slots), reading frames, the followers list, and sending
 * steps. Each follower has at most one outstanding step; it is settled in one place (`#settleStep`),
 * whichever way it ends: an ack, a bye, a drop (timeout, disconnect, protocol) or the close.
 */
import { timingSafeEqual } from 'node:crypto';
import type { Socket } from 'node:net';
import { clearRealTimeout, realSetImmediate, setRealTimeout, type RealTimerHandle } from '../../src/time/realTime.ts';
import {
  encodeFrame,
  FrameReader,
  parseFollowerFrame,
  PROTOCOL_VERSION,
  ProtocolError,
  type FollowerFrame,
  type LeaderFrame,
} from './protocol.ts';
import type { FollowerInfo } from './types.ts';
import { AckFailure, type Participant, type Step } from './participants.ts';

export { AckFailure, describeFollower, type FailureReason, type Participant, type Step } from './participants.ts';

/**
 * Connections waiting to say hello. A full set never refuses a newcomer: it closes the one that has
 * waited longest, so idle sockets cannot lock real followers out (a follower sends its hello with
 * its connect, well before 64 later connections arrive).
 */
const MAX_HANDSHAKES = 64;
/** The most real ms a connection has to say hello (less when followerTimeout is shorter). */
const HANDSHAKE_TIMEOUT = 2_000;

/** Versions a follower may speak: 1 is still served (it is never sent `skew`, which 2 added). */
const SUPPORTED_VERSIONS: readonly number[] = [1, PROTOCOL_VERSION];

interface OutstandingStep {
  seq: number;
  timer: RealTimerHandle;
  /** Undefined when the follower finished the step (ack, or bye: it fires nothing more). */
  done: (failure: AckFailure | undefined) => void;
}

interface Connection extends Participant {
  socket: Socket;
  reader: FrameReader;
  state: 'handshake' | 'joining' | 'follower' | 'gone';
  helloTimer: RealTimerHandle | undefined;
  name: string;
  pid: number;
  v: number;
  pending: number;
  nextDue: number | null;
  step: OutstandingStep | undefined;
}

export interface ConnectionsHost {
  now(): number;
  monotonic(): number;
  /** A step is running: a follower that says hello now joins at its end, at one consistent instant. */
  stepping(): boolean;
  /** The followers or their timers changed (waitForTimers, waitForFollowers). */
  changed(): void;
}

export interface ConnectionLimits {
  token: Buffer;
  followerTimeout: number;
  maxFollowers: number;
}

export class Connections {
  readonly #host: ConnectionsHost;
  readonly #limits: ConnectionLimits;
  readonly #all = new Set<Connection>();
  #closed = false;

  constructor(host: ConnectionsHost, limits: ConnectionLimits) {
    this.#host = host;
    this.#limits = limits;
  }

  /** The attached followers (past their hello and welcomed), in the order they came. */
  followers(): Participant[] {
    return this.#attached();
  }

  #attached(): Connection[] {
    return [...this.#all].filter((c) => c.state === 'follower');
  }

  list(): readonly FollowerInfo[] {
    return Object.freeze(
      this.#attached().map((c) => Object.freeze({ name: c.name, pid: c.pid, pending: c.pending, nextDue: c.nextDue })),
    );
  }

  /** Pending timers of all followers. */
  pending(): number {
    return this.#attached().reduce((sum, c) => sum + c.pending, 0);
  }

  /** The earliest due time of any follower, on the monotonic timeline. */
  nextDue(): number | undefined {
    let next: number | undefined;
    for (const c of this.#attached())
      if (c.nextDue !== null && (next === undefined || c.nextDue < next)) next = c.nextDue;
    return next;
  }

  send(c: Participant, frame: LeaderFrame): void {
    const { socket } = c as Connection;
    if (!socket.destroyed && socket.writable) socket.write(encodeFrame(frame));
  }

  /** Sends a step; resolves to undefined on its ack, or to the failure (the follower is then gone). Never rejects. */
  sendStep(participant: Participant, step: Step): Promise<AckFailure | undefined> {
    const c = participant as Connection;
    const { followerTimeout } = this.#limits;
    return new Promise<AckFailure | undefined>((resolve) => {
      const timer = setRealTimeout(() => {
        const detail = `did not acknowledge within followerTimeout (${followerTimeout} ms of real time); it may be stopped, blocked in a synchronous loop or deadlocked`;
        this.#drop(c, new AckFailure('timeout', detail), { type: 'error', message: 'no ack within followerTimeout' });
      }, followerTimeout);
      c.step = { seq: step.seq, timer, done: resolve };
      this.send(c, { type: 'step', ...step });
    });
  }

  /** Followers that said hello during a step join at its end. */
  welcomeJoining(): void {
    for (const c of this.#all) if (c.state === 'joining') this.#welcome(c);
  }

  accept(socket: Socket): void {
    if (this.#closed) return void socket.destroy();
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
      v: 0,
      pending: 0,
      nextDue: null,
      step: undefined,
    };
    const deadline = Math.min(this.#limits.followerTimeout, HANDSHAKE_TIMEOUT);
    // One real macrotask after the deadline, so a hello that arrived meanwhile (a busy leader) is read first.
    c.helloTimer = setRealTimeout(
      () => realSetImmediate()(() => c.state === 'handshake' && this.#reject(c, `no hello within ${deadline} ms`)),
      deadline,
    );
    this.#all.add(c);
    socket.on('data', (chunk: Buffer) => this.#onData(c, chunk));
    socket.on('error', () => {});
    socket.on('close', () =>
      this.#drop(
        c,
        new AckFailure('disconnected', 'disconnected (its process exited or crashed, or it closed its clock)'),
      ),
    );
  }

  /** Says `bye` to every follower, closes every connection; resolves when all their sockets have closed. */
  closeAll(): Promise<void> {
    this.#closed = true;
    const closed: Promise<void>[] = [];
    for (const c of [...this.#all]) {
      const { socket } = c;
      closed.push(
        socket.destroyed ? Promise.resolve() : new Promise<void>((resolve) => socket.once('close', () => resolve())),
      );
      const attached = c.state === 'follower' || c.state === 'joining';
      const failure = attached
        ? new AckFailure('closed', 'was still stepping when the shared clock was closed')
        : new AckFailure('closed', 'closed');
      this.#drop(c, failure, attached ? { type: 'bye', reason: 'the leader closed the shared clock' } : undefined);
    }
    return Promise.all(closed).then(() => {});
  }

  /** Closes the connection that has waited longest for its hello when every handshake slot is taken. */
  #makeHandshakeRoom(): void {
    const waiting = [...this.#all].filter((c) => c.state === 'handshake');
    if (waiting.length < MAX_HANDSHAKES) return;
    this.#reject(
      waiting[0]!,
      `closed without a hello: ${MAX_HANDSHAKES} connections were waiting to say hello (the limit) and this one had waited longest`,
    );
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
    if (c.state === 'handshake') return this.#onHello(c, frame);
    switch (frame.type) {
      case 'hello':
        throw new ProtocolError('`hello` sent twice');
      case 'bye':
        // Leaving on purpose is not a failure: an outstanding step counts as done (it fires nothing more).
        this.#settleStep(c, undefined);
        return this.#drop(c, new AckFailure('disconnected', 'left'));
      case 'state':
        c.pending = frame.pending;
        c.nextDue = frame.nextDue;
        if (c.state === 'follower') this.#host.changed();
        return;
      case 'ack': {
        if (!c.step) throw new ProtocolError(`\`ack\` for step #${frame.seq}, but no step is outstanding`);
        if (frame.seq !== c.step.seq)
          throw new ProtocolError(`\`ack\` for step #${frame.seq}, but step #${c.step.seq} is outstanding`);
        c.pending = frame.pending;
        c.nextDue = frame.nextDue;
        return this.#settleStep(c, undefined);
      }
    }
  }

  #onHello(c: Connection, frame: FollowerFrame): void {
    if (frame.type !== 'hello') throw new ProtocolError(`expected \`hello\` first, got \`${frame.type}\``);
    if (!SUPPORTED_VERSIONS.includes(frame.v))
      throw new ProtocolError(
        `protocol version ${frame.v} is not supported; this leader speaks versions ${SUPPORTED_VERSIONS.join(' and ')}`,
      );
    const { token: expected, maxFollowers: max } = this.#limits;
    const token = Buffer.from(frame.token, 'utf8');
    if (token.length !== expected.length * 2 || !timingSafeEqual(token, Buffer.from(expected.toString('hex'), 'utf8')))
      throw new ProtocolError('wrong token');
    clearRealTimeout(c.helloTimer);
    c.helloTimer = undefined;
    const attached = [...this.#all].filter((other) => other.state === 'joining' || other.state === 'follower').length;
    if (attached >= max) {
      const refusal = `${max} follower${max === 1 ? ' is' : 's are'} already attached (the limit, maxFollowers ${max}); close one first, or share the clock with a higher maxFollowers`;
      return this.#drop(c, new AckFailure('protocol', `was refused: ${refusal}`), { type: 'error', message: refusal });
    }
    c.name = frame.name;
    c.pid = frame.pid;
    c.v = frame.v;
    c.state = 'joining';
    if (!this.#host.stepping()) this.#welcome(c);
  }

  #welcome(c: Connection): void {
    c.state = 'follower';
    this.send(c, { type: 'welcome', v: c.v, now: this.#host.now(), monotonic: this.#host.monotonic() });
    this.#host.changed();
  }

  /** The one place an outstanding step ends: `failure` undefined means the follower finished it. */
  #settleStep(c: Connection, failure: AckFailure | undefined): void {
    const step = c.step;
    if (!step) return;
    c.step = undefined;
    clearRealTimeout(step.timer);
    step.done(failure);
  }

  /** A protocol violation: tell the peer why (when it can still hear it), then close that connection only. */
  #reject(c: Connection, message: string): void {
    this.#drop(c, new AckFailure('protocol', `broke the protocol: ${message}`), { type: 'error', message });
  }

  /** Removes a connection, failing its outstanding step; `farewell` (an `error` or a `bye`) is its last frame. */
  #drop(c: Connection, failure: AckFailure, farewell?: LeaderFrame): void {
    if (c.state === 'gone') return;
    const wasFollower = c.state === 'follower';
    c.state = 'gone';
    clearRealTimeout(c.helloTimer);
    c.helloTimer = undefined;
    this.#all.delete(c);
    const { socket } = c;
    if (farewell !== undefined && !socket.destroyed && socket.writable) {
      socket.end(encodeFrame(farewell), () => socket.destroy());
      // A peer that never reads (or never closes its side) must not keep the socket open.
      realSetImmediate()(() => socket.destroy());
    } else {
      socket.destroy();
    }
    this.#settleStep(c, failure);
    if (wasFollower && !this.#closed) this.#host.changed();
  }
}
