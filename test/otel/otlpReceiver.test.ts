/**
 * The collector stand-in (test/support/otlpReceiver.ts) reads what the real exporters send, OTLP/JSON and
 * OTLP/protobuf alike: generated spans (names, attributes, events, links, status, parents) exported through
 * @opentelemetry/exporter-trace-otlp-http and -proto arrive as the SDK's own in-memory exporter saw them (the oracle).
 */
import fc from 'fast-check';
import { context, trace, type AttributeValue, type Attributes } from '@opentelemetry/api';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtobufExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { renderTrace, startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '../support/otlpReceiver.ts';

let receiver: OtlpReceiver;
beforeAll(async () => {
  receiver = await startOtlpReceiver();
});
afterAll(() => receiver.close());

const value: fc.Arbitrary<AttributeValue> = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.integer({ min: -1e6, max: 1e6 }),
  fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }).filter((n) => !Number.isInteger(n)),
  fc.boolean(),
  fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }),
);
const attributes: fc.Arbitrary<Attributes> = fc.dictionary(fc.stringMatching(/^[a-z][a-z.]{0,8}$/), value, {
  maxKeys: 4,
});
const spanPlan = fc.record({
  name: fc.string({ minLength: 1, maxLength: 20 }),
  attributes,
  event: fc.option(fc.record({ name: fc.string({ minLength: 1, maxLength: 10 }), attributes })),
  error: fc.boolean(),
  /** Index of an earlier span to be the parent of, when there is one. */
  parent: fc.option(fc.nat()),
});

/** What the receiver should hold for a span the SDK ended: the oracle's view, in the receiver's shape. */
function expected(span: ReadableSpan): Partial<ReceivedSpan> {
  return {
    traceId: span.spanContext().traceId,
    spanId: span.spanContext().spanId,
    parentSpanId: span.parentSpanContext?.spanId,
    name: span.name,
    service: 'receiver-test',
    status: { code: span.status.code, message: span.status.message || undefined },
    attributes: { ...span.attributes },
    events: span.events.map((event) => ({ name: event.name, attributes: { ...event.attributes } })),
    links: span.links.map((link) => ({
      traceId: link.context.traceId,
      spanId: link.context.spanId,
      attributes: { ...link.attributes },
    })),
  };
}

const received = (span: ReceivedSpan): Partial<ReceivedSpan> => {
  const { kind: _kind, startMs: _start, durationMs: _duration, ...rest } = span;
  return rest;
};

describe.each([
  ['OTLP/JSON', (url: string) => new JsonExporter({ url })],
  ['OTLP/protobuf', (url: string) => new ProtobufExporter({ url })],
] as const)('the OTLP receiver: %s', (_label, exporterFor) => {
  test('every generated span arrives as the SDK ended it', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(spanPlan, { minLength: 1, maxLength: 5 }), async (plans) => {
        const oracle = new InMemorySpanExporter();
        const provider = new TracerProvider({
          resource: resourceFromAttributes({ 'service.name': 'receiver-test' }),
          spanProcessors: [
            new SimpleSpanProcessor({ exporter: oracle }),
            new SimpleSpanProcessor({ exporter: exporterFor(receiver.tracesUrl) }),
          ],
        });
        const tracer = provider.getTracer('receiver-test');
        const started: Array<ReturnType<typeof tracer.startSpan>> = [];
        for (const [index, plan] of plans.entries()) {
          const parent = plan.parent === null || index === 0 ? undefined : started[plan.parent % index];
          const parentContext = parent ? trace.setSpan(context.active(), parent) : context.active();
          const links = index > 0 ? [{ context: started[0]!.spanContext(), attributes: { 'link.index': index } }] : [];
          const span = tracer.startSpan(plan.name, { attributes: plan.attributes, links }, parentContext);
          if (plan.event) span.addEvent(plan.event.name, plan.event.attributes);
          if (plan.error) span.setStatus({ code: 2, message: 'failed' });
          started.push(span);
        }
        for (const span of started.reverse()) span.end();
        await provider.forceFlush();
        // Read before shutdown: the in-memory exporter forgets its spans when shut down.
        const ended = oracle.getFinishedSpans().map(expected);
        await provider.shutdown();
        const ids = new Set(ended.map((span) => span.spanId));
        const got = receiver.spans.filter((span) => ids.has(span.spanId)).map(received);
        expect(ended).toHaveLength(plans.length);
        expect(got.sort(bySpanId)).toEqual(ended.sort(bySpanId));
      }),
      { numRuns: 15 },
    );
  });
});

const bySpanId = (a: Partial<ReceivedSpan>, b: Partial<ReceivedSpan>): number => (a.spanId! < b.spanId! ? -1 : 1);

test('renderTrace: one tree, children in start order, alike leaf siblings on one line', () => {
  const span = (spanId: string, name: string, parentSpanId?: string, startMs = 0): ReceivedSpan => ({
    traceId: 't',
    spanId,
    parentSpanId,
    name,
    kind: 2,
    service: 'svc',
    startMs,
    durationMs: 1.25,
    status: { code: 0 },
    attributes: {},
    events: [],
    links: [],
  });
  const text = renderTrace([
    span('a', 'root'),
    span('c', 'GET', 'a', 2),
    span('b', 'POST', 'a', 1),
    span('d', 'GET', 'a', 3),
    span('e', 'inner', 'b', 4),
  ]);
  expect(text).toBe(
    [
      'root  [svc, server]  1.3 ms',
      '├── POST  [svc, server]  1.3 ms',
      '│   └── inner  [svc, server]  1.3 ms',
      '└── GET  [svc, server]  ×2, 1.3–1.3 ms',
    ].join('\n'),
  );
});
