/**
 * The outbox relay (examples/outbox/outboxRelay.ts, on a TestClock) publishing to an order-projection
 * consumer that runs in a worker thread. At-least-once delivery means duplicates and reordering; the
 * consumer must end in the same state anyway, and send each e-mail once.
 */
import { afterEach, expect, test } from 'vitest';
import { TestClock } from 'unflake/clock';
import { OutboxRelay, type OutboxMessage } from './outboxRelay.ts';
import { RemoteConsumer } from './remoteConsumer.ts';
import { expectedState, orderEvents } from './events.ts';
import type { OrderEvent } from './orderProjection.ts';

const consumers: RemoteConsumer[] = [];
afterEach(async () => {
  await Promise.all(consumers.splice(0).map((consumer) => consumer.close()));
});
function startConsumer(bugs: ConstructorParameters<typeof RemoteConsumer>[0] = {}): RemoteConsumer {
  const consumer = new RemoteConsumer(bugs);
  consumers.push(consumer);
  return consumer;
}

test('relay → consumer: lost acks make the relay publish twice; the consumer applies each message once', async () => {
  const clock = new TestClock({ now: Date.UTC(2030, 0, 1, 9, 0) });
  const consumer = startConsumer();
  const rows = new Map<string, OutboxMessage & { publishedAt?: number }>(
    orderEvents.map((event) => [event.id, { id: event.id, topic: 'orders', payload: event }]),
  );
  const outbox = {
    pending: () => [...rows.values()].filter((row) => row.publishedAt === undefined),
    markPublished: (id: string, at: number) => void (rows.get(id)!.publishedAt = at),
  };
  // The broker takes e2 and e3, but their acks are lost: the relay sees a failure and publishes them again.
  const lostAcks = new Set(['e2', 'e3']);
  const delivered: string[] = [];
  const publish = async (message: OutboxMessage): Promise<void> => {
    delivered.push(message.id);
    await consumer.deliver(message.payload as OrderEvent);
    if (lostAcks.delete(message.id)) throw new Error(`ack timeout for ${message.id}`);
  };
  const relay = new OutboxRelay({ clock, outbox, publish });
  relay.start();
  try {
    // Virtual time: each pause of the poll advances the relay's clock (its 1 s polls and 1 s, 2 s backoffs).
    await expect(() => consumer.state()).toEventuallyEqual(expectedState, { clock, timeout: 60_000 });
    expect(delivered).toEqual(['e1', 'e2', 'e2', 'e3', 'e3', 'e4', 'e5']); // really delivered twice
    expect(consumer.shippedEmails).toEqual([['ord_17', 'dhl']]); // …but e-mailed once
    await expect(() => consumer.state()).toConsistentlyEqual(expectedState, { clock, for: 60_000 });
  } finally {
    relay.stop();
  }
});

test('the consumer is idempotent: redelivering any message changes nothing and sends no second e-mail', async () => {
  const consumer = startConsumer();
  await expect(consumer.deliver).toBeIdempotent(orderEvents, {
    state: consumer.state,
    effects: { sendShippedEmail: consumer.shippedEmails },
    reset: consumer.reset,
    times: 3,
  });
});

test('the consumer converges whatever the delivery order, with redeliveries (100 orders)', async () => {
  const consumer = startConsumer();
  await expect(consumer.deliver).toConvergeInAnyOrder(orderEvents, { reset: consumer.reset, state: consumer.state });
});

test('negative controls: the same matchers catch the planted bugs', async () => {
  const lastArrivalWins = startConsumer({ bugs: { arrivalOrderWins: true } });
  await expect(lastArrivalWins.deliver).not.toConvergeInAnyOrder(orderEvents, {
    reset: lastArrivalWins.reset,
    state: lastArrivalWins.state,
  });
  const noDedupe = startConsumer({ bugs: { noDedupe: true } });
  await expect(noDedupe.deliver).not.toBeIdempotent(orderEvents, {
    state: noDedupe.state,
    effects: { sendShippedEmail: noDedupe.shippedEmails },
    reset: noDedupe.reset,
  });
});
