/**
 * The test's handle on the consumer worker: `deliver(event)` sends one message and resolves when the
 * consumer has applied it; `state()` and `reset()` ask it. The e-mails the consumer sent are recorded
 * here, in `shippedEmails`, as `[orderId, carrier]` calls (an effect recorder for toBeIdempotent).
 */
import { Worker } from 'node:worker_threads';
import type { OrderEvent, ProjectionBugs, ProjectionState } from './orderProjection.ts';

type Reply =
  | { id: number; ok: true; value: unknown; effects: unknown[][] }
  | { id: number; ok: false; error: string; effects: unknown[][] };

export class RemoteConsumer {
  readonly shippedEmails: unknown[][] = [];
  readonly #worker: Worker;
  readonly #pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  #next = 0;
  #dead: Error | undefined;

  constructor(options: { bugs?: ProjectionBugs } = {}) {
    this.#worker = new Worker(new URL('./consumerWorker.ts', import.meta.url), {
      workerData: { bugs: options.bugs ?? {} },
    });
    this.#worker.on('message', (reply: Reply) => {
      const waiter = this.#pending.get(reply.id);
      this.#pending.delete(reply.id);
      this.shippedEmails.push(...reply.effects);
      if (reply.ok) waiter?.resolve(reply.value);
      else waiter?.reject(new Error(`the consumer failed: ${reply.error}`));
    });
    const fail = (error: Error) => {
      this.#dead = error;
      for (const waiter of this.#pending.values()) waiter.reject(error);
      this.#pending.clear();
    };
    this.#worker.on('error', fail);
    this.#worker.on('exit', (code) => fail(new Error(`the consumer worker exited (${code})`)));
  }

  #request(message: { op: 'deliver'; event: OrderEvent } | { op: 'state' } | { op: 'reset' }): Promise<unknown> {
    if (this.#dead) return Promise.reject(this.#dead);
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#worker.postMessage({ id, ...message });
    });
  }

  // Arrow functions in fields: they can be passed around unbound (`expect(consumer.deliver)`), and the
  // matchers' messages name them (`handler "deliver"`).
  readonly deliver = async (event: OrderEvent): Promise<void> => {
    await this.#request({ op: 'deliver', event });
  };

  readonly state = async (): Promise<ProjectionState> => (await this.#request({ op: 'state' })) as ProjectionState;

  /** A fresh projection. The recorded e-mails stay: they are an append-only log of what was sent. */
  readonly reset = async (): Promise<void> => {
    await this.#request({ op: 'reset' });
  };

  async close(): Promise<void> {
    await this.#worker.terminate();
  }
}
