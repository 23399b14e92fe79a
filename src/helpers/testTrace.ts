/**
 * One W3C trace context per test, to send to the system under test so its logs and spans can be
 * found from a failure: the third upgrade, make every failure traceable.
 */
import { randomBytes } from '../lazyRequire.ts';
import { currentTestKey } from './currentTest.ts';
import { currentTestState } from '../runner/testState.ts';
import {
  activeOtelSpanWithContext,
  activeOtelContext,
  injectOtel,
  otelSpanContext,
  type OtelContext,
  type OtelSpanContext,
} from '../adapters/otel.ts';
import { testSpanOf } from '../otel/testSpan.ts';
import { RUN_ID_ENV, runId } from './workerNamespace.ts';
import { SEED_ENV, runSeed } from './testSeed.ts';

/** The running test's trace context (`testTrace()`): ids to pass to the system under test so its spans join the test's trace. */
export interface TestTrace {
  /** 32 lower-case hex digits, not all zero. */
  readonly traceId: string;
  /** 16 lower-case hex digits, not all zero: the parent id the system under test's spans attach to. */
  readonly spanId: string;
  /** `00-<traceId>-<spanId>-<flags>` (version 00; sampled unless a `TRACEPARENT` parent or the OpenTelemetry span is unsampled). */
  readonly traceparent: string;
  /** Whether the ids come from an active OpenTelemetry span (`@opentelemetry/api`) rather than generated. */
  readonly fromOpenTelemetry: boolean;
  /** The span of a `TRACEPARENT` environment variable this trace continues (its trace id is the parent's). */
  readonly parentSpanId?: string | undefined;
  /**
   * `{ traceparent }` (plus `tracestate` from an active OpenTelemetry span or `TRACESTATE`): spread into request or message headers.
   * From an OpenTelemetry span with a registered propagator: what that propagator injects (B3, baggage, …).
   */
  headers(): Record<string, string>;
  /**
   * Environment variables for a child process (`spawn(cmd, args, { env: { ...process.env, ...testTrace().env() } })`):
   * `TRACEPARENT` (and `TRACESTATE`) so its spans join this test's trace, and `UNFLAKE_RUN_ID` and `UNFLAKE_SEED` so
   * its namespaces and seeded data match the run's.
   */
  env(): Record<string, string>;
}

const ZERO = /^0+$/;
function hexId(bytes: number): string {
  for (;;) {
    const hex = randomBytes(bytes).toString('hex');
    if (!ZERO.test(hex)) return hex;
  }
}

interface Parent {
  traceId: string;
  spanId: string;
  flags: string;
  traceState: string | undefined;
}

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;

/**
 * A `TRACEPARENT` environment variable (W3C trace context, as CI tracing and OpenTelemetry's
 * environment propagation set it), or undefined when absent or invalid: version `ff`, all-zero ids,
 * or extra fields on version 00 make it invalid, and an invalid parent is ignored, as the spec says.
 */
export function parentFromEnv(env: NodeJS.ProcessEnv = process.env): Parent | undefined {
  const match = TRACEPARENT.exec((env.TRACEPARENT ?? '').trim().toLowerCase());
  if (!match) return undefined;
  const [, version, traceId, spanId, flags, rest] = match as unknown as [
    string,
    string,
    string,
    string,
    string,
    string | undefined,
  ];
  if (version === 'ff' || (version === '00' && rest !== undefined) || ZERO.test(traceId) || ZERO.test(spanId))
    return undefined;
  const traceState = env.TRACESTATE?.trim();
  return {
    traceId,
    spanId,
    flags: version === '00' ? flags : parseInt(flags, 16) & 1 ? '01' : '00',
    traceState: traceState || undefined,
  };
}

/** Environment variable names for propagation headers (OpenTelemetry's environment carrier: upper case, `_` for the rest). */
function envName(header: string): string {
  return header.toUpperCase().replace(/[^A-Z0-9_]/g, '_');
}

function make(
  traceId: string,
  spanId: string,
  fromOpenTelemetry: boolean,
  traceState?: string,
  parent?: Parent,
  flags?: string,
  propagated?: () => Record<string, string> | undefined,
): TestTrace {
  const traceparent = `00-${traceId}-${spanId}-${flags ?? parent?.flags ?? '01'}`;
  const own = (): Record<string, string> => (traceState ? { traceparent, tracestate: traceState } : { traceparent });
  // The registered propagator's carrier (W3C, B3, baggage…) when it writes one; else W3C trace context.
  const headers = (): Record<string, string> => {
    const carrier = propagated?.();
    return carrier && Object.keys(carrier).length ? carrier : own();
  };
  return Object.freeze({
    traceId,
    spanId,
    traceparent,
    fromOpenTelemetry,
    ...(parent ? { parentSpanId: parent.spanId } : {}),
    headers,
    env: (): Record<string, string> => ({
      ...Object.fromEntries(Object.entries(headers()).map(([name, value]) => [envName(name), value])),
      [RUN_ID_ENV]: runId(),
      [SEED_ENV]: String(runSeed()),
    }),
  });
}

/** A trace of an OpenTelemetry span: its ids, its sampled flag (an unsampled span stays unsampled), its propagator's headers. */
function fromSpan(span: OtelSpanContext, context: OtelContext): TestTrace {
  const state = span.traceState?.serialize?.();
  const flags = typeof span.traceFlags === 'number' && span.traceFlags & 1 ? '01' : '00';
  return make(span.traceId, span.spanId, true, state || undefined, undefined, flags, () => injectOtel(context));
}

/** A new trace, or a new span of the `TRACEPARENT` parent's trace. */
function fresh(): TestTrace {
  const parent = parentFromEnv();
  return parent ? make(parent.traceId, hexId(8), false, parent.traceState, parent) : make(hexId(16), hexId(8), false);
}

const STORE = Symbol.for('unflake.testTrace');

interface Store {
  key: string | undefined;
  trace: TestTrace | undefined;
}

function store(): Store {
  const g = globalThis as Record<symbol, Store | undefined>;
  return (g[STORE] ??= { key: undefined, trace: undefined });
}

/**
 * The current test's trace: the same ids for the whole test (every call, every eventual assertion's
 * failure), new ones for the next test and for each retry. Inside an active OpenTelemetry span it
 * joins that span (its trace id and span id). With a `TRACEPARENT` environment variable (a CI job's
 * trace, or a parent test's `env()`), each test is a new span of that trace. Outside a test: one
 * trace for the process. With an OpenTelemetry tracer provider registered, it is the test attempt's own span
 * (see src/otel/testSpan.ts): its ids, its sampled flag, and `headers()`/`env()` written by the registered
 * propagator (`propagation.inject`: W3C trace context, baggage, B3, whatever the user set up).
 *
 * @example await fetch(url, { headers: { ...testTrace().headers() } })
 */
export function testTrace(): TestTrace {
  const active = activeOtelSpanWithContext();
  if (active) return fromSpan(active.context, activeOtelContext());
  // Per test state first: concurrent tests each keep their own trace, however their calls interleave.
  const test = currentTestState();
  if (test) {
    // The test's own span, when no context manager makes it active.
    const own = testSpanOf(test);
    const ids = own && otelSpanContext(own.span);
    if (own && ids) return fromSpan(ids, own.context);
    let trace = test.values.get('testTrace') as TestTrace | undefined;
    if (!trace) test.values.set('testTrace', (trace = fresh()));
    return trace;
  }
  const s = store();
  const key = currentTestKey() ?? '';
  if (s.trace === undefined || s.key !== key) {
    s.key = key;
    s.trace = fresh();
  }
  return s.trace;
}

/** The test's trace headers, then the caller's own (a `traceparent` the caller gave wins, in any letter case). */
export function withTraceHeaders(headers: Record<string, string> = {}): Record<string, string> {
  const given = new Set(Object.keys(headers).map((name) => name.toLowerCase()));
  const trace = Object.entries(testTrace().headers()).filter(([name]) => !given.has(name));
  return { ...Object.fromEntries(trace), ...headers };
}
