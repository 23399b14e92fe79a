/**
 * Issue 21 item 6 from the built package: a failing test of examples/traced-orders opens as one distributed trace.
 * An inner Vitest run (its setup file registers the Node SDK, exporting over OTLP/HTTP to this file's 127.0.0.1
 * receiver) starts the example's two services as child processes with `testTrace().env()`, each with the Node SDK
 * and its HTTP instrumentation exporting to the same receiver, and its eventual assertion fails (the example's planted
 * bug). The `Run: trace …` id of the failure is the trace id under which the test span, its poll span and both
 * services' spans arrive, as one tree (parent span ids, not only trace ids). The control test starts the services
 * without `testTrace()`: its trace has the test's spans only. Runs under the outer Vitest and Jest.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { eventually } from '../../src/index.ts';
import { renderTrace, startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '../support/otlpReceiver.ts';
import { runFixture, type FixtureReport } from './runFixture.ts';

const RUN_TIMEOUT = 60_000;
const repo = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..');

let receiver: OtlpReceiver;
let report: FixtureReport;

/** The inner run, with the receiver's endpoint, the repo's node_modules and the example's path in its environment. */
async function runInner(): Promise<FixtureReport> {
  const env: Record<string, string> = {
    NODE_PATH: join(repo, 'node_modules'),
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: receiver.tracesUrl,
    TRACED_ORDERS_SERVICES: join(repo, 'examples', 'traced-orders', 'startServices.ts'),
  };
  const saved = Object.fromEntries(Object.keys(env).map((key) => [key, process.env[key]]));
  Object.assign(process.env, env);
  try {
    return await runFixture({
      runner: 'vitest',
      fixtures: ['r4/tracedOrders.fixture.mjs', 'r4/tracing.mjs'],
      config: { setupFiles: ['unflake/vitest', './r4/tracing.mjs'] },
      timeout: RUN_TIMEOUT - 10_000,
    });
  } finally {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}

/** The failure's `Run: trace <id>` (and `span <id>`, printed when the trace is an OpenTelemetry span's). */
function runLine(id: string): { traceId: string; spanId: string | undefined } {
  const message = report.test(id).failureMessages.join('\n');
  const found = /^Run: trace ([0-9a-f]{32})(?: span ([0-9a-f]{16}))?/m.exec(message);
  if (!found) throw new Error(`no "Run: trace" line in the failure of ${id}:\n${message.slice(0, 2_000)}`);
  return { traceId: found[1]!, spanId: found[2] };
}
const runTrace = (id: string): string => runLine(id).traceId;

/** The spans of `traceId` once the test's own span has arrived (the inner run has ended: everything is exported). */
function arrived(traceId: string): Promise<ReceivedSpan[]> {
  return eventually(
    () => receiver.trace(traceId),
    (spans) => spans.some((span) => span.service === 'tests' && span.attributes['test.case.name'] !== undefined),
    { timeout: 5_000 },
  );
}

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  report = await runInner();
}, RUN_TIMEOUT);

afterAll(() => receiver?.close());

describe('a failing test of examples/traced-orders, as one trace', () => {
  test('the inner run: both tests failed on their eventual assertion, each with a Run: trace line', () => {
    expect(report.timedOut).toBe(false);
    for (const id of ['r4a', 'r4b']) {
      expect(report.test(id).status).toBe('failed');
      expect(report.test(id).failureMessages.join('\n')).toMatch(/toEventuallyMatchObject[\s\S]*Timed out after/);
    }
    expect(runTrace('r4a')).not.toBe(runTrace('r4b'));
  });

  test('the Run: line names the test span; its trace holds the test, its poll and both services, as one tree', async () => {
    const spans = await arrived(runTrace('r4a'));
    const named = (name: string, service: string): ReceivedSpan => {
      const found = spans.filter((span) => span.name === name && span.service === service);
      if (found.length !== 1)
        throw new Error(`expected one "${name}" of ${service}, got ${found.length}:\n${renderTrace(spans)}`);
      return found[0]!;
    };
    const testSpan = spans.find((span) => span.service === 'tests' && !span.parentSpanId)!;
    expect(testSpan).toMatchObject({
      name: expect.stringMatching(/ > r4a an order placed is listed by the read model$/),
      status: { code: 2 },
      attributes: { 'test.case.result.status': 'fail' },
    });
    const poll = named('unflake.poll toEventuallyMatchObject', 'tests');
    expect(runLine('r4a').spanId).toBe(testSpan.spanId);
    const postOrder = named('POST /orders', 'orders');
    const publish = named('outbox publish OrderPlaced', 'orders');
    const send = named('POST', 'orders');
    const receive = named('POST /events', 'read-model');
    const reads = spans.filter((span) => span.name === 'GET /orders/:id' && span.service === 'read-model');
    const starts = [named('orders start', 'orders'), named('read-model start', 'read-model')];

    expect({
      poll: [poll.parentSpanId, poll.status.code, poll.attributes['unflake.poll.end_reason']],
      started: starts.map((span) => span.parentSpanId),
      postOrder: postOrder.parentSpanId,
      outbox: [publish.parentSpanId, send.parentSpanId, receive.parentSpanId],
      reads: [...new Set(reads.map((span) => span.parentSpanId))],
    }).toEqual({
      poll: [testSpan.spanId, 2, 'timeout'],
      started: [testSpan.spanId, testSpan.spanId],
      postOrder: testSpan.spanId,
      outbox: [postOrder.spanId, publish.spanId, send.spanId],
      reads: [poll.spanId],
    });
    // Every read of the wait is in the trace (at least two: it polled), and the planted bug is visible in it.
    expect(reads.length).toBeGreaterThanOrEqual(2);
    expect(receive.attributes['orders.projection.key']).toBe('undefined');
    // One tree: the test span is the only root; every other span's parent is in the trace.
    const ids = new Set(spans.map((span) => span.spanId));
    expect(spans.filter((span) => !span.parentSpanId || !ids.has(span.parentSpanId))).toEqual([testSpan]);
  });

  test('the control: services started without testTrace() are not in the failing test’s trace', async () => {
    const spans = await arrived(runTrace('r4b'));
    expect([...new Set(spans.map((span) => span.service))]).toEqual(['tests']);
    // Their spans did arrive, each request in a trace of its own.
    const orphans = receiver.spans.filter((span) => span.name === 'POST /orders' && span.traceId !== runTrace('r4a'));
    expect(orphans).toHaveLength(1);
    expect(orphans[0]!.parentSpanId).toBeUndefined();
  });
});
