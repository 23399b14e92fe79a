/**
 * Fails on purpose (run by `npm run demo`, not by `npm run test:examples`): the read model has a planted bug, it keys
 * each order by a field the event does not have, so the order is never listed. The failure's `Run: trace …` id is the
 * trace of this test; after the file, the tree the collector stand-in received under that id is printed: the event
 * did reach the read model (`POST /events`, `orders.projection.key=undefined`), and every read of the wait got a 404.
 */
import { collector, receivedTrace } from './testTracing.ts';
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, test } from 'vitest';
import { onCleanup, testTrace } from 'unflake';
import { renderTrace } from '../../test/support/otlpReceiver.ts';
import { placeOrder, readOrder, startServices } from './startServices.ts';

let failed: { traceId: string; testSpanId: string } | undefined;

describe('traced orders', () => {
  test('a placed order is listed', async () => {
    failed = { traceId: testTrace().traceId, testSpanId: testTrace().spanId };
    const services = await startServices({
      ...testTrace().env(),
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: collector.tracesUrl,
      PLANTED_BUG: 'wrong-key',
    });
    onCleanup(() => services.stop());
    const order = { id: randomUUID(), sku: 'tea', qty: 2 };

    expect(await placeOrder(services, order, testTrace().headers())).toBe(202);
    await expect(() => readOrder(services, order.id, testTrace().headers())).toEventuallyMatchObject(
      { id: order.id, status: 'placed' },
      { timeout: 1_000 },
    );
  });
});

afterAll(async () => {
  if (!failed) return;
  const spans = await receivedTrace(failed.traceId, failed.testSpanId);
  const label = (span: { name: string; attributes: Record<string, unknown> }): string =>
    span.name.startsWith('unflake.poll')
      ? `attempts=${String(span.attributes['unflake.poll.attempts'])} end_reason=${String(span.attributes['unflake.poll.end_reason'])}`
      : span.attributes['orders.projection.key'] !== undefined
        ? `orders.projection.key=${String(span.attributes['orders.projection.key'])}`
        : '';
  console.log(`traced-orders: trace ${failed.traceId}\n${renderTrace(spans, label)}\ntraced-orders: end`);
});
