/**
 * The run report over OTLP/protobuf and the ways in (issue 21 item 4): the real @opentelemetry/exporter-trace-otlp-proto
 * picked by OTEL_EXPORTER_OTLP_PROTOCOL, decoded by the receiver with OpenTelemetry's own generated decoder; an exporter
 * that is not installed (resolved from a folder without it: Node's real resolution fails) is one message saying how to
 * install it; grpc is refused with a reason; the reporter option `otlp` (checked, "Did you mean") and `unflake flakes
 * report --otlp`. Vitest and Jest.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FlakeCollector, validateOptions } from '../../reporter/core.ts';
import type { RunReport } from '../../src/flakes/schema.ts';
import { exportRunOverOtlp } from '../../src/otel/otlpRun.ts';
import { deadPort, startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '../support/otlpReceiver.ts';
import { runCli, type CliResult } from '../support/runCli.ts';

const ATTEMPT = { trace: '4bf92f3577b34da6a3ce929d0e0e4736', span: '00f067aa0ba902b7' };
const report = {
  schema: 'unflake-run-report',
  version: 2,
  runner: 'jest',
  run: {
    id: 'run7',
    startedAt: '2026-12-06T04:00:00.000Z',
    finishedAt: '2026-12-06T04:01:00.000Z',
    sha: 'f9dc84b668d4',
    branch: 'main',
  },
  totals: { tests: 2, run: 2, passed: 1, failed: 0, flaky: 1, skipped: 0, quarantined: 0 },
  flakeRate: 0.5,
  byCategory: { timing: 1, infrastructure: 0, product: 0, unknown: 0 },
  tests: [
    { file: 'a.test.ts', name: 'a ok', status: 'passed' },
    {
      file: 'a.test.ts',
      name: 'a retried',
      status: 'flaky',
      attempts: 2,
      failures: [{ message: 'Timed out after 100 ms', category: 'timing', fingerprint: { ...ATTEMPT } }],
    },
  ],
} as unknown as RunReport;

let receiver: OtlpReceiver;
let folder: string;
beforeAll(async () => {
  receiver = await startOtlpReceiver();
  folder = mkdtempSync(join(tmpdir(), 'unflake-otlp-'));
});
afterAll(async () => {
  await receiver.close();
  rmSync(folder, { recursive: true, force: true });
});

const byName = (spans: ReceivedSpan[], name: string): ReceivedSpan => spans.find((span) => span.name === name)!;

describe('OTLP/protobuf through the real exporter', () => {
  test('http/protobuf: the run span and its children, decoded by OpenTelemetry’s own decoder', async () => {
    const before = receiver.requests.length;
    const outcome = await exportRunOverOtlp(
      report,
      { endpoint: receiver.tracesUrl, headers: { 'x-api-key': 'k1' } },
      { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf' },
    );
    expect(outcome).toMatchObject({ sent: 3 });
    const [request, ...more] = receiver.requests.slice(before);
    expect(more).toEqual([]);
    expect([request!.contentType, request!.headers['x-api-key']]).toEqual(['application/x-protobuf', 'k1']);
    const run = byName(request!.spans, 'unflake run jest');
    expect(run).toMatchObject({
      traceId: (outcome as { traceId: string }).traceId,
      attributes: {
        'test.suite.run.status': 'success',
        'cicd.pipeline.run.id': 'run7',
        'vcs.ref.head.revision': 'f9dc84b668d4',
        'vcs.ref.head.name': 'main',
      },
    });
    // An unset attribute is left out, not sent empty (no shard here).
    expect(run.attributes).not.toHaveProperty('unflake.shard');
    expect(run.parentSpanId).toBeUndefined();
    const [passed, flaky] = ['a.test.ts > a ok', 'a.test.ts > a retried'].map((name) => byName(request!.spans, name));
    for (const child of [passed!, flaky!])
      expect(child).toMatchObject({ traceId: run.traceId, parentSpanId: run.spanId });
    expect(passed!.spanId).not.toBe(flaky!.spanId);
    expect([passed!.links, flaky!.links]).toEqual([
      [],
      [{ traceId: ATTEMPT.trace, spanId: ATTEMPT.span, attributes: {} }],
    ]);
    expect(flaky!.attributes).toMatchObject({
      'unflake.flaky': true,
      'unflake.attempts': 2,
      'unflake.category': 'timing',
      'test.case.result.status': 'pass',
    });
  });

  test('where it goes: the option, else OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, else OTEL_EXPORTER_OTLP_ENDPOINT + /v1/traces', async () => {
    const origin = receiver.tracesUrl.replace('/v1/traces', '');
    const variables = {
      OTEL_EXPORTER_OTLP_ENDPOINT: `${origin}/base`,
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${origin}/traces-only`,
    };
    const urls = async (option?: string): Promise<unknown[]> => {
      const before = receiver.requests.length;
      await exportRunOverOtlp(report, option ? { endpoint: option } : {}, {});
      return receiver.requests.slice(before).map((r) => r.path);
    };
    Object.assign(process.env, variables);
    try {
      expect(await urls(`${origin}/from-option`)).toEqual(['/from-option']);
      expect(await urls()).toEqual(['/traces-only']);
      delete process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
      expect(await urls()).toEqual(['/base/v1/traces']);
    } finally {
      for (const key of Object.keys(variables)) delete process.env[key];
    }
  });

  test('OTEL_EXPORTER_OTLP_TRACES_PROTOCOL wins over OTEL_EXPORTER_OTLP_PROTOCOL', async () => {
    const before = receiver.requests.length;
    await exportRunOverOtlp(
      report,
      { endpoint: receiver.tracesUrl },
      { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json' },
    );
    expect(receiver.requests.slice(before).map((r) => r.contentType)).toEqual(['application/json']);
  });
});

describe('when the run cannot be exported, one warning and never a throw', () => {
  test.each([
    ['http/json', '@opentelemetry/exporter-trace-otlp-http'],
    ['http/protobuf', '@opentelemetry/exporter-trace-otlp-proto'],
  ])('%s without %s installed: says how to install it', async (protocol, name) => {
    writeFileSync(join(folder, 'package.json'), '{"name":"no-exporter","private":true}');
    const outcome = await exportRunOverOtlp(
      report,
      { endpoint: receiver.tracesUrl },
      { OTEL_EXPORTER_OTLP_PROTOCOL: protocol },
      [join(folder, 'package.json')],
    );
    expect(outcome).toEqual({
      warning: `unflake: the run was not exported over OTLP (${protocol}): ${name} is not installed. Install it beside unflake: npm i -D ${name}`,
    });
  });

  test('grpc: refused with the reason, nothing sent', async () => {
    const before = receiver.requests.length;
    const outcome = await exportRunOverOtlp(
      report,
      { endpoint: receiver.tracesUrl },
      { OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' },
    );
    expect((outcome as { warning: string }).warning).toMatch(
      /^unflake: the run was not exported over OTLP: OTEL_EXPORTER_OTLP_PROTOCOL="grpc": unflake exports over http\/protobuf or http\/json only/,
    );
    expect(receiver.requests.length).toBe(before);
  });
});

describe('the reporter option `otlp`', () => {
  const where = 'unflake/reporter (Jest)';
  test.each([
    [{ otlp: { endpont: 'http://x' } }, /`otlp`: unknown option `endpont`\. Did you mean `endpoint`\?/],
    [{ otlpp: true }, /unknown option `otlpp`\. Did you mean `otlp`\?/],
    [{ otlp: 'yes' }, /`otlp` must be true, false or \{ endpoint\?, headers\?, timeout\? \}, got "yes"/],
    [{ otlp: { endpoint: 'localhost:4318' } }, /`otlp\.endpoint` must be an http\(s\) URL .*got "localhost:4318"/],
    [{ otlp: { headers: { key: 1 } } }, /`otlp\.headers` must be an object of string values/],
    [{ otlp: { timeout: 0 } }, /`otlp\.timeout` must be a finite number of milliseconds > 0, got 0/],
  ])('%j is a TypeError naming it', (options, message) => {
    expect(() => validateOptions(where, options)).toThrow(TypeError);
    expect(() => validateOptions(where, options)).toThrow(message);
  });

  test('true, false and an object become the settings', () => {
    expect(validateOptions(where, { otlp: true }).otlp).toEqual({});
    expect(validateOptions(where, { otlp: false }).otlp).toBeUndefined();
    expect(validateOptions(where, {}).otlp).toBeUndefined();
    expect(validateOptions(where, { otlp: { endpoint: 'https://otel.example/v1/traces', timeout: 500 } }).otlp).toEqual(
      {
        endpoint: 'https://otel.example/v1/traces',
        timeout: 500,
      },
    );
  });

  async function finish(endpoint: string): Promise<Awaited<ReturnType<FlakeCollector['finish']>>> {
    const collector = new FlakeCollector(
      'jest',
      validateOptions(where, {
        otlp: { endpoint, timeout: 1_000 },
        outputFile: join(folder, 'flake-report.json'),
        quarantine: false,
      }),
      'run8',
      folder,
    );
    collector.start(folder);
    collector.record({ name: 'a ok', file: 'a.test.ts', state: 'passed', failures: [], attempts: 1 });
    return collector.finish();
  }

  test('the reporter sends its run at the end and says so in the summary', async () => {
    const before = receiver.requests.length;
    const finished = await finish(receiver.tracesUrl);
    expect(finished.otlp).toMatchObject({ sent: 2 });
    expect(receiver.requests.slice(before).flatMap((r) => r.spans.map((s) => s.name))).toEqual([
      'unflake run jest',
      'a.test.ts > a ok',
    ]);
    expect(finished.summary).toContain(
      `unflake: exported the run over OTLP: trace ${(finished.otlp as { traceId: string }).traceId} (2 spans)`,
    );
  });

  test('a collector that is down: the run finishes, its summary carries the one warning', async () => {
    const started = Date.now();
    const finished = await finish(`http://127.0.0.1:${await deadPort()}/v1/traces`);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(finished.verdict.budgetError).toBeUndefined();
    const lines = finished.summary.split('\n').filter((line) => line.includes('not exported over OTLP'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/the test run is not affected\.$/);
  });
});

describe('unflake flakes report --otlp', () => {
  const cli = (args: string[]): Promise<CliResult> => runCli(args);

  test('--otlp-endpoint: the given run is exported, one line on stderr', async () => {
    const file = join(folder, 'run.json');
    writeFileSync(file, JSON.stringify(report));
    const before = receiver.requests.length;
    const { code, err } = await cli(['flakes', 'report', file, '--otlp-endpoint', receiver.tracesUrl]);
    expect(code).toBe(0);
    expect(err).toMatch(/^unflake: run run7 exported over OTLP: trace [0-9a-f]{32} \(3 spans\)$/m);
    expect(receiver.requests.slice(before).flatMap((r) => r.spans.map((s) => s.name))).toContain(
      'a.test.ts > a retried',
    );
  });

  test('a collector that is down: one warning within OTEL_EXPORTER_OTLP_TIMEOUT, the exit code is the report’s', async () => {
    const file = join(folder, 'run.json');
    writeFileSync(file, JSON.stringify(report));
    const endpoint = `http://127.0.0.1:${await deadPort()}/v1/traces`;
    process.env.OTEL_EXPORTER_OTLP_TIMEOUT = '800';
    const started = Date.now();
    try {
      const { code, err } = await cli(['flakes', 'report', file, '--otlp', '--otlp-endpoint', endpoint]);
      expect(code).toBe(0);
      expect(err.match(/not exported over OTLP/g)).toHaveLength(1);
    } finally {
      delete process.env.OTEL_EXPORTER_OTLP_TIMEOUT;
    }
    // The exporter retries a refused connection until the timeout; the guard ends a stuck one a second later.
    expect(Date.now() - started).toBeLessThan(3_500);
  });

  test('a bad --otlp-endpoint is a usage error (exit 2) naming the flag', async () => {
    const { code, err } = await cli([
      'flakes',
      'report',
      join(folder, 'run.json'),
      '--otlp-endpoint',
      'collector:4318',
    ]);
    expect(code).toBe(2);
    expect(err).toMatch(/^unflake: --otlp-endpoint must be an http\(s\) URL .*got "collector:4318"/);
  });
});
