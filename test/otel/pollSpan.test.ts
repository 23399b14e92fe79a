/**
 * Each eventual assertion is a child span of its test's span (issue 21 item 3): `unflake.poll <name>`, its goal,
 * attempts, end reason, and one event per distinct observation. Vitest and Jest.
 */
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { eventually } from '../../src/eventually.ts';
import { failureOf } from '../support/failure.ts';
import { traceWork } from '../../src/otel/workSpan.ts';

const exporter = new InMemorySpanExporter();
const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });

// Registered as a setup file would (before the hooks run): Jest wraps its test bodies only when a provider is there.
trace.setGlobalTracerProvider(provider);
beforeAll(() => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
});

afterAll(() => {
  trace.disable();
  context.disable();
  propagation.disable();
});

async function pollSpans(): Promise<ReadableSpan[]> {
  await provider.forceFlush();
  return exporter.getFinishedSpans().filter((span) => span.name.startsWith('unflake.poll '));
}

beforeEach(() => exporter.reset());

describe('a poll span per eventual assertion', () => {
  test('a passing poll: a child of the test span, attempts, end reason, one event per distinct observation before the pass', async () => {
    const testSpan = trace.getActiveSpan()!;
    let n = 0;
    await eventually(
      () => Math.min(n++, 2),
      (value) => value === 2,
      { timeout: 1_000, interval: 1 },
    );
    const [span, ...more] = await pollSpans();
    expect(more).toEqual([]);
    expect(span!.name).toBe('unflake.poll eventually');
    expect(span!.parentSpanContext?.spanId).toBe(testSpan.spanContext().spanId);
    expect(span!.attributes).toMatchObject({
      'unflake.poll.goal': 'eventually',
      'unflake.poll.attempts': 3,
      'unflake.poll.passed': true,
      'unflake.poll.end_reason': 'passed',
    });
    expect(
      span!.events.map((event) => [
        event.attributes?.['unflake.observation.summary'],
        event.attributes?.['unflake.observation.held'],
      ]),
    ).toEqual([
      ['0', false],
      ['1', false],
    ]);
    expect(span!.status.code).toBe(0);
  });

  test('a failing matcher: ERROR, its end reason, the same observation once with its count', async () => {
    await failureOf(expect(() => 'stale').toEventuallyEqual('fresh', { timeout: 40, interval: 5 }));
    const [span] = await pollSpans();
    expect(span!.name).toMatch(/^unflake\.poll /);
    expect(span!.status.code).toBe(2);
    expect(span!.attributes).toMatchObject({ 'unflake.poll.passed': false, 'unflake.poll.end_reason': 'timeout' });
    expect(span!.events).toHaveLength(1);
    expect(span!.events[0]!.attributes).toMatchObject({
      'unflake.observation.summary': expect.stringContaining('stale'),
      'unflake.observation.held': false,
    });
    expect(Number(span!.events[0]!.attributes!['unflake.observation.count'])).toBeGreaterThan(1);
  });

  test('the probe runs inside the poll span: its own spans (an instrumented HTTP call) are the poll’s children', async () => {
    await eventually(
      () => {
        trace.getTracer('app').startSpan('GET /orders/1').end();
        return 1;
      },
      (v) => v === 1,
      { timeout: 100 },
    );
    await provider.forceFlush();
    const [poll] = await pollSpans();
    const [request] = exporter.getFinishedSpans().filter((span) => span.name === 'GET /orders/1');
    expect(request!.parentSpanContext?.spanId).toBe(poll!.spanContext().spanId);
  });

  test('inside the user’s own span, the poll nests under it', async () => {
    const mine = trace.getTracer('app').startSpan('mine');
    await context.with(trace.setSpan(context.active(), mine), () =>
      eventually(
        () => 1,
        (v) => v === 1,
        { timeout: 100 },
      ),
    );
    mine.end();
    const [span] = await pollSpans();
    expect(span!.parentSpanContext?.spanId).toBe(mine.spanContext().spanId);
  });
});

describe('a span for other work a test waits on (the delivery matchers’ hook)', () => {
  test('traceWork: a child of the test span, its verdict as status', async () => {
    const testSpan = trace.getActiveSpan()!;
    await traceWork(
      'unflake.delivery toBeIdempotent',
      Promise.resolve({ pass: false, message: 'changed state' }),
      (r) => ({ passed: r.pass, message: r.message }),
    );
    await provider.forceFlush();
    const [span] = exporter.getFinishedSpans().filter((s) => s.name === 'unflake.delivery toBeIdempotent');
    expect(span!.parentSpanContext?.spanId).toBe(testSpan.spanContext().spanId);
    expect([span!.status.code, span!.status.message, span!.attributes['unflake.passed']]).toEqual([
      2,
      'changed state',
      false,
    ]);
  });
});
