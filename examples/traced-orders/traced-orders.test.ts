/**
 * One test, one distributed trace: the test registers a tracer provider (testTracing.ts), so unflake makes the test
 * a span and its eventual assertion a child span; the orders service and the read model run as child processes with
 * the Node SDK and its HTTP instrumentation, started with `testTrace().env()`, and the test's requests carry
 * `testTrace().headers()`. Everything arrives at the collector stand-in under the test's trace id, as one tree.
 */
import { collector, receivedTrace } from './testTracing.ts';
import { randomUUID } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { onCleanup, testTrace } from 'unflake';
import { renderTrace, type ReceivedSpan } from '../../test/support/otlpReceiver.ts';
import { placeOrder, readOrder, startServices } from './startServices.ts';

/** What the first test leaves for the second: its trace id. */
let placed: { traceId: string; testSpanId: string } | undefined;

describe('traced orders', () => {
  test('an order placed is listed by the read model', async () => {
    const services = await startServices({
      ...testTrace().env(),
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: collector.tracesUrl,
    });
    onCleanup(() => services.stop());
    const order = { id: randomUUID(), sku: 'tea', qty: 2 };

    expect(await placeOrder(services, order, testTrace().headers())).toBe(202);
    // Inside the poll, testTrace() is the poll's span: each GET is its child.
    await expect(() => readOrder(services, order.id, testTrace().headers())).toEventuallyMatchObject({
      id: order.id,
      status: 'placed',
    });
    placed = { traceId: testTrace().traceId, testSpanId: testTrace().spanId };
  });

  test('the test, its wait and both services arrive as one trace', async () => {
    expect(placed).toBeDefined();
    const { traceId, testSpanId } = placed!;
    const spans = await receivedTrace(traceId, testSpanId);
    console.log(`traced-orders: trace ${traceId}\n${renderTrace(spans)}`);

    const one = (name: string, service: string): ReceivedSpan => {
      const found = spans.filter((span) => span.name === name && span.service === service);
      expect(found.map((span) => span.name)).toEqual([name]);
      return found[0]!;
    };
    const testSpan = spans.find((span) => span.spanId === testSpanId)!;
    expect(testSpan).toMatchObject({ service: 'tests', parentSpanId: undefined });
    expect(testSpan.attributes['test.case.result.status']).toBe('pass');
    const poll = one('unflake.poll toEventuallyMatchObject', 'tests');
    const postOrder = one('POST /orders', 'orders');
    const publish = one('outbox publish OrderPlaced', 'orders');
    const send = one('POST', 'orders');
    const receive = one('POST /events', 'read-model');
    const reads = spans.filter((span) => span.name === 'GET /orders/:id');
    const parents = (list: ReceivedSpan[]) => list.map((span) => span.parentSpanId);

    expect(parents([one('orders start', 'orders'), one('read-model start', 'read-model')])).toEqual([
      testSpan.spanId,
      testSpan.spanId,
    ]); // testTrace().env()
    expect(parents([postOrder, poll])).toEqual([testSpan.spanId, testSpan.spanId]);
    expect(parents([publish, send, receive])).toEqual([postOrder.spanId, publish.spanId, send.spanId]);
    expect(reads.length).toBeGreaterThanOrEqual(1);
    expect(new Set(parents(reads))).toEqual(new Set([poll.spanId]));
    // One tree: every span but the test's has its parent in the trace.
    const ids = new Set(spans.map((span) => span.spanId));
    expect(spans.filter((span) => span !== testSpan && !ids.has(span.parentSpanId!))).toEqual([]);
  });
});
