/**
 * One direction of a proxied connection. Every chunk read from the source gets a due time (now + its
 * delay, never before the chunk ahead of it, so bytes keep their order) and waits in a queue until then;
 * while the proxy is partitioned nothing leaves the queue. Timers are real ones, whatever fake timers a
 * test installed. The source is paused while too much is held, as a full TCP window would.
 */
import type { Socket } from 'node:net';
import { clearRealTimeout, monotonicNow, setRealTimeout, type RealTimerHandle } from '../time/realTime.ts';

/** Pause reading from the source above this many held bytes, resume below a quarter of it. */
const HIGH_WATER = 4 * 1024 * 1024;

export interface PipeControl {
  /** The extra delay for the next chunk in this direction, in ms (0 without latency). */
  delay(): number;
  /** True while nothing may flow. */
  blocked(): boolean;
  /** Bytes delivered to the sink, for stats. */
  delivered(bytes: number): void;
}

export class Pipe {
  readonly #source: Socket;
  readonly #control: PipeControl;
  #sink: Socket | undefined;
  readonly #queue: { chunk: Buffer; due: number }[] = [];
  #held = 0;
  #lastDue = 0;
  #timer: RealTimerHandle | undefined;
  #waitingForDrain = false;
  #sourceEnded = false;
  #sourceClosed = false;
  #closed = false;

  constructor(source: Socket, control: PipeControl) {
    this.#source = source;
    this.#control = control;
    source.on('data', (chunk: Buffer) => this.#receive(chunk));
    source.on('end', () => {
      this.#sourceEnded = true;
      this.pump();
    });
    source.on('close', () => {
      this.#sourceClosed = true;
      this.pump();
    });
  }

  /** Bytes read from the source and not yet written to the sink. */
  get held(): number {
    return this.#held;
  }

  /** The socket to deliver to; until it is attached (its connection not yet made), bytes are held. */
  attach(sink: Socket): void {
    this.#sink = sink;
    sink.on('drain', () => {
      this.#waitingForDrain = false;
      this.pump();
    });
    this.pump();
  }

  #receive(chunk: Buffer): void {
    if (this.#closed) return;
    const due = Math.max(monotonicNow() + this.#control.delay(), this.#lastDue);
    this.#lastDue = due;
    this.#queue.push({ chunk, due });
    this.#held += chunk.length;
    if (this.#held > HIGH_WATER) this.#source.pause();
    this.pump();
  }

  /** Delivers every chunk that is due, then waits (a real timer) for the next one. */
  pump(): void {
    clearRealTimeout(this.#timer);
    this.#timer = undefined;
    const sink = this.#sink;
    if (this.#closed || !sink || sink.destroyed || this.#waitingForDrain || this.#control.blocked()) return;
    const now = monotonicNow();
    while (this.#queue.length > 0 && this.#queue[0]!.due <= now) {
      const { chunk } = this.#queue.shift()!;
      this.#held -= chunk.length;
      this.#control.delivered(chunk.length);
      if (!sink.write(chunk)) {
        this.#waitingForDrain = true;
        break;
      }
    }
    if (this.#held < HIGH_WATER / 4 && this.#source.isPaused()) this.#source.resume();
    if (this.#waitingForDrain) return;
    const next = this.#queue[0];
    if (next) {
      this.#timer = setRealTimeout(() => this.pump(), Math.max(0, Math.ceil(next.due - now)));
    } else if (this.#sourceClosed) {
      sink.destroySoon(); // the source is gone: close the sink once what was written has gone out
    } else if (this.#sourceEnded && !sink.writableEnded) {
      sink.end(); // the source's FIN, passed on after the last held byte
    }
  }

  /** Makes every queued chunk due now (heal(): latency already added is removed too), in order. */
  release(): void {
    for (const item of this.#queue) item.due = 0;
    this.#lastDue = 0;
    this.pump();
  }

  /** Drops what is held and stops every timer (the connection is gone). */
  close(): void {
    this.#closed = true;
    clearRealTimeout(this.#timer);
    this.#timer = undefined;
    this.#queue.length = 0;
    this.#held = 0;
  }
}
