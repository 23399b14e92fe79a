/**
 * What unflake reads and calls of OpenTelemetry: the tracer provider, context manager and propagator the
 * user registered with `@opentelemetry/api`. The only file that touches it.
 *
 * Everything goes through the API's own global registry (`Symbol.for('opentelemetry.js.api.1')`), which is
 * what the package itself does. No import, so no dependency and nothing loaded when it is absent; and it
 * sees what a setup file registered inside Jest's sandbox, which a `require` from outside it would not.
 * Without a registered provider the whole cost is one property read per test (otelTracer).
 */
const ZERO = /^0+$/;
const TRACE_ID = /^[0-9a-f]{32}$/;
const SPAN_ID = /^[0-9a-f]{16}$/;
const API_KEY = Symbol.for('opentelemetry.js.api.1');
/** The key `trace.setSpan` stores the active span under (`createContextKey` is `Symbol.for`). */
const SPAN_KEY = Symbol.for('OpenTelemetry Context Key SPAN');
/** `SpanStatusCode.ERROR`. */
export const STATUS_ERROR = 2;

export interface OtelSpanContext {
  traceId: string;
  spanId: string;
  traceFlags?: number;
  traceState?: { serialize(): string };
}

export type OtelAttributes = Record<string, string | number | boolean | string[] | undefined>;

export interface OtelContext {
  getValue(key: symbol): unknown;
  setValue(key: symbol, value: unknown): OtelContext;
  deleteValue(key: symbol): OtelContext;
}

export interface OtelSpan {
  spanContext(): OtelSpanContext;
  setAttribute(key: string, value: unknown): unknown;
  setAttributes(attributes: OtelAttributes): unknown;
  addEvent(name: string, attributes?: OtelAttributes, time?: number): unknown;
  setStatus(status: { code: number; message?: string }): unknown;
  end(time?: number): void;
  isRecording(): boolean;
}

interface Tracer {
  startSpan(name: string, options?: { attributes?: OtelAttributes; kind?: number }, context?: OtelContext): OtelSpan;
}

interface ContextManager {
  active(): OtelContext;
  with<R>(context: OtelContext, fn: () => R): R;
  /** AsyncLocalStorageContextManager's storage (@opentelemetry/context-async-hooks), for runners that give no wrapping hook. */
  _asyncLocalStorage?: { enterWith(store: unknown): void; getStore(): unknown };
}

interface Registry {
  trace?: { getTracer(name: string, version?: string): Tracer };
  context?: ContextManager;
  propagation?: {
    inject(
      context: OtelContext,
      carrier: Record<string, string>,
      setter: { set(carrier: Record<string, string>, key: string, value: string): void },
    ): void;
  };
}

const registry = (): Registry | undefined => (globalThis as Record<symbol, Registry | undefined>)[API_KEY];

/** An immutable context, for when no context manager is registered (the API's own ROOT_CONTEXT is out of reach). */
class PlainContext implements OtelContext {
  private readonly values: ReadonlyMap<symbol, unknown>;
  constructor(values: ReadonlyMap<symbol, unknown> = new Map()) {
    this.values = values;
  }
  getValue(key: symbol): unknown {
    return this.values.get(key);
  }
  setValue(key: symbol, value: unknown): OtelContext {
    return new PlainContext(new Map(this.values).set(key, value));
  }
  deleteValue(key: symbol): OtelContext {
    const next = new Map(this.values);
    next.delete(key);
    return new PlainContext(next);
  }
}

const tracers = new WeakMap<object, Tracer>();

/** unflake's tracer from the registered provider, or undefined (the cheap check: one property read) when none is registered. */
export function otelTracer(): Tracer | undefined {
  const provider = registry()?.trace;
  if (!provider) return undefined;
  let tracer = tracers.get(provider);
  if (!tracer) {
    try {
      tracer = provider.getTracer('unflake');
    } catch {
      return undefined;
    }
    tracers.set(provider, tracer);
  }
  return tracer;
}

/** The active context, or an empty one without a context manager. */
export function activeOtelContext(): OtelContext {
  try {
    return registry()?.context?.active() ?? new PlainContext();
  } catch {
    return new PlainContext();
  }
}

/** `trace.setSpan(context, span)`. */
export function contextWithSpan(context: OtelContext, span: OtelSpan): OtelContext {
  return context.setValue(SPAN_KEY, span);
}

/** Starts a span, a child of `parent` when given, else of the active context's span. */
export function startOtelSpan(tracer: Tracer, name: string, attributes: OtelAttributes, parent?: OtelSpan): OtelSpan {
  const base = activeOtelContext();
  return tracer.startSpan(name, { attributes }, parent ? contextWithSpan(base, parent) : base);
}

/** Runs `fn` with `context` active (`context.with`); without a context manager, just runs it. */
export function withOtelContext<R>(context: OtelContext, fn: () => R): R {
  const manager = registry()?.context;
  return manager ? manager.with(context, fn) : fn();
}

/**
 * Makes `context` active from here on in this async context, for runners whose tests cannot be wrapped
 * (Jest's beforeEach): AsyncLocalStorage's `enterWith` on the registered AsyncLocalStorageContextManager's
 * storage. Returns how to undo it, or undefined when the manager is another kind (the span is then not
 * active for the test body, though unflake's own spans and testTrace() still find it).
 */
export function enterOtelContext(context: OtelContext): (() => void) | undefined {
  const storage = registry()?.context?._asyncLocalStorage;
  if (typeof storage?.enterWith !== 'function') return undefined;
  const before = storage.getStore();
  storage.enterWith(context);
  return () => storage.enterWith(before);
}

const ROOT_OVERRIDE = Symbol.for('unflake.otelRootContext');

interface RootOverride {
  context: OtelContext | undefined;
}

/**
 * Makes `context` what the registered AsyncLocalStorageContextManager reports as active wherever no context was
 * entered (its storage is empty), until called again with undefined. For Playwright, whose worker runs one test at
 * a time and calls the test body from a context no fixture can enter: the body's spans become the test span's
 * children. Whether it could (another kind of context manager is left alone).
 */
export function setOtelRootContext(context: OtelContext | undefined): boolean {
  const manager = registry()?.context as (ContextManager & { [ROOT_OVERRIDE]?: RootOverride }) | undefined;
  const storage = manager?._asyncLocalStorage;
  if (!manager || typeof storage?.getStore !== 'function' || typeof manager.active !== 'function') return false;
  let override = manager[ROOT_OVERRIDE];
  if (!override) {
    const own: RootOverride = (override = { context: undefined });
    const active = manager.active;
    manager.active = function (this: ContextManager): OtelContext {
      return own.context !== undefined && storage.getStore() === undefined ? own.context : active.call(this);
    };
    Object.defineProperty(manager, ROOT_OVERRIDE, { value: own });
  }
  override.context = context;
  return true;
}

/** The carrier the registered propagator writes for `context` (W3C, B3, baggage…); undefined without a propagator. */
export function injectOtel(context: OtelContext): Record<string, string> | undefined {
  const propagation = registry()?.propagation;
  if (!propagation) return undefined;
  const carrier: Record<string, string> = {};
  try {
    propagation.inject(context, carrier, { set: (c, key, value) => void (c[key] = String(value)) });
  } catch {
    return undefined;
  }
  return carrier;
}

function validContext(span: OtelSpan | undefined): OtelSpanContext | undefined {
  const context = span?.spanContext?.();
  if (
    context &&
    TRACE_ID.test(context.traceId) &&
    !ZERO.test(context.traceId) &&
    SPAN_ID.test(context.spanId) &&
    !ZERO.test(context.spanId)
  )
    return context;
  return undefined;
}

/** The active span and its ids, when the active context has a valid one. */
export function activeOtelSpanWithContext(): { span: OtelSpan; context: OtelSpanContext } | undefined {
  const registered = registry()?.context;
  if (!registered) return undefined;
  try {
    const span = registered.active()?.getValue?.(SPAN_KEY) as OtelSpan | undefined;
    const context = validContext(span);
    return context && span ? { span, context } : undefined;
  } catch {
    /* a broken context manager must not break a test */
    return undefined;
  }
}

/**
 * The active span's context: no import, so no dependency and no cost when it is absent; and it sees the
 * context manager registered inside Jest's sandbox.
 */
export function activeOtelSpan(): OtelSpanContext | undefined {
  return activeOtelSpanWithContext()?.context;
}

/** A span's ids, when valid. */
export function otelSpanContext(span: OtelSpan): OtelSpanContext | undefined {
  try {
    return validContext(span);
  } catch {
    return undefined;
  }
}
