/**
 * A collector stand-in on 127.0.0.1: receives what the real OTLP/HTTP trace exporters send and keeps every span,
 * flattened (ids as hex, attributes as plain values, the sending service's `service.name`). OTLP/JSON is JSON with hex
 * ids (what @opentelemetry/exporter-trace-otlp-http sends); OTLP/protobuf is decoded with OpenTelemetry's own
 * generated decoders (otlp-transformer 0.57's `ExportTraceServiceRequest`), not a hand-written wire format.
 * `renderTrace` draws one trace as an indented tree, for failure messages and the README.
 */
import { createServer, type IncomingMessage } from 'node:http';
import { createRequire } from 'node:module';

export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string | undefined;
  name: string;
  /** OTLP's SpanKind: 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  /** The resource's `service.name`. */
  service: string | undefined;
  startMs: number;
  durationMs: number;
  /** 0 unset, 1 ok, 2 error. */
  status: { code: number; message?: string | undefined };
  attributes: Record<string, unknown>;
  events: Array<{ name: string; attributes: Record<string, unknown> }>;
  links: Array<{ traceId: string; spanId: string; attributes: Record<string, unknown> }>;
}

export interface ReceivedRequest {
  path: string;
  contentType: string;
  headers: IncomingMessage['headers'];
  /** The spans this request carried. */
  spans: ReceivedSpan[];
}

export interface OtlpReceiver {
  /** `http://127.0.0.1:<port>`: an `OTEL_EXPORTER_OTLP_ENDPOINT`. */
  readonly endpoint: string;
  /** `<endpoint>/v1/traces`: an exporter's `url`, or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`. */
  readonly tracesUrl: string;
  /** Every span received so far, in arrival order. */
  readonly spans: ReceivedSpan[];
  readonly requests: ReceivedRequest[];
  /** The spans of one trace. */
  trace(traceId: string): ReceivedSpan[];
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** OTLP's AnyValue, as JSON or as protobufjs's `toObject` gives it. */
interface AnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: number | string;
  doubleValue?: number;
  arrayValue?: { values?: AnyValue[] };
  kvlistValue?: { values?: KeyValue[] };
  bytesValue?: string;
}
interface KeyValue {
  key: string;
  value?: AnyValue;
}
interface WireSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind?: number;
  startTimeUnixNano: string | number;
  endTimeUnixNano: string | number;
  status?: { code?: number; message?: string };
  attributes?: KeyValue[];
  events?: Array<{ name: string; attributes?: KeyValue[] }>;
  links?: Array<{ traceId: string; spanId: string; attributes?: KeyValue[] }>;
}
interface WireRequest {
  resourceSpans?: Array<{ resource?: { attributes?: KeyValue[] }; scopeSpans?: Array<{ spans?: WireSpan[] }> }>;
}

function valueOf(value: AnyValue | undefined): unknown {
  if (!value) return undefined;
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.boolValue !== undefined) return value.boolValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.doubleValue !== undefined) return value.doubleValue;
  if (value.arrayValue) return (value.arrayValue.values ?? []).map(valueOf);
  if (value.kvlistValue) return attributesOf(value.kvlistValue.values);
  return value.bytesValue;
}

function attributesOf(list: KeyValue[] | undefined): Record<string, unknown> {
  return Object.fromEntries((list ?? []).map(({ key, value }) => [key, valueOf(value)]));
}

const nanos = (value: string | number): bigint => BigInt(value);

function flatten(request: WireRequest): ReceivedSpan[] {
  return (request.resourceSpans ?? []).flatMap((resourceSpans) => {
    const service = attributesOf(resourceSpans.resource?.attributes)['service.name'] as string | undefined;
    return (resourceSpans.scopeSpans ?? []).flatMap((scope) =>
      (scope.spans ?? []).map((span): ReceivedSpan => ({
        traceId: span.traceId,
        spanId: span.spanId,
        parentSpanId: span.parentSpanId || undefined,
        name: span.name,
        kind: span.kind ?? 0,
        service,
        startMs: Number(nanos(span.startTimeUnixNano) / 1000n) / 1000,
        durationMs: Number((nanos(span.endTimeUnixNano) - nanos(span.startTimeUnixNano)) / 1000n) / 1000,
        status: { code: span.status?.code ?? 0, message: span.status?.message || undefined },
        attributes: attributesOf(span.attributes),
        events: (span.events ?? []).map((event) => ({ name: event.name, attributes: attributesOf(event.attributes) })),
        links: (span.links ?? []).map((link) => ({
          traceId: link.traceId,
          spanId: link.spanId,
          attributes: attributesOf(link.attributes),
        })),
      })),
    );
  });
}

interface ProtobufType {
  decode(buffer: Uint8Array): unknown;
  toObject(message: unknown, options: Record<string, unknown>): unknown;
}

/** OTLP/protobuf through OpenTelemetry's generated decoder; ids (bytes) become hex like OTLP/JSON's. */
function decodeProtobuf(body: Buffer): WireRequest {
  const root = createRequire(import.meta.url)('otlp-transformer-057/build/src/generated/root.js') as {
    opentelemetry: { proto: { collector: { trace: { v1: { ExportTraceServiceRequest: ProtobufType } } } } };
  };
  const type = root.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
  const hex = (bytes: unknown): string => (bytes instanceof Uint8Array ? Buffer.from(bytes).toString('hex') : '');
  const request = type.toObject(type.decode(body), { longs: String, enums: Number, bytes: Array }) as WireRequest;
  for (const resourceSpans of request.resourceSpans ?? [])
    for (const scope of resourceSpans.scopeSpans ?? [])
      for (const span of scope.spans ?? []) {
        for (const holder of [span, ...(span.links ?? [])] as Array<Record<string, unknown>>)
          for (const key of ['traceId', 'spanId', 'parentSpanId'])
            if (Array.isArray(holder[key])) holder[key] = hex(Uint8Array.from(holder[key] as number[]));
      }
  return request;
}

/** Starts the receiver on a free port of 127.0.0.1. `onSpans` runs after each request's spans are stored. */
export async function startOtlpReceiver(
  options: { onSpans?: (spans: ReceivedSpan[]) => void } = {},
): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const requests: ReceivedRequest[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const contentType = String(request.headers['content-type'] ?? '');
      const body = Buffer.concat(chunks);
      let received: ReceivedSpan[];
      try {
        received = flatten(
          contentType.includes('protobuf') ? decodeProtobuf(body) : (JSON.parse(body.toString('utf8')) as WireRequest),
        );
      } catch (error) {
        response.writeHead(400, { 'content-type': 'text/plain' }).end(String(error));
        return;
      }
      spans.push(...received);
      requests.push({ path: request.url ?? '', contentType, headers: request.headers, spans: received });
      options.onSpans?.(received);
      // An empty ExportTraceServiceResponse: the same bytes for JSON (`{}`) and protobuf (zero length).
      if (contentType.includes('protobuf')) response.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
      else response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const close = (): Promise<void> =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return {
    endpoint,
    tracesUrl: `${endpoint}/v1/traces`,
    spans,
    requests,
    trace: (traceId) => spans.filter((span) => span.traceId === traceId),
    close,
    [Symbol.asyncDispose]: close,
  };
}

const KINDS = ['', '', 'server', 'client', 'producer', 'consumer'];

const ms = (value: number): string => (value < 9.95 ? value.toFixed(1) : value.toFixed(0));

/**
 * One trace as an indented tree, children in start order: `name  [service, kind]  12.3 ms  ERROR`. `label` adds a
 * span's own detail (e.g. an attribute) at the end of its line. Spans whose parent is not in the trace are roots.
 * Consecutive leaf siblings alike in name, service, status and label (a poll's requests) share one line: `×11, 0.4–12 ms`.
 */
export function renderTrace(spans: ReceivedSpan[], label: (span: ReceivedSpan) => string = () => ''): string {
  const ids = new Set(spans.map((span) => span.spanId));
  const byStart = [...spans].sort((a, b) => a.startMs - b.startMs);
  const children = (parent: string | undefined): ReceivedSpan[] =>
    byStart.filter((span) =>
      parent === undefined ? !span.parentSpanId || !ids.has(span.parentSpanId) : span.parentSpanId === parent,
    );
  const head = (span: ReceivedSpan): string => {
    const kind = KINDS[span.kind] ? `, ${KINDS[span.kind]}` : '';
    return `${span.name}  [${span.service ?? '?'}${kind}]`;
  };
  const tail = (span: ReceivedSpan): string => {
    const extra = label(span);
    return `${span.status.code === 2 ? '  ERROR' : ''}${extra ? `  ${extra}` : ''}`;
  };
  const lines: string[] = [];
  const walk = (group: ReceivedSpan[], prefix: string, branch: string): void => {
    const span = group[0]!;
    const durations = group.map((one) => one.durationMs);
    const time =
      group.length === 1
        ? `${ms(span.durationMs)} ms`
        : `×${group.length}, ${ms(Math.min(...durations))}–${ms(Math.max(...durations))} ms`;
    lines.push(`${prefix}${branch}${head(span)}  ${time}${tail(span)}`);
    const next = prefix + (branch === '├── ' ? '│   ' : branch === '└── ' ? '    ' : '');
    const groups = groupAlike(children(span.spanId));
    groups.forEach((alike, index) => walk(alike, next, index === groups.length - 1 ? '└── ' : '├── '));
  };
  const groupAlike = (list: ReceivedSpan[]): ReceivedSpan[][] => {
    const groups: ReceivedSpan[][] = [];
    for (const span of list) {
      const last = groups.at(-1);
      const alike = (other: ReceivedSpan): boolean =>
        head(other) === head(span) && tail(other) === tail(span) && !children(other.spanId).length;
      if (last && alike(last[0]!) && alike(span)) last.push(span);
      else groups.push([span]);
    }
    return groups;
  };
  for (const root of groupAlike(children(undefined))) walk(root, '', '');
  return lines.join('\n');
}

/** A port nothing listens on (a collector that is down). */
export async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
