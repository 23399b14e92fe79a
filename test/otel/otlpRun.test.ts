/**
 * The run report over OTLP (issue 21 item 4): a receiver on 127.0.0.1 gets what the real
 * @opentelemetry/exporter-trace-otlp-http sends (OTLP/JSON): one run span, a child per test result with its outcome,
 * and a link to a failed attempt's own trace; a collector that is down is one warning, never a throw. Vitest and Jest.
 */
import { createServer } from 'node:http';
import type { RunReport } from '../../src/flakes/schema.ts';
import { exportRunOverOtlp } from '../../src/otel/otlpRun.ts';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '../support/otlpReceiver.ts';

let receiver: OtlpReceiver;

beforeAll(async () => {
  receiver = await startOtlpReceiver();
});

afterAll(() => receiver.close());

const report: RunReport = {
  schema: 'unflake-run-report',
  version: 2,
  runner: 'vitest',
  run: {
    id: 'run42',
    startedAt: '2026-12-06T04:00:00.000Z',
    finishedAt: '2026-12-06T04:01:00.000Z',
    sha: 'f9dc84b668d4',
    branch: 'main',
    shard: { index: 1, count: 2 },
  },
  totals: { tests: 2, run: 2, passed: 0, failed: 1, flaky: 1, skipped: 0, quarantined: 0 },
  flakeRate: 0.5,
  byCategory: { timing: 1, infrastructure: 0, product: 1, unknown: 0 },
  tests: [
    {
      file: 'orders.test.ts',
      name: 'orders.test.ts > orders > is listed',
      status: 'flaky',
      attempts: 2,
      failures: [
        {
          message: 'Timed out after 300 ms',
          category: 'timing',
          fingerprint: { trace: '4bf92f3577b34da6a3ce929d0e0e4736', span: '00f067aa0ba902b7', worker: 'vitest 1' },
        },
      ],
    },
    {
      file: 'orders.test.ts',
      name: 'orders.test.ts > orders > is paid',
      status: 'failed',
      attempts: 2,
      failures: [{ message: 'expected paid', category: 'product' }],
    },
  ],
} as RunReport;

const attribute = (span: ReceivedSpan, key: string): unknown => span.attributes[key];

describe('the run report over OTLP', () => {
  test('one run span, a child per test result, a link to the failed attempt’s trace', async () => {
    const outcome = await exportRunOverOtlp(report, {
      endpoint: receiver.tracesUrl,
      headers: { 'x-team': 'orders' },
    });
    expect(outcome).toMatchObject({ sent: 3 });
    const last = receiver.requests.at(-1)!;
    expect(last.path).toBe('/v1/traces');
    expect(last.headers['x-team']).toBe('orders');
    const spans = last.spans;
    const run = spans.find((span) => span.name === 'unflake run vitest')!;
    expect([
      attribute(run, 'test.suite.run.status'),
      attribute(run, 'vcs.ref.head.revision'),
      attribute(run, 'unflake.shard'),
      run.status.code,
    ]).toEqual(['failure', 'f9dc84b668d4', '1/2', 2]);
    const [flaky, failed] = ['orders.test.ts > orders > is listed', 'orders.test.ts > orders > is paid'].map((name) =>
      spans.find((span) => span.name === name)!,
    );
    for (const span of [flaky!, failed!])
      expect({ traceId: span.traceId, parent: span.parentSpanId }).toEqual({
        traceId: run.traceId,
        parent: run.spanId,
      });
    expect([
      attribute(flaky!, 'unflake.flaky'),
      attribute(flaky!, 'unflake.category'),
      attribute(flaky!, 'test.case.result.status'),
    ]).toEqual([true, 'timing', 'pass']);
    expect(flaky!.links.map((link) => [link.traceId, link.spanId])).toEqual([
      ['4bf92f3577b34da6a3ce929d0e0e4736', '00f067aa0ba902b7'],
    ]);
    expect([attribute(failed!, 'test.case.result.status'), failed!.status.code, failed!.links]).toEqual([
      'fail',
      2,
      [],
    ]);
  });

  test('the standard variables: OTEL_EXPORTER_OTLP_ENDPOINT (+ /v1/traces) and OTEL_EXPORTER_OTLP_HEADERS', async () => {
    const saved = {
      endpoint: process.env.OTEL_EXPORTER_OTLP_ENDPOINT,
      headers: process.env.OTEL_EXPORTER_OTLP_HEADERS,
    };
    Object.assign(process.env, {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      OTEL_EXPORTER_OTLP_HEADERS: 'x-team=from-env',
    });
    try {
      expect(await exportRunOverOtlp(report)).toMatchObject({ sent: 3 });
    } finally {
      for (const [key, value] of [
        ['OTEL_EXPORTER_OTLP_ENDPOINT', saved.endpoint],
        ['OTEL_EXPORTER_OTLP_HEADERS', saved.headers],
      ] as const) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
    expect([receiver.requests.at(-1)!.path, receiver.requests.at(-1)!.headers['x-team']]).toEqual([
      '/v1/traces',
      'from-env',
    ]);
  });

  test('a collector that is down: one warning after a bounded wait, no throw', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const deadPort = (closed.address() as { port: number }).port;
    await new Promise((resolve) => closed.close(resolve));
    const started = Date.now();
    const outcome = await exportRunOverOtlp(report, {
      endpoint: `http://127.0.0.1:${deadPort}/v1/traces`,
      timeout: 1_000,
    });
    expect(outcome).toEqual({
      warning: expect.stringMatching(
        /^unflake: the run was not exported over OTLP \(.+\); the test run is not affected\.$/,
      ),
    });
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
