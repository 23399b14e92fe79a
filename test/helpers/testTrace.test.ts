import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { context, ROOT_CONTEXT, trace, type Context, type ContextManager } from '@opentelemetry/api';
import { eventually } from '../../src/eventually.ts';
import { runFingerprint } from '../../src/helpers/fingerprint.ts';
import { testTrace } from '../../src/helpers/testTrace.ts';
import { workerNamespace } from '../../src/helpers/workerNamespace.ts';
import { failureOf } from '../support/failure.ts';
import { runner } from '../support/runner.ts';
import { jestArgs, runNode, vitestArgs } from './childProcess.ts';

describe('testTrace', () => {
  test('W3C ids: 32-hex trace id, 16-hex span id, traceparent 00-…-01, headers()', () => {
    const t = testTrace();
    expect(t.traceId).toMatch(/^(?!0+$)[0-9a-f]{32}$/);
    expect(t.spanId).toMatch(/^(?!0+$)[0-9a-f]{16}$/);
    expect(t.traceparent).toBe(`00-${t.traceId}-${t.spanId}-01`);
    expect(t.headers()).toEqual({ traceparent: t.traceparent });
    expect(t.fromOpenTelemetry).toBe(false);
  });

  test('the same ids for the whole test: across awaits and inside a poll', async () => {
    const first = testTrace();
    await new Promise((resolve) => setImmediate(resolve));
    expect(testTrace()).toBe(first);
    const seen = await eventually(
      () => testTrace().traceId,
      (id) => id.length === 32,
      { timeout: 1_000 },
    );
    expect(seen).toBe(first.traceId);
  });

  test('eventual assertions print the trace id and the run fingerprint without being asked', async () => {
    const message = await failureOf(expect(() => 'stale').toEventuallyEqual('fresh', { timeout: 30, interval: 5 }));
    const f = runFingerprint();
    // Starts so: CI variables (GITHUB_SHA …) and configure({ fingerprint }) add fields after it.
    expect(
      message
        .split('\n')
        .at(-1)!
        .startsWith(`Run: trace ${testTrace().traceId} · worker ${f.worker} · namespace ${workerNamespace().id}`),
    ).toBe(true);
    const plain = await failureOf(
      eventually(
        () => 1,
        (n) => n === 2,
        { timeout: 20, interval: 5 },
      ),
    );
    expect(plain).toContain(`Run: trace ${testTrace().traceId}`);
  });

  test('idempotency and ordering failures print it too, with the seed', async () => {
    const state: string[] = [];
    const append = (e: string): void => void state.push(e);
    const idem = await failureOf(
      expect(append).toBeIdempotent('e1', { state: () => [...state], reset: () => void state.splice(0) }),
    );
    expect(idem).toContain(`Run: trace ${testTrace().traceId}`);
    const order = await failureOf(
      expect(append).toConvergeInAnyOrder(['a', 'b', 'c'], {
        state: () => [...state],
        reset: () => void state.splice(0),
        seed: 42,
      }),
    );
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
      expect(inside).toMatchObject({
        traceId: spanContext.traceId,
        spanId: spanContext.spanId,
        traceparent: `00-${spanContext.traceId}-${spanContext.spanId}-01`,
        fromOpenTelemetry: true,
      });
      const outside = testTrace();
      expect(outside.fromOpenTelemetry).toBe(false);
      expect(outside.traceId).not.toBe(spanContext.traceId);
    } finally {
      context.disable();
    }
  });
});

describe(`testTrace across the tests of a ${runner.name} file`, () => {
  test('each test has its own ids, sequential or concurrent, stable within it', async () => {
    // A child runner, so this test does not depend on which other tests of this file ran before it.
    const out = mkdtempSync(join(tmpdir(), 'unflake-trace-'));
    try {
      const { code, stdout, stderr } =
        runner.name === 'vitest'
          ? await runNode(vitestArgs('test/helpers/fixtures/vitest.trace.config.ts'), { TRACE_OUT: out })
          : await runNode(jestArgs('test/helpers/fixtures/jest.trace.config.js'), { TRACE_OUT: out });
      expect({ code, output: code === 0 ? '' : stdout + stderr }).toEqual({ code: 0, output: '' });
      const records = readdirSync(out)
        .filter((f) => f.endsWith('.json'))
        .map((f) => JSON.parse(readFileSync(join(out, f), 'utf8')) as { name: string; first: string; again: string });
      expect(records.map((r) => r.name).sort()).toEqual(['concurrent-a', 'concurrent-b', 'first', 'second']);
      for (const r of records) {
        expect(r.first).toMatch(/^[0-9a-f]{32}$/);
        expect(r.again).toBe(r.first);
      }
      expect(new Set(records.map((r) => r.first)).size).toBe(4);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 90_000);
});
