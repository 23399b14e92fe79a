import { AsyncLocalStorage } from 'node:async_hooks';
import { context, ROOT_CONTEXT, trace, type Context, type ContextManager } from '@opentelemetry/api';
import { eventually } from '../../src/eventually.ts';
import { runFingerprint } from '../../src/helpers/fingerprint.ts';
import { testTrace } from '../../src/helpers/testTrace.ts';
import { workerNamespace } from '../../src/helpers/workerNamespace.ts';
import { failureOf } from '../support/failure.ts';

let previous: string | undefined;

describe('testTrace', () => {
  test('W3C ids: 32-hex trace id, 16-hex span id, traceparent 00-…-01, headers()', () => {
    const t = testTrace();
    expect(t.traceId).toMatch(/^(?!0+$)[0-9a-f]{32}$/);
    expect(t.spanId).toMatch(/^(?!0+$)[0-9a-f]{16}$/);
    expect(t.traceparent).toBe(`00-${t.traceId}-${t.spanId}-01`);
    expect(t.headers()).toEqual({ traceparent: t.traceparent });
    expect(t.fromOpenTelemetry).toBe(false);
    previous = t.traceId;
  });

  test('the same ids for the whole test, new ones for the next test', async () => {
    const first = testTrace();
    await Promise.resolve();
    expect(testTrace()).toBe(first);
    expect(previous).toMatch(/^[0-9a-f]{32}$/);
    expect(first.traceId).not.toBe(previous);
  });

  test('eventual assertions print the trace id and the run fingerprint without being asked', async () => {
    const message = await failureOf(expect(() => 'stale').toEventuallyEqual('fresh', { timeout: 30, interval: 5 }));
    const f = runFingerprint();
    expect(message.split('\n').at(-1)).toBe(`Run: trace ${testTrace().traceId} · worker ${f.worker} · namespace ${workerNamespace().id}`);
    const plain = await failureOf(eventually(() => 1, (n) => n === 2, { timeout: 20, interval: 5 }));
    expect(plain).toContain(`Run: trace ${testTrace().traceId}`);
  });

  test('idempotency and ordering failures print it too, with the seed', async () => {
    const state: string[] = [];
    const append = (e: string): void => void state.push(e);
    const idem = await failureOf(expect(append).toBeIdempotent('e1', { state: () => [...state], reset: () => void state.splice(0) }));
    expect(idem).toContain(`Run: trace ${testTrace().traceId}`);
    const order = await failureOf(expect(append).toConvergeInAnyOrder(['a', 'b', 'c'], { state: () => [...state], reset: () => void state.splice(0), seed: 42 }));
    expect(order).toMatch(new RegExp(`Run: trace ${testTrace().traceId} · worker .+ · namespace .+ · seed 42$`));
  });

  test('joins the active @opentelemetry/api span when there is one, and works without', () => {
    const storage = new AsyncLocalStorage<Context>();
    const manager: ContextManager = {
      active: () => storage.getStore() ?? ROOT_CONTEXT,
      with: (ctx, fn, thisArg, ...args) => storage.run(ctx, () => fn.call(thisArg, ...args)) as never,
      bind: (_ctx, target) => target,
      enable() {
        return this;
      },
      disable() {
        return this;
      },
    };
    expect(context.setGlobalContextManager(manager)).toBe(true);
    try {
      const spanContext = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: 1 };
      const inside = context.with(trace.setSpanContext(ROOT_CONTEXT, spanContext), () => testTrace());
      expect(inside).toMatchObject({ traceId: spanContext.traceId, spanId: spanContext.spanId, traceparent: `00-${spanContext.traceId}-${spanContext.spanId}-01`, fromOpenTelemetry: true });
      const outside = testTrace();
      expect(outside.fromOpenTelemetry).toBe(false);
      expect(outside.traceId).not.toBe(spanContext.traceId);
    } finally {
      context.disable();
    }
  });
});
