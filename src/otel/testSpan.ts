/**
 * A span per test attempt (issue 21, SPEC 4c), when the user registered an OpenTelemetry tracer provider: named
 * by the test id, started when the attempt starts, active for the test body (the runner entries run the body in
 * its context), ended when the attempt ends with the result, and ERROR plus a bounded exception event on failure.
 * Without a provider, beginTestSpan costs one property read and nothing is recorded.
 */
import {
  contextWithSpan,
  activeOtelContext,
  withOtelContext,
  otelTracer,
  startOtelSpan,
  STATUS_ERROR,
  type OtelAttributes,
  type OtelContext,
  type OtelSpan,
} from '../adapters/otel.ts';
import { currentTestState, type TestState } from '../runner/testState.ts';
import { ID_SEPARATOR } from '../runner/testId.ts';
import { runId, currentWorker, NAMESPACES_KEY } from '../helpers/workerNamespace.ts';
import { SEED_USED_KEY, runSeed } from '../helpers/testSeed.ts';
import { firstVariable, SHA_VARIABLES } from '../flakes/runInfo.ts';
import { globalSlot } from '../runtime/globalSlot.ts';
import { clip } from '../report/firstLine.ts';
import { publishAttemptSpan, type AttemptAnnotation } from './attemptSpans.ts';

const SPAN_KEY = 'otel.testSpan';
/** A failure's message in the span's exception event: enough to recognise it, bounded like the timeline. */
export const MAX_EXCEPTION_MESSAGE = 2_000;
const MAX_STACK = 4_000;

/** How many test spans are open in this process, shared by every bundle copy (see globalSlot.ts): a poll's cheap check. */
interface Live {
  open: number;
}

let live: Live | undefined;
export const liveSpans = (): Live => (live ??= globalSlot('otel.liveSpans.v1', (): Live => ({ open: 0 })));

export interface TestSpan {
  readonly span: OtelSpan;
  /** The active context with the span in it: what the test body runs in. */
  readonly context: OtelContext;
  ended: boolean;
}

export interface TestOutcome {
  failed: boolean;
  /** The test's first error, for the exception event. */
  error?: unknown;
}

/** The retry index (0 for the first attempt) and whatever else the runner tells. */
export interface AttemptInfo {
  attempt?: number | undefined;
  /** Playwright's `testInfo.annotations`: where its reporter reads the attempt's span ids (attemptSpans.ts). */
  annotations?: AttemptAnnotation[] | undefined;
}

/** The test id's suite part: `<file> > <describe> > …` (a `>` inside a title is escaped, so splitting is safe). */
function suiteOf(id: string): string | undefined {
  const at = id.lastIndexOf(ID_SEPARATOR);
  return at < 0 ? undefined : id.slice(0, at);
}

/** The attributes every test span of this process shares, read once (environment variables are slow to read). */
let processAttributes: OtelAttributes | undefined;
function ofProcess(): OtelAttributes {
  if (processAttributes) return processAttributes;
  const w = currentWorker();
  return (processAttributes = {
    'cicd.pipeline.run.id': runId(),
    // The full SHA, from the same CI variables the Run: line reads (not the fingerprint's short form).
    'vcs.ref.head.revision': firstVariable(SHA_VARIABLES, process.env),
    'unflake.worker': w.source === 'pid' ? `pid ${w.index}` : `${w.source} ${w.index}`,
  });
}

/** Starts the attempt's span (when a provider is registered) and keeps it on the test's state. */
export function beginTestSpan(state: TestState, info: AttemptInfo = {}): TestSpan | undefined {
  const tracer = otelTracer();
  if (!tracer) return undefined;
  try {
    const id = state.name ?? 'unnamed test';
    const attributes: OtelAttributes = {
      'test.case.name': id,
      'test.suite.name': suiteOf(id),
      ...ofProcess(),
      'unflake.attempt': info.attempt ?? 0,
      'unflake.runner': state.runner,
    };
    const span = startOtelSpan(tracer, id, attributes);
    // The flake reporter links the test's result to this span (an unsampled one is recorded nowhere).
    const ids = span.spanContext();
    if ((ids.traceFlags ?? 0) & 1)
      publishAttemptSpan(
        state,
        { attempt: info.attempt ?? 0, traceId: ids.traceId, spanId: ids.spanId },
        info.annotations,
      );
    const testSpan: TestSpan = { span, context: contextWithSpan(activeOtelContext(), span), ended: false };
    state.values.set(SPAN_KEY, testSpan);
    liveSpans().open++;
    return testSpan;
  } catch {
    // A broken tracer must not break the test.
    return undefined;
  }
}

/** The test's span, if it has one. */
export function testSpanOf(state: TestState | undefined): TestSpan | undefined {
  return state?.values.get(SPAN_KEY) as TestSpan | undefined;
}

type Fn = (...args: unknown[]) => unknown;
const IN_SPAN = Symbol.for('unflake.inTestSpan');

/**
 * `fn` made to run in the running test's span context (when it has a span), its arity kept (Jest reads a first
 * parameter as a `done` callback). For runners whose hooks cannot wrap the test body (Jest).
 */
export function inTestSpan(fn: Fn): Fn {
  if ((fn as unknown as Record<symbol, unknown>)[IN_SPAN]) return fn;
  const run = (self: unknown, args: unknown[]): unknown => {
    const span = testSpanOf(currentTestState());
    return span ? withOtelContext(span.context, () => fn.apply(self, args)) : fn.apply(self, args);
  };
  const wrapped =
    fn.length === 0
      ? function (this: unknown, ...args: unknown[]) {
          return run(this, args);
        }
      : function (this: unknown, done: unknown, ...rest: unknown[]) {
          return run(this, [done, ...rest]);
        };
  Object.defineProperty(wrapped, IN_SPAN, { value: true });
  return wrapped;
}

function describeError(error: unknown): { type: string; message: string; stack?: string | undefined } {
  if (error instanceof Error) return { type: error.name, message: error.message, stack: error.stack };
  if (error && typeof error === 'object' && 'message' in error)
    return { type: 'Error', message: String((error as { message: unknown }).message) };
  return { type: typeof error, message: String(error) };
}

/** Ends the attempt's span with its result: `test.case.result.status`, the namespaces and run seed (`UNFLAKE_SEED`) it used, ERROR on failure. */
export function endTestSpan(state: TestState, outcome: TestOutcome): void {
  const testSpan = testSpanOf(state);
  if (!testSpan || testSpan.ended) return;
  testSpan.ended = true;
  liveSpans().open--;
  const { span } = testSpan;
  try {
    const namespaces = state.values.get(NAMESPACES_KEY) as string[] | undefined;
    const seedUsed = state.values.get(SEED_USED_KEY) === true;
    span.setAttributes({
      'test.case.result.status': outcome.failed ? 'fail' : 'pass',
      ...(namespaces?.length ? { 'unflake.namespaces': namespaces.slice(0, 16) } : {}),
      ...(seedUsed ? { 'unflake.seed': runSeed() } : {}),
    });
    if (outcome.failed) {
      const error = outcome.error === undefined ? undefined : describeError(outcome.error);
      const message = clip(error?.message ?? 'the test failed', MAX_EXCEPTION_MESSAGE);
      if (error)
        span.addEvent('exception', {
          'exception.type': error.type,
          'exception.message': message,
          'exception.stacktrace': error.stack && clip(error.stack, MAX_STACK),
        });
      span.setStatus({ code: STATUS_ERROR, message: clip(message.split('\n')[0] ?? '', 200) });
    }
    span.end();
  } catch {
    /* a broken exporter must not break the test */
  }
}
