/** What unflake reads of OpenTelemetry (the active span's context). The only file that reads it. */
const ZERO = /^0+$/;
const TRACE_ID = /^[0-9a-f]{32}$/;
const SPAN_ID = /^[0-9a-f]{16}$/;

export interface OtelSpanContext {
  traceId: string;
  spanId: string;
  traceFlags?: number;
  traceState?: { serialize(): string };
}

/**
 * The active span of `@opentelemetry/api`, read through the API's own global registry
 * (`Symbol.for('opentelemetry.js.api.1')`), which is what the package does itself. No import, so no
 * dependency and no cost when it is absent; and it sees the context manager registered inside Jest's
 * sandbox, which a `require` from outside it would not.
 */
export function activeOtelSpan(): OtelSpanContext | undefined {
  const api = (globalThis as Record<symbol, unknown>)[Symbol.for('opentelemetry.js.api.1')] as { context?: { active?: () => { getValue?: (key: symbol) => unknown } } } | undefined;
  try {
    const span = api?.context?.active?.()?.getValue?.(Symbol.for('OpenTelemetry Context Key SPAN')) as { spanContext?: () => OtelSpanContext } | undefined;
    const context = span?.spanContext?.();
    if (context && TRACE_ID.test(context.traceId) && !ZERO.test(context.traceId) && SPAN_ID.test(context.spanId) && !ZERO.test(context.spanId)) return context;
  } catch {
    /* a broken context manager must not break a test */
  }
  return undefined;
}
