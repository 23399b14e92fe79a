/**
 * One W3C trace context per test, to send to the system under test so its logs and spans can be
 * found from a failure: the third upgrade, make every failure traceable.
 */
import { randomBytes } from 'node:crypto';
import { currentTestKey } from './currentTest.ts';
import { currentTestState } from '../runner/testState.ts';
import { activeOtelSpan } from '../adapters/otel.ts';

export interface TestTrace {
  /** 32 lower-case hex digits, not all zero. */
  readonly traceId: string;
  /** 16 lower-case hex digits, not all zero: the parent id the system under test's spans attach to. */
  readonly spanId: string;
  /** `00-<traceId>-<spanId>-01` (version 00, sampled). */
  readonly traceparent: string;
  /** Whether the ids come from an active OpenTelemetry span (`@opentelemetry/api`) rather than generated. */
  readonly fromOpenTelemetry: boolean;
  /** `{ traceparent }` (plus `tracestate` from an active OpenTelemetry span): spread into request or message headers. */
  headers(): Record<string, string>;
}

const ZERO = /^0+$/;
function hexId(bytes: number): string {
  for (;;) {
    const hex = randomBytes(bytes).toString('hex');
    if (!ZERO.test(hex)) return hex;
  }
}

function make(traceId: string, spanId: string, fromOpenTelemetry: boolean, traceState?: string): TestTrace {
  const traceparent = `00-${traceId}-${spanId}-01`;
  return Object.freeze({
    traceId,
    spanId,
    traceparent,
    fromOpenTelemetry,
    headers: (): Record<string, string> => (traceState ? { traceparent, tracestate: traceState } : { traceparent }),
  });
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
 * joins that span (its trace id and span id). Outside a test: one trace for the process.
 *
 * @example await fetch(url, { headers: { ...testTrace().headers() } })
 */
export function testTrace(): TestTrace {
  const otel = activeOtelSpan();
  if (otel) {
    const state = otel.traceState?.serialize?.();
    return make(otel.traceId, otel.spanId, true, state || undefined);
  }
  // Per test state first: concurrent tests each keep their own trace, however their calls interleave.
  const test = currentTestState();
  if (test) {
    let trace = test.values.get('testTrace') as TestTrace | undefined;
    if (!trace) test.values.set('testTrace', (trace = make(hexId(16), hexId(8), false)));
    return trace;
  }
  const s = store();
  const key = currentTestKey() ?? '';
  if (s.trace === undefined || s.key !== key) {
    s.key = key;
    s.trace = make(hexId(16), hexId(8), false);
  }
  return s.trace;
}
