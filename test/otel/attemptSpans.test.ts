/**
 * Each attempt's span ids, from the test worker to the run report and its OTLP export (issue 21 item 4): published on
 * the runner's channel only when a provider records the span (none without one, none for an unsampled span); kept one
 * per attempt, bounded, in attempt order (generated inputs against a reference model); merged shards keep each attempt
 * apart; the exported child links to every attempt with its `unflake.attempt`, and an older report without them falls
 * back to the failure's printed trace. Inner runs of the three runners: test/verdicts/otlpReporter.test.ts. Vitest and
 * Jest.
 */
import fc from 'fast-check';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trace } from '@opentelemetry/api';
import { AlwaysOffSampler, InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { beginTestSpan, endTestSpan } from '../../src/otel/testSpan.ts';
import {
  attemptSpanOfAnnotations,
  attemptSpansOfMeta,
  boundAttemptSpans,
  jestSpansFile,
  MAX_ATTEMPT_SPANS,
  META_KEY,
  takeJestAttemptSpans,
} from '../../src/otel/attemptSpans.ts';
import { mergeReports } from '../../src/flakes/merge.ts';
import { summarize, type AttemptSpan, type RunReport, type TestRecord } from '../../src/flakes/schema.ts';
import { runSpans } from '../../src/otel/otlpRun.ts';
import type { TestState } from '../../src/runner/testState.ts';

const exporter = new InMemorySpanExporter();
const recording = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
const unsampled = new TracerProvider({ sampler: new AlwaysOffSampler() });

afterEach(() => trace.disable());

/** One Vitest attempt of a test whose task is `task`, under whatever provider is registered. */
function vitestAttempt(task: { meta: Record<string, unknown> }, attempt: number): void {
  const state = { runner: 'vitest', name: 'a.test.ts > t', task, values: new Map() } as unknown as TestState;
  beginTestSpan(state, { attempt });
  endTestSpan(state, { failed: false });
}

describe('publishing an attempt’s span ids (Vitest’s task.meta)', () => {
  test('with a provider: each attempt’s ids, as the provider recorded them, in the task’s meta', () => {
    trace.setGlobalTracerProvider(recording);
    exporter.reset();
    const task = { meta: {} as Record<string, unknown> };
    vitestAttempt(task, 0);
    vitestAttempt(task, 1);
    const recorded = exporter.getFinishedSpans().map((span, attempt) => ({ attempt, ...span.spanContext() }));
    expect(attemptSpansOfMeta(task.meta)).toEqual(
      recorded.map(({ attempt, traceId, spanId }) => ({ attempt, traceId, spanId })),
    );
  });

  test('without a provider, or with an unsampled span: the meta is not touched', () => {
    const task = { meta: {} as Record<string, unknown> };
    vitestAttempt(task, 0);
    trace.setGlobalTracerProvider(unsampled);
    vitestAttempt(task, 1);
    expect(task.meta).toEqual({});
    expect(META_KEY in task.meta).toBe(false);
  });
});

const hex = (length: number) =>
  fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: length, maxLength: length });
const spanArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.record({ attempt: fc.nat({ max: 40 }), traceId: hex(32), spanId: hex(16) }),
  // Malformed: a wrong id, a negative or fractional attempt, not an object.
  fc.record({ attempt: fc.integer({ min: -3, max: 3 }), traceId: hex(31), spanId: hex(16) }),
  fc.record({ attempt: fc.constantFrom(-1, 0.5), traceId: hex(32), spanId: hex(16) }),
  fc.record({ attempt: fc.nat({ max: 3 }), traceId: hex(32), spanId: fc.string({ maxLength: 16 }) }),
  fc.constantFrom(null, 'x', 3),
);

/** The reference: the last well-formed entry per attempt index below min(attempts, MAX), sorted by index. */
function model(spans: readonly unknown[], attempts: number): AttemptSpan[] {
  const kept: AttemptSpan[] = [];
  for (const s of spans) {
    const v = s as AttemptSpan;
    const ok =
      typeof s === 'object' &&
      s !== null &&
      Number.isInteger(v.attempt) &&
      v.attempt >= 0 &&
      v.attempt < Math.min(attempts, MAX_ATTEMPT_SPANS) &&
      /^[0-9a-f]{32}$/.test(v.traceId) &&
      /^[0-9a-f]{16}$/.test(v.spanId);
    if (!ok) continue;
    const at = kept.findIndex((k) => k.attempt === v.attempt);
    if (at >= 0) kept.splice(at, 1);
    kept.push({ attempt: v.attempt, traceId: v.traceId, spanId: v.spanId });
  }
  return kept.sort((a, b) => a.attempt - b.attempt);
}

describe('what a test record keeps', () => {
  test('one well-formed entry per attempt made, in attempt order, never more than the attempts (300 cases)', () => {
    fc.assert(
      fc.property(fc.array(spanArb, { maxLength: 50 }), fc.integer({ min: 1, max: 40 }), (spans, attempts) => {
        const kept = boundAttemptSpans(spans, attempts);
        expect(kept).toEqual(model(spans, attempts));
        expect(kept.length).toBeLessThanOrEqual(Math.min(attempts, MAX_ATTEMPT_SPANS));
      }),
      { numRuns: 300 },
    );
  });

  test('a Playwright attempt’s annotation gives its ids under the result’s retry index', () => {
    const description = `trace ${'a'.repeat(32)} span ${'b'.repeat(16)}`;
    expect(attemptSpanOfAnnotations([{ type: 'other' }, { type: 'unflake.attempt-span', description }], 2)).toEqual({
      attempt: 2,
      traceId: 'a'.repeat(32),
      spanId: 'b'.repeat(16),
    });
    expect(attemptSpanOfAnnotations([{ type: 'unflake.attempt-span', description: 'trace x span y' }], 0)).toBe(
      undefined,
    );
  });

  test('the Jest folder: a test file’s lines by test id, a torn line skipped, the file deleted once read', () => {
    const folder = mkdtempSync(join(tmpdir(), 'unflake-attempt-spans-test-'));
    try {
      const one = { attempt: 0, traceId: 'c'.repeat(32), spanId: 'd'.repeat(16) };
      writeFileSync(jestSpansFile(folder, '/p/a.test.ts'), `${JSON.stringify({ test: 'a > t', ...one })}\n{"torn`);
      expect([...takeJestAttemptSpans(folder, '/p/a.test.ts')]).toEqual([['a > t', [one]]]);
      expect(readdirSync(folder)).toEqual([]);
      expect(takeJestAttemptSpans(folder, '/p/other.test.ts').size).toBe(0);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

const ids = (n: number): AttemptSpan => ({
  attempt: 0,
  traceId: n.toString(16).padStart(32, '0'),
  spanId: 'e'.repeat(16),
});

function reportOf(tests: TestRecord[], shard: number): RunReport {
  return {
    schema: 'unflake-run-report',
    version: 2,
    runner: 'vitest',
    run: {
      id: 'r',
      startedAt: '2026-12-06T04:00:00.000Z',
      finishedAt: '2026-12-06T04:01:00.000Z',
      shard: { index: shard, count: 2 },
    },
    ...summarize(tests),
    tests,
  };
}

describe('merged shards and the OTLP export', () => {
  test('the same test in two shards keeps both shards’ attempts, the second’s after the first’s', () => {
    const a: TestRecord = {
      file: 'a.ts',
      name: 't',
      status: 'flaky',
      attempts: 2,
      attemptSpans: [ids(1), { ...ids(2), attempt: 1 }],
    };
    const b: TestRecord = { file: 'a.ts', name: 't', status: 'passed', attemptSpans: [ids(3)] };
    const [merged] = mergeReports([reportOf([a], 1), reportOf([b], 2)]).report.tests;
    expect(merged!.attempts).toBe(3);
    expect(merged!.attemptSpans).toEqual([ids(1), { ...ids(2), attempt: 1 }, { ...ids(3), attempt: 2 }]);
  });

  test('the child links to every attempt with its unflake.attempt; an older report links to the printed trace', () => {
    const fingerprint = { trace: 'f'.repeat(32), span: '1'.repeat(16) };
    const failures = [{ message: 'Timed out', category: 'timing' as const, fingerprint }];
    const withSpans: TestRecord = {
      file: 'a.ts',
      name: 'retried',
      status: 'flaky',
      attempts: 2,
      failures,
      attemptSpans: [ids(1), { ...ids(2), attempt: 1 }],
    };
    const older: TestRecord = { file: 'a.ts', name: 'older', status: 'failed', failures };
    const passed: TestRecord = { file: 'a.ts', name: 'passed', status: 'passed' };
    const [, retried, old, pass] = runSpans(reportOf([withSpans, older, passed], 1));
    const link = (n: number, attempt: number) => ({
      context: { traceId: ids(n).traceId, spanId: ids(n).spanId, traceFlags: 1 },
      attributes: { 'unflake.attempt': attempt },
    });
    expect(retried!.links).toEqual([link(1, 0), link(2, 1)]);
    expect(old!.links).toEqual([{ context: { traceId: fingerprint.trace, spanId: fingerprint.span, traceFlags: 1 } }]);
    expect(pass!.links).toEqual([]);
  });
});
