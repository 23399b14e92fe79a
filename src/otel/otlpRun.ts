/**
 * A run report exported over OTLP (issue 21 item 4): one span per run (`test.suite.run.status`, shard, branch, SHA) with
 * a child per test result (outcome, flaky, category, attempts, first-failure message) that links to each of its
 * attempts' own spans (the report's `attemptSpans`; for older reports, the failure's printed trace). Sent through `@opentelemetry/exporter-trace-otlp-http` (an optional peer, loaded
 * from the project only when asked), which honours `OTEL_EXPORTER_OTLP_ENDPOINT`, `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`
 * and `OTEL_EXPORTER_OTLP_HEADERS` itself; `OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf` picks
 * `@opentelemetry/exporter-trace-otlp-proto` when installed. A collector that is down never fails the run: one
 * warning, after a bounded wait.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { randomBytes } from '../lazyRequire.ts';
import type { RunReport, TestRecord } from '../flakes/schema.ts';
import { clip } from '../report/firstLine.ts';
import { boundAttemptSpans } from './attemptSpans.ts';
import { OTLP_PACKAGES, otlpProtocol, type OtlpOptions } from './otlpOptions.ts';

export type { OtlpOptions } from './otlpOptions.ts';

export type OtlpOutcome = { sent: number; traceId: string } | { warning: string };

type HrTime = [number, number];
type Attributes = Record<string, string | number | boolean | undefined>;

interface SpanRecord {
  name: string;
  kind: number;
  spanContext(): { traceId: string; spanId: string; traceFlags: number };
  parentSpanContext?: { traceId: string; spanId: string; traceFlags: number; isRemote?: boolean };
  startTime: HrTime;
  endTime: HrTime;
  duration: HrTime;
  ended: true;
  status: { code: number; message?: string };
  attributes: Attributes;
  links: Array<{ context: { traceId: string; spanId: string; traceFlags: number }; attributes?: Attributes }>;
  events: [];
  resource: { attributes: Attributes };
  instrumentationScope: { name: string };
  droppedAttributesCount: 0;
  droppedEventsCount: 0;
  droppedLinksCount: 0;
}

interface Exporter {
  export(spans: SpanRecord[], done: (result: { code: number; error?: Error }) => void): void;
  shutdown(): Promise<void>;
}

const MAX_MESSAGE = 1_000;

function hrTime(ms: number): HrTime {
  const whole = Math.floor(ms / 1_000);
  return [whole, Math.round((ms - whole * 1_000) * 1e6)];
}

type ExporterClass = new (config: Record<string, unknown>) => Exporter;

/** Where the exporter is looked for: the project (its node_modules), then wherever unflake itself resolves packages. */
const EXPORTER_PLACES = (): string[] => [join(process.cwd(), 'package.json'), import.meta.url];

/** The exporter class, resolved from the first of `places` that has it; undefined when none does. */
function loadExporter(name: string, places: readonly string[]): ExporterClass | undefined {
  for (const from of places) {
    try {
      return (createRequire(from)(name) as { OTLPTraceExporter: ExporterClass }).OTLPTraceExporter;
    } catch {
      /* try the next place */
    }
  }
  return undefined;
}

/** Attributes without the unset ones: the exporters send an undefined value as an empty attribute. */
function defined(attributes: Attributes): Attributes {
  return Object.fromEntries(Object.entries(attributes).filter(([, value]) => value !== undefined));
}

const ids = {
  trace: (): string => randomBytes(16).toString('hex'),
  span: (): string => randomBytes(8).toString('hex'),
};

/**
 * Every attempt's own span (the report's `attemptSpans`, one link each with its `unflake.attempt`); for a report
 * without them (older, or a run without a provider), the failing attempt's trace its `Run: trace … span …` printed.
 */
function linksOf(test: TestRecord, trace: string | undefined, span: string | undefined): SpanRecord['links'] {
  const spans = boundAttemptSpans(test.attemptSpans, Math.max(test.attempts ?? 1, test.attemptSpans?.length ?? 0));
  if (spans.length)
    return spans.map((s) => ({
      context: { traceId: s.traceId, spanId: s.spanId, traceFlags: 1 },
      attributes: { 'unflake.attempt': s.attempt },
    }));
  return trace && span && /^[0-9a-f]{32}$/.test(trace) && /^[0-9a-f]{16}$/.test(span)
    ? [{ context: { traceId: trace, spanId: span, traceFlags: 1 } }]
    : [];
}

function testSpan(
  test: TestRecord,
  run: { traceId: string; spanId: string; start: number; end: number },
  base: Omit<SpanRecord, 'name' | 'spanContext' | 'attributes' | 'status' | 'links'>,
): SpanRecord {
  const first = test.failures?.[0];
  const trace = first?.fingerprint?.trace;
  const span = first?.fingerprint?.span;
  const failed = test.status === 'failed';
  // One id per span: the exporter may ask for the context more than once.
  const context = { traceId: run.traceId, spanId: ids.span(), traceFlags: 1 };
  return {
    ...base,
    name: test.name.startsWith(`${test.file} > `) ? test.name : `${test.file} > ${test.name}`,
    spanContext: () => context,
    parentSpanContext: { traceId: run.traceId, spanId: run.spanId, traceFlags: 1 },
    attributes: defined({
      'test.case.name': test.name,
      'test.suite.name': test.file,
      'test.case.result.status': test.status === 'skipped' ? undefined : failed ? 'fail' : 'pass',
      'unflake.outcome': test.status,
      'unflake.flaky': test.status === 'flaky',
      // The report leaves a single attempt out.
      'unflake.attempts': test.status === 'skipped' ? undefined : (test.attempts ?? 1),
      'unflake.category': first?.category,
      'unflake.first_failure': first ? clip(first.message, MAX_MESSAGE) : undefined,
      'unflake.attempt.trace_id': trace ?? test.attemptSpans?.[0]?.traceId,
      'unflake.quarantined': test.quarantined ? true : undefined,
    }),
    status: { code: failed ? 2 : 0 },
    links: linksOf(test, trace, span),
  };
}

/** The run's spans: the run first, then one per test result. */
export function runSpans(report: RunReport): SpanRecord[] {
  const start = Date.parse(report.run.startedAt) || Date.now();
  const end = Math.max(start, Date.parse(report.run.finishedAt) || start);
  const traceId = ids.trace();
  const spanId = ids.span();
  const base = {
    kind: 0,
    startTime: hrTime(start),
    endTime: hrTime(end),
    duration: hrTime(end - start),
    ended: true as const,
    events: [] as [],
    resource: { attributes: { 'service.name': 'unflake', 'cicd.pipeline.run.id': report.run.id } },
    instrumentationScope: { name: 'unflake' },
    droppedAttributesCount: 0 as const,
    droppedEventsCount: 0 as const,
    droppedLinksCount: 0 as const,
  };
  const failed = report.totals.failed > 0;
  const runSpan: SpanRecord = {
    ...base,
    name: `unflake run ${report.runner}`,
    spanContext: () => ({ traceId, spanId, traceFlags: 1 }),
    attributes: defined({
      'test.suite.run.status': failed ? 'failure' : 'success',
      'cicd.pipeline.run.id': report.run.id,
      'vcs.ref.head.revision': report.run.sha,
      'vcs.ref.head.name': report.run.branch,
      'unflake.shard': report.run.shard ? `${report.run.shard.index}/${report.run.shard.count}` : undefined,
      'unflake.tests': report.totals.tests,
      'unflake.flaky': report.totals.flaky,
      'unflake.failed': report.totals.failed,
      'unflake.flake_rate': report.flakeRate,
    }),
    status: { code: failed ? 2 : 0 },
    links: [],
  };
  return [runSpan, ...report.tests.map((test) => testSpan(test, { traceId, spanId, start, end }, base))];
}

/** The standard `OTEL_EXPORTER_OTLP_(TRACES_)TIMEOUT` in ms, else 10 000 (the exporters' own default). */
function timeoutOf(env: NodeJS.ProcessEnv): number {
  for (const name of ['OTEL_EXPORTER_OTLP_TRACES_TIMEOUT', 'OTEL_EXPORTER_OTLP_TIMEOUT']) {
    const ms = Number(env[name]?.trim() || Number.NaN);
    if (ms > 0 && Number.isFinite(ms)) return ms;
  }
  return 10_000;
}

/**
 * Sends the report's spans; never throws: a missing exporter, an unsupported protocol or an unreachable collector is
 * one warning. `env`: where the protocol and timeout variables are read (the exporter reads the endpoint and headers
 * variables from process.env itself). `places`: where the exporter package is resolved from (tests give a folder
 * without it).
 */
export async function exportRunOverOtlp(
  report: RunReport,
  options: OtlpOptions = {},
  env: NodeJS.ProcessEnv = process.env,
  places: readonly string[] = EXPORTER_PLACES(),
): Promise<OtlpOutcome> {
  const protocol = otlpProtocol(env);
  if (typeof protocol !== 'string')
    return { warning: `unflake: the run was not exported over OTLP: ${protocol.error}.` };
  const name = OTLP_PACKAGES[protocol];
  const Exporter = loadExporter(name, places);
  if (!Exporter)
    return {
      warning: `unflake: the run was not exported over OTLP (${protocol}): ${name} is not installed. Install it beside unflake: npm i -D ${name}`,
    };
  const spans = runSpans(report);
  const timeout = options.timeout ?? timeoutOf(env);
  const exporter = new Exporter({
    ...(options.endpoint ? { url: options.endpoint } : {}),
    ...(options.headers ? { headers: options.headers } : {}),
    timeoutMillis: timeout,
  });
  const result = await new Promise<{ code: number; error?: Error }>((resolve) => {
    // The exporter bounds its own request by timeoutMillis; this bounds a stuck one.
    const timer = setTimeout(
      () => resolve({ code: 1, error: new Error(`no answer within ${timeout} ms`) }),
      timeout + 1_000,
    );
    exporter.export(spans, (outcome) => {
      clearTimeout(timer);
      resolve(outcome);
    });
  });
  await exporter.shutdown().catch(() => undefined);
  if (result.code !== 0)
    return {
      warning: `unflake: the run was not exported over OTLP (${clip(result.error?.message ?? 'the collector refused it', 300)}); the test run is not affected.`,
    };
  return { sent: spans.length, traceId: spans[0]!.spanContext().traceId };
}
