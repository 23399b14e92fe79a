/**
 * The flake reporter's `otlp` option in real inner runs of the built package (issue 21 item 4): a user's provider
 * records each attempt's span (p2/otelSetup, to spans.jsonl) and the reporter, at the end of the run, sends the run over
 * OTLP/protobuf (OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf, the real @opentelemetry/exporter-trace-otlp-proto) to a
 * receiver on 127.0.0.1 that decodes it with OpenTelemetry's own decoder. One run span; a child per test result named
 * like the attempt spans; each child links to every attempt's own span (carried from the worker through the runner's
 * per-test channel: src/otel/attemptSpans.ts), a passing test's too. A pass, a failure, a pass on retry.
 * Vitest runs inner Vitest; Jest runs inner Jest and Playwright Test.
 */
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runner } from '../support/runner.ts';
import { runFixture, type FixtureReport, type FixtureRun } from './runFixture.ts';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '../support/otlpReceiver.ts';

const RUN_TIMEOUT = 90_000;
const modules = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..', 'node_modules');
const setup = ['p2/otelSetup.cjs', 'p2/otelSetup.mjs'];

interface AttemptSpan {
  name: string;
  traceId: string;
  spanId: string;
  attributes: Record<string, unknown>;
}

type Case = { label: string; file: string; run: (options: Record<string, unknown>) => FixtureRun };

const cases: Case[] =
  runner.name === 'vitest'
    ? [
        {
          label: 'Vitest',
          file: 'r3/otlp.fixture.mjs',
          run: (options) => ({
            runner: 'vitest',
            fixtures: ['r3/otlp.fixture.mjs', ...setup],
            config: {
              retry: 1,
              setupFiles: ['unflake/vitest', './p2/otelSetup.mjs'],
              reporters: ['default', 'json', './vitestExtras.mjs', ['unflake/reporter', options]],
            },
          }),
        },
      ]
    : [
        {
          label: 'Jest',
          file: 'r3/otlp.jest.fixture.cjs',
          run: (options) => ({
            runner: 'jest',
            fixtures: ['r3/otlp.jest.fixture.mjs', 'p2/otelSetup.cjs'],
            config: {
              modulePaths: [modules],
              setupFilesAfterEnv: ['unflake/jest', '<rootDir>/p2/otelSetup.cjs'],
              reporters: ['default', ['unflake/reporter', options]],
            },
          }),
        },
        {
          label: 'Playwright Test',
          file: 'r3/otlp.playwright.fixture.mjs',
          run: (options) => ({
            runner: 'playwright',
            fixtures: ['r3/otlp.playwright.fixture.mjs', ...setup],
            config: {
              retries: 1,
              reporter: [['list'], ['json', { outputFile: 'report.json' }], ['unflake/reporter/playwright', options]],
            },
          }),
        },
      ];

/** The Jest reporter's run-scoped folders of attempt span ids (src/otel/attemptSpans.ts) in the temp folder. */
const spanFolders = (): string[] => readdirSync(tmpdir()).filter((name) => name.startsWith('unflake-attempt-spans-'));

const lines = <T>(text: string | undefined): T[] =>
  (text ?? '')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as T);

async function runExporting(run: FixtureRun): Promise<FixtureReport> {
  const saved = { ...process.env };
  Object.assign(process.env, { NODE_PATH: modules, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf' });
  try {
    return await runFixture({ ...run, collect: ['spans.jsonl', 'flake-report.json'], timeout: RUN_TIMEOUT - 10_000 });
  } finally {
    for (const key of ['NODE_PATH', 'OTEL_EXPORTER_OTLP_PROTOCOL']) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
  }
}

describe.each(cases)('the reporter exports the run over OTLP/protobuf: $label', ({ file, run }) => {
  let receiver: OtlpReceiver;
  let report: FixtureReport;
  let sent: ReceivedSpan[];
  let attempts: AttemptSpan[];
  let leftovers: string[];
  const id = (test: string): string => `${file} > r3 suite > ${test}`;

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    const before = new Set(spanFolders());
    report = await runExporting(
      run({ otlp: { endpoint: receiver.tracesUrl, headers: { 'x-team': 'orders' } }, outputFile: 'flake-report.json' }),
    );
    leftovers = spanFolders().filter((name) => !before.has(name));
    sent = receiver.requests.flatMap((request) => request.spans);
    attempts = lines<AttemptSpan>(report.collected['spans.jsonl']).filter((span) => span.name.startsWith(file));
  }, RUN_TIMEOUT);
  afterAll(() => receiver?.close());

  test('the run ran: a pass, a failure, a pass on retry; one protobuf request reached the receiver', () => {
    expect(report.timedOut).toBe(false);
    expect(['r3a', 'r3b', 'r3c'].map((t) => report.test(t).status)).toEqual(['passed', 'failed', 'passed']);
    expect(receiver.requests.map((r) => [r.path, r.contentType, r.headers['x-team']])).toEqual([
      ['/v1/traces', 'application/x-protobuf', 'orders'],
    ]);
  });

  test('one run span: failure, the run id; a child per test result, named like its attempt spans', () => {
    const [runSpan, ...others] = sent.filter((span) => span.name.startsWith('unflake run '));
    expect(others).toEqual([]);
    expect(runSpan).toMatchObject({ status: { code: 2 }, attributes: { 'test.suite.run.status': 'failure' } });
    expect(runSpan!.parentSpanId).toBeUndefined();
    expect(runSpan!.attributes['cicd.pipeline.run.id']).toBe(attempts[0]!.attributes['cicd.pipeline.run.id']);
    const children = sent.filter((span) => span !== runSpan);
    expect(children.map((span) => span.name).sort()).toEqual([
      id('r3a passes'),
      id('r3b fails'),
      id('r3c passes on retry'),
    ]);
    for (const child of children)
      expect(child).toMatchObject({ traceId: runSpan!.traceId, parentSpanId: runSpan!.spanId });
    const outcome = (name: string): unknown[] => {
      const span = children.find((s) => s.name === id(name))!;
      return [
        span.attributes['unflake.outcome'],
        span.attributes['test.case.result.status'],
        span.attributes['unflake.flaky'],
        span.attributes['unflake.attempts'],
        span.status.code,
      ];
    };
    expect(outcome('r3a passes')).toEqual(['passed', 'pass', false, 1, 0]);
    expect(outcome('r3b fails')).toEqual(['failed', 'fail', false, 2, 2]);
    expect(outcome('r3c passes on retry')).toEqual(['flaky', 'pass', true, 2, 0]);
  });

  test('each result’s child links to every attempt’s own span, as the user’s provider recorded it, a pass included', () => {
    const child = (name: string): ReceivedSpan => sent.find((span) => span.name === id(name))!;
    const recorded = (name: string): Array<{ traceId: string; spanId: string; attributes: Record<string, unknown> }> =>
      attempts
        .filter((span) => span.name === id(name))
        .sort((a, b) => Number(a.attributes['unflake.attempt']) - Number(b.attributes['unflake.attempt']))
        .map(({ traceId, spanId, attributes }) => ({
          traceId,
          spanId,
          attributes: { 'unflake.attempt': Number(attributes['unflake.attempt']) },
        }));
    const counts = { 'r3a passes': 1, 'r3b fails': 2, 'r3c passes on retry': 2 };
    for (const [name, count] of Object.entries(counts)) {
      expect(recorded(name)).toHaveLength(count);
      expect(child(name).links).toEqual(recorded(name));
    }
    for (const name of ['r3b fails', 'r3c passes on retry']) {
      expect(child(name).attributes['unflake.attempt.trace_id']).toBe(recorded(name)[0]!.traceId);
      expect(child(name).attributes['unflake.category']).toBe('timing');
    }
  });

  test('nothing the ids were carried in outlives the run', () => {
    expect(leftovers).toEqual([]);
  });

  test('the run report keeps each attempt’s span ids (`attemptSpans`), so a stored run links too', () => {
    const stored = JSON.parse(report.collected['flake-report.json']!) as {
      tests: Array<{ name: string; attemptSpans?: Array<{ attempt: number; traceId: string; spanId: string }> }>;
    };
    for (const name of ['r3a passes', 'r3b fails', 'r3c passes on retry']) {
      const spans = attempts.filter((span) => span.name === id(name));
      const expected = spans
        .map((span) => ({ attempt: span.attributes['unflake.attempt'], traceId: span.traceId, spanId: span.spanId }))
        .sort((a, b) => Number(a.attempt) - Number(b.attempt));
      expect(stored.tests.find((t) => t.name === `r3 suite > ${name}`)?.attemptSpans).toEqual(expected);
    }
  });
});
