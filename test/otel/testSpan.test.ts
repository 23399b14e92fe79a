/**
 * A span per test attempt, in process (issue 21 items 1 and 2): with a provider registered the way a user's setup
 * file does it, each test of this file runs inside its own span, named by the test id; in-process spans become its
 * children; testTrace() is that span (ids, sampled flag, the registered propagator's headers). Vitest and Jest.
 */
import { context, propagation, trace, type Span } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { B3Propagator } from '@opentelemetry/propagator-b3';
import {
  AlwaysOffSampler,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  TracerProvider,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace';
import { testTrace } from '../../src/helpers/testTrace.ts';
import { testNamespace } from '../../src/helpers/testNamespace.ts';
import { runSeed, testSeed } from '../../src/helpers/testSeed.ts';
import { runner } from '../support/runner.ts';

const FILE = 'test/otel/testSpan.test.ts';
const exporter = new InMemorySpanExporter();
const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });

// Registered as a setup file would (before the hooks run): Jest wraps its test bodies only when a provider is there.
trace.setGlobalTracerProvider(provider);
beforeAll(() => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
});

afterAll(() => {
  trace.disable();
  context.disable();
  propagation.disable();
});

const nameOf = (span: Span | undefined): string | undefined => (span as unknown as ReadableSpan | undefined)?.name;
const finished = (name: string): ReadableSpan[] => exporter.getFinishedSpans().filter((span) => span.name === name);

describe('a span per test attempt', () => {
  test('the test body runs inside it, named by the test id; in-process spans are its children', async () => {
    const active = trace.getActiveSpan();
    expect(nameOf(active)).toBe(
      `${FILE} > a span per test attempt > the test body runs inside it, named by the test id; in-process spans are its children`,
    );
    await new Promise((resolve) => setImmediate(resolve));
    const child = trace.getTracer('app').startSpan('app work');
    child.end();
    await provider.forceFlush();
    const [recorded] = finished('app work');
    expect(recorded?.parentSpanContext?.spanId).toBe(active!.spanContext().spanId);
    expect(recorded?.spanContext().traceId).toBe(active!.spanContext().traceId);
    testNamespace('orders');
    testSeed();
  });

  test('the previous test’s span ended with its result and the semantic-convention attributes', async () => {
    await provider.forceFlush();
    const [span] = finished(
      `${FILE} > a span per test attempt > the test body runs inside it, named by the test id; in-process spans are its children`,
    );
    expect(span).toBeDefined();
    expect(span!.attributes).toMatchObject({
      'test.case.name': span!.name,
      'test.suite.name': `${FILE} > a span per test attempt`,
      'test.case.result.status': 'pass',
      'unflake.attempt': 0,
      'unflake.runner': runner.name,
    });
    expect(span!.attributes['cicd.pipeline.run.id']).toMatch(/^\w+/);
    expect(String(span!.attributes['unflake.worker'])).toMatch(/^(vitest|jest|pid) \d+$/);
    expect(span!.attributes['unflake.namespaces']).toEqual([expect.stringContaining('orders')]);
    expect(span!.attributes['unflake.seed']).toBe(runSeed());
    expect(span!.status.code).toBe(0);
    expect(span!.parentSpanContext).toBeUndefined();
  });

  test('testTrace() is the span: its ids, sampled, headers and env from the registered propagator', () => {
    const ids = trace.getActiveSpan()!.spanContext();
    const t = testTrace();
    expect(t).toMatchObject({
      traceId: ids.traceId,
      spanId: ids.spanId,
      traceparent: `00-${ids.traceId}-${ids.spanId}-01`,
      fromOpenTelemetry: true,
    });
    expect(t.headers()).toEqual({ traceparent: t.traceparent });
    expect(t.env()).toMatchObject({ TRACEPARENT: t.traceparent });
  });

  test('headers() follow the user’s propagator (B3), env() names them as environment variables', () => {
    propagation.disable();
    propagation.setGlobalPropagator(new B3Propagator());
    try {
      const t = testTrace();
      expect(t.headers()).toEqual({ b3: `${t.traceId}-${t.spanId}-1` });
      expect(t.env()).toMatchObject({ B3: `${t.traceId}-${t.spanId}-1` });
      expect(t.env().TRACEPARENT).toBeUndefined();
    } finally {
      propagation.disable();
      propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    }
  });

  test('an unsampled span stays unsampled: traceparent ends in -00', () => {
    const off = new TracerProvider({ sampler: new AlwaysOffSampler() }).getTracer('off');
    const span = off.startSpan('unsampled');
    const t = context.with(trace.setSpan(context.active(), span), () => testTrace());
    expect(t.traceparent).toBe(`00-${span.spanContext().traceId}-${span.spanContext().spanId}-00`);
    expect(t.headers().traceparent).toMatch(/-00$/);
  });
});
