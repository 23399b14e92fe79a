/**
 * The transactional-outbox relay: polls the outbox table and publishes pending messages to the
 * broker in order, backing off exponentially while the broker is down. It takes a `Clock`, so
 * production passes `systemClock` and tests pass a `TestClock`.
 */
import type { Clock, TimerId } from '../../clock/Clock.ts';

export interface OutboxMessage {
  id: string;
  topic: string;
  payload: unknown;
}

export interface Outbox {
  pending(): OutboxMessage[];
  markPublished(id: string, at: number): void;
}

export interface RelayOptions {
  clock: Clock;
  outbox: Outbox;
  publish: (message: OutboxMessage) => Promise<void>;
  /** How often to look for new messages, in ms. */
  pollEvery?: number;
  /** First retry delay after a failed publish; doubles per failure up to `maxBackoff`. */
  initialBackoff?: number;
  maxBackoff?: number;
}

export class OutboxRelay {
  readonly #options: Required<RelayOptions>;
  #timer: TimerId | undefined;
  #failures = 0;
  #running = false;

  constructor(options: RelayOptions) {
    this.#options = { pollEvery: 1_000, initialBackoff: 1_000, maxBackoff: 30_000, ...options };
  }

  start(): void {
    this.#running = true;
    this.#schedule(this.#options.pollEvery);
  }

  stop(): void {
    this.#running = false;
    if (this.#timer !== undefined) this.#options.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #schedule(delay: number): void {
    if (!this.#running) return;
    this.#timer = this.#options.clock.setTimeout(() => void this.#drain(), delay);
  }

  async #drain(): Promise<void> {
    const { clock, outbox, publish, pollEvery, initialBackoff, maxBackoff } = this.#options;
    for (const message of outbox.pending()) {
      try {
        await publish(message);
      } catch {
        this.#failures++;
        this.#schedule(Math.min(initialBackoff * 2 ** (this.#failures - 1), maxBackoff));
        return;
      }
      outbox.markPublished(message.id, clock.now());
    }
    this.#failures = 0;
    this.#schedule(pollEvery);
  }
}
