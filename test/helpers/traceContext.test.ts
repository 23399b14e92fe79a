import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { waitForReady } from '../../src/helpers/waitForReady.ts';
import { parentFromEnv, testTrace } from '../../src/helpers/testTrace.ts';
import { runFingerprint } from '../../src/helpers/fingerprint.ts';
import { runId } from '../../src/helpers/workerNamespace.ts';
import { runSeed } from '../../src/helpers/testSeed.ts';
import { failureOf } from '../support/failure.ts';
import { startHealthServer } from './healthServer.ts';

const PARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

function runChild(env: Record<string, string>): Promise<Record<string, string | undefined>> {
  const file = fileURLToPath(new URL('./fixtures/trace.child.ts', import.meta.url));
  // Only what the child is given: no TRACEPARENT, run id or seed inherited from this worker.
  const base = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !/^(TRACEPARENT|TRACESTATE|UNFLAKE_)/.test(k)),
  );
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [file], { env: { ...base, ...env }, timeout: 20_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${error.message}\n${stderr}`));
      else resolve(JSON.parse(stdout));
    });
  });
}

/** Sets TRACEPARENT/TRACESTATE for one test body, then puts back what was there. */
async function withParent(
  traceparent: string,
  tracestate: string | undefined,
  body: () => Promise<void> | void,
): Promise<void> {
  const saved = [process.env.TRACEPARENT, process.env.TRACESTATE];
  process.env.TRACEPARENT = traceparent;
  if (tracestate === undefined) delete process.env.TRACESTATE;
  else process.env.TRACESTATE = tracestate;
  try {
    await body();
  } finally {
    for (const [key, value] of [
      ['TRACEPARENT', saved[0]],
      ['TRACESTATE', saved[1]],
    ] as const) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}

describe('trace context', () => {
  test("TRACEPARENT from the environment is the parent: the test's trace continues it with a span of its own", async () => {
    await withParent(PARENT, 'vendor=abc', async () => {
      const t = testTrace();
      expect(t).toMatchObject({
        traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
        parentSpanId: '00f067aa0ba902b7',
        fromOpenTelemetry: false,
      });
      expect(t.spanId).toMatch(/^(?!0+$)[0-9a-f]{16}$/);
      expect(t.spanId).not.toBe('00f067aa0ba902b7');
      expect(t.headers()).toEqual({
        traceparent: `00-4bf92f3577b34da6a3ce929d0e0e4736-${t.spanId}-01`,
        tracestate: 'vendor=abc',
      });
      // Every test shares the parent's trace id, so the fingerprint names the test's span too.
      const message = await failureOf(expect(() => 1).toEventuallyEqual(2, { timeout: 20, interval: 5 }));
      expect(message).toContain(`Run: trace 4bf92f3577b34da6a3ce929d0e0e4736 span ${t.spanId} · worker`);
      expect(runFingerprint().spanId).toBe(t.spanId);
    });
  });

  test('an invalid TRACEPARENT is ignored, as the W3C spec says; an unsampled one stays unsampled', () => {
    for (const bad of [
      'garbage',
      'ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      '00-00000000000000000000000000000000-00f067aa0ba902b7-01',
      '00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01',
      `${PARENT}-extra`,
      '00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01',
    ]) {
      expect({ bad, parent: parentFromEnv({ TRACEPARENT: bad }) }).toEqual({ bad, parent: undefined });
    }
    expect(parentFromEnv({ TRACEPARENT: '00-4BF92F3577B34DA6A3CE929D0E0E4736-00F067AA0BA902B7-00' })).toEqual({
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b7',
      flags: '00',
      traceState: undefined,
    });
    // A later version: its first fields are read, extra ones allowed.
    expect(
      parentFromEnv({ TRACEPARENT: `01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-09-what-comes-later` })?.flags,
    ).toBe('01');
  });

  test('testTrace().env() gives a child process the trace (it joins as a child span), the run id and the seed', async () => {
    const t = testTrace();
    const env = t.env();
    expect(env).toEqual({ TRACEPARENT: t.traceparent, UNFLAKE_RUN_ID: runId(), UNFLAKE_SEED: String(runSeed()) });
    const child = await runChild(env);
    expect(child).toMatchObject({
      traceId: t.traceId,
      parentSpanId: t.spanId,
      runId: runId(),
      seed: String(runSeed()),
    });
    expect(child.spanId).not.toBe(t.spanId);
    const alone = await runChild({});
    expect(alone.traceId).not.toBe(t.traceId);
    expect(alone.parentSpanId).toBeUndefined();
  }, 30_000);

  test("waitForReady sends the test's traceparent; a traceparent the caller gives wins", async () => {
    const server = await startHealthServer([{ status: 200, body: { status: 'UP' } }]);
    try {
      await waitForReady(server.url(), { timeout: 2_000 });
      expect(server.requests[0]!.headers.traceparent).toBe(testTrace().traceparent);
      const own = '00-11111111111111111111111111111111-2222222222222222-01';
      await waitForReady(server.url(), { timeout: 2_000, headers: { TraceParent: own, authorization: 'Bearer x' } });
      expect(server.requests[1]!.headers).toMatchObject({ traceparent: own, authorization: 'Bearer x' });
    } finally {
      await server.close();
    }
  });
});
