/**
 * One client connection through the proxy: the client's socket, the socket to the target (opened at
 * once, or on heal() when the proxy is partitioned), and a Pipe each way. A reset or error on one side
 * reaches the other as a reset; a clean end or close reaches it after the bytes still held.
 */
import type { Socket } from 'node:net';
import { net } from '../runtime/builtins.ts';
import type { Endpoint } from './options.ts';
import { Pipe, type PipeControl } from './pipe.ts';

export interface ConnectionControl {
  up: PipeControl;
  down: PipeControl;
  /** Called once, when both sockets are closed (or the client's, if the target's was never opened). */
  closed(connection: Connection): void;
}

const RESET_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH']);

export class Connection {
  readonly #client: Socket;
  readonly #target: Endpoint;
  readonly #control: ConnectionControl;
  readonly #up: Pipe;
  #upstream: Socket | undefined;
  #down: Pipe | undefined;
  #clientClosed = false;
  #upstreamClosed = false;
  #done = false;

  constructor(client: Socket, target: Endpoint, control: ConnectionControl) {
    this.#client = client;
    this.#target = target;
    this.#control = control;
    client.setNoDelay(true);
    this.#up = new Pipe(client, control.up);
    this.#watch(client, () => this.#upstream);
    client.once('close', () => {
      this.#clientClosed = true;
      this.#checkDone();
    });
  }

  /** Bytes read and not yet delivered, both directions. */
  get held(): number {
    return this.#up.held + (this.#down?.held ?? 0);
  }

  /** Opens the connection to the target; the client's bytes wait in the up pipe until it is made. */
  connectUpstream(): void {
    if (this.#upstream || this.#done || this.#clientClosed) return;
    const upstream = net().connect({ host: this.#target.host, port: this.#target.port, allowHalfOpen: true });
    this.#upstream = upstream;
    upstream.setNoDelay(true);
    this.#down = new Pipe(upstream, this.#control.down);
    this.#down.attach(this.#client);
    upstream.once('connect', () => this.#up.attach(upstream));
    this.#watch(upstream, () => this.#client);
    upstream.once('close', () => {
      this.#upstreamClosed = true;
      this.#checkDone();
    });
  }

  /** Delivers everything held, delayed or not, in both directions, in order (heal()). */
  release(): void {
    this.#up.release();
    this.#down?.release();
  }

  /** A TCP reset on both sides, as a crashed peer or a middlebox would send. Held bytes are dropped. */
  reset(): void {
    for (const socket of [this.#client, this.#upstream]) {
      if (socket && !socket.destroyed) socket.resetAndDestroy();
    }
  }

  /** Closes both sockets at once (the proxy is closing). */
  destroy(): void {
    this.#client.destroy();
    this.#upstream?.destroy();
  }

  #watch(socket: Socket, other: () => Socket | undefined): void {
    socket.on('error', (error: NodeJS.ErrnoException) => {
      const peer = other();
      if (!peer || peer.destroyed) return;
      if (RESET_CODES.has(error.code ?? '')) peer.resetAndDestroy();
      else peer.destroy();
    });
  }

  #checkDone(): void {
    if (this.#done || !this.#clientClosed || (this.#upstream && !this.#upstreamClosed)) return;
    this.#done = true;
    this.#up.close();
    this.#down?.close();
    this.#control.closed(this);
  }
}
