/**
 * DEMO (fails on purpose): the consumer with planted bugs, run by `npm run demo` (not by
 * `npm run test:examples`). The exploration is seeded, so the failure is the same on every run.
 */
import { afterEach, expect, test } from 'vitest';
import { RemoteConsumer } from './remoteConsumer.ts';
import { orderEvents } from './events.ts';

const consumers: RemoteConsumer[] = [];
afterEach(async () => {
  await Promise.all(consumers.splice(0).map((consumer) => consumer.close()));
});

test('DEMO (fails on purpose): a consumer that lets the last arrival win depends on delivery order', async () => {
  const consumer = new RemoteConsumer({ bugs: { arrivalOrderWins: true } });
  consumers.push(consumer);
  await expect(consumer.deliver).toConvergeInAnyOrder(orderEvents, {
    reset: consumer.reset,
    state: consumer.state,
    seed: 7,
  });
});

test('DEMO (fails on purpose): a consumer without a processed-ids table counts a redelivered payment twice', async () => {
  const consumer = new RemoteConsumer({ bugs: { noDedupe: true } });
  consumers.push(consumer);
  await expect(consumer.deliver).toBeIdempotent(orderEvents, {
    state: consumer.state,
    effects: { sendShippedEmail: consumer.shippedEmails },
  });
});
