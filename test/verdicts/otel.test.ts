/**
 * Issue 21 items 1 and 2 from the built package, in real inner runs with a user's OpenTelemetry setup (a provider
 * whose processor writes each ended span to spans.jsonl): a span per test attempt named by the test id, with the
 * semantic-convention attributes; ERROR and a bounded exception event on failure; a retried test's two attempts;
 * testTrace() is the span; in-process spans of the body are its children; an AlwaysOffSampler sends `-00`.
 * Vitest runs inner Vitest; Jest runs inner Jest (CommonJS) and Playwright Test.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runner } from '../support/runner.ts';
import { runFixture, type FixtureReport, type FixtureRun } from './runFixture.ts';

const RUN_TIMEOUT = 60_000;
const modules = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..', 'node_modules');
const shared = ['p2/otelSetup.cjs', 'p2/record.cjs'];
// Vitest 4 beside the repo's 5, when vitestFeatures.test.ts has installed it (this file does not install it).
const vitest4 = process.env.UNFLAKE_VITEST4_DIR ?? join(modules, '.cache', 'unflake-vitest4', 'node_modules', 'vitest');

interface Span {
  name: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  attributes: Record<string, unknown>;
  status: { code: number; message?: string };
  events: Array<{ name: string; attributes: Record<string, unknown> }>;
}

interface Seen {
  name: string;
  activeSpanId?: string;
  traceId: string;
  spanId: string;
  traceparent: string;
  headers: Record<string, string>;
  env: string;
}

type Runner = FixtureRun['runner'];

const runs: Array<{ label: string; runner: Runner; run: FixtureRun }> =
  runner.name === 'vitest'
    ? [
        {
          label: 'Vitest',
          runner: 'vitest',
          run: {
            runner: 'vitest',
            fixtures: ['p2/otel.fixture.mjs', 'p2/otelSetup.mjs', ...shared],
            config: { retry: 1, setupFiles: ['unflake/vitest', './p2/otelSetup.mjs'] },
          },
        },
        ...(existsSync(join(vitest4, 'vitest.mjs'))
          ? [
              {
                label: 'Vitest 4',
                runner: 'vitest' as const,
                run: {
                  runner: 'vitest' as const,
                  vitest: vitest4,
                  fixtures: ['p2/otel.fixture.mjs', 'p2/otelSetup.mjs', ...shared],
                  config: { retry: 1, setupFiles: ['unflake/vitest', './p2/otelSetup.mjs'] },
                },
              },
            ]
          : []),
      ]
    : [
        {
          label: 'Jest',
          runner: 'jest',
          run: {
            runner: 'jest',
            fixtures: ['p2/otel.fixture.cjs', ...shared],
            config: { modulePaths: [modules], setupFilesAfterEnv: ['unflake/jest', '<rootDir>/p2/otelSetup.cjs'] },
          },
        },
        {
          label: 'Playwright Test',
          runner: 'playwright',
          run: {
            runner: 'playwright',
            fixtures: ['p2/otel.playwright.fixture.mjs', 'p2/otelSetup.mjs', ...shared],
            config: { retries: 1 },
          },
        },
      ];

const lines = <T>(text: string | undefined): T[] =>
  (text ?? '')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as T);

/** Runs with NODE_PATH set, so the fixtures' `require('@opentelemetry/…')` finds the repo's packages. */
async function runWithOtel(run: FixtureRun, env: Record<string, string> = {}): Promise<FixtureReport> {
  const saved = { ...process.env };
  Object.assign(process.env, { NODE_PATH: modules, ...env });
  try {
    return await runFixture({ ...run, collect: ['spans.jsonl', 'seen.jsonl'], timeout: RUN_TIMEOUT - 5_000 });
  } finally {
    for (const key of ['NODE_PATH', ...Object.keys(env)]) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
  }
}

describe.each(runs)('a span per test attempt from the built package: $label', ({ run, runner: inner }) => {
  let report: FixtureReport;
  let spans: Span[];
  let seen: Seen[];
  const id = (test: string): string =>
    `${inner === 'vitest' ? 'p2/otel.fixture.mjs' : inner === 'jest' ? 'p2/otel.fixture.cjs' : 'p2/otel.playwright.fixture.mjs'} > p2 suite > ${test}`;
  const testSpans = (test: string): Span[] => spans.filter((span) => span.name === id(test));

  beforeAll(async () => {
    report = await runWithOtel(run);
    spans = lines<Span>(report.collected['spans.jsonl']);
    seen = lines<Seen>(report.collected['seen.jsonl']);
  }, RUN_TIMEOUT);

  test('the runner ran them: a pass, a failure, a pass on retry', () => {
    expect(report.timedOut).toBe(false);
    expect(report.test('p2a').status).toBe('passed');
    expect(report.test('p2b').status).toBe('failed');
    expect(report.test('p2c').status).toBe('passed');
  });

  test('a passing test: one span named by its id, with the semantic-convention and unflake attributes', () => {
    const [span, ...more] = testSpans('p2a passes');
    expect(more).toEqual([]);
    expect(span).toMatchObject({
      attributes: {
        'test.case.name': id('p2a passes'),
        'test.suite.name': id('p2a passes').replace(/ > p2a passes$/, ''),
        'test.case.result.status': 'pass',
        'unflake.attempt': 0,
        'unflake.runner': inner,
      },
      status: { code: 0 },
    });
    expect(span!.attributes['cicd.pipeline.run.id']).toEqual(expect.any(String));
    expect(span!.attributes['unflake.worker']).toMatch(/^(vitest|jest|playwright|pid) \d+$/);
    expect(span!.parentSpanId).toBeUndefined();
  });

  test('a failing test: ERROR status and one exception event, its message bounded', () => {
    const [span] = testSpans('p2b fails');
    expect(span).toMatchObject({ attributes: { 'test.case.result.status': 'fail' }, status: { code: 2 } });
    const exceptions = span!.events.filter((event) => event.name === 'exception');
    expect(exceptions).toHaveLength(1);
    const message = String(exceptions[0]!.attributes['exception.message']);
    expect(message).toMatch(/^(Error: )?boom x+/);
    expect(message.length).toBeLessThanOrEqual(2_000);
  });

  test('a test that passes on retry: a failed attempt 0 and a passed attempt 1, each its own span', () => {
    const attempts = testSpans('p2c passes on retry').map((span) => [
      span.attributes['unflake.attempt'],
      span.attributes['test.case.result.status'],
      span.status.code,
    ]);
    expect(attempts.sort()).toEqual([
      [0, 'fail', 2],
      [1, 'pass', 0],
    ]);
  });

  test('testTrace() is the test span: its ids, sampled, its traceparent in headers() and env()', () => {
    const [span] = testSpans('p2a passes');
    const [saw] = seen.filter((line) => line.name === 'p2a');
    expect(saw).toMatchObject({
      traceId: span!.traceId,
      spanId: span!.spanId,
      traceparent: `00-${span!.traceId}-${span!.spanId}-01`,
      env: `00-${span!.traceId}-${span!.spanId}-01`,
    });
    expect(saw!.headers).toEqual({ traceparent: saw!.traceparent });
  });

  test('an eventual assertion is a child span of the test span, with its attempts and end reason', () => {
    const [span] = testSpans('p2a passes');
    const polls = spans.filter((s) => s.name.startsWith('unflake.poll ') && s.traceId === span!.traceId);
    expect(polls).toHaveLength(1);
    expect(polls[0]).toMatchObject({
      parentSpanId: span!.spanId,
      attributes: {
        'unflake.poll.attempts': 1,
        'unflake.poll.end_reason': 'passed',
        'unflake.poll.goal': 'eventually',
      },
    });
  });

  test('the body runs inside the span: an in-process span is its child', () => {
    const [span] = testSpans('p2a passes');
    const [child] = spans.filter((s) => s.name === 'app work in p2a');
    expect(child).toMatchObject({ traceId: span!.traceId, parentSpanId: span!.spanId });
  });
});

describe.each(runs)('an AlwaysOffSampler: $label', ({ run }) => {
  test(
    'nothing is exported and testTrace() sends traceparent ending in -00',
    async () => {
      const report = await runWithOtel(run, { P2_SAMPLER: 'off' });
      expect(lines<Span>(report.collected['spans.jsonl'])).toEqual([]);
      const seen = lines<Seen>(report.collected['seen.jsonl']);
      expect(seen.length).toBeGreaterThanOrEqual(3);
      for (const line of seen) {
        expect(line.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/);
        expect(line.headers.traceparent).toBe(line.traceparent);
      }
    },
    RUN_TIMEOUT,
  );
});
