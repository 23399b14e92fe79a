/**
 * An OTLP/HTTP traces receiver on 127.0.0.1 for tests: it decodes what the real exporters send, OTLP/JSON with
 * JSON.parse and OTLP/protobuf with the OpenTelemetry packages' own generated decoder (otlp-transformer 0.57's
 * `ExportTraceServiceRequest`, the devDependency otlp-transformer-057), never a hand-written wire format.
 */
import { createServer } from 'node:http';
import { createRequire } from 'node:module';

export interface ReceivedSpan {
  name: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  status: { code: number };
  attributes: Record<string, unknown>;
  links: Array<{ traceId: string; spanId: string }>;
}

export interface Received {
  url: string | undefined;
  contentType: string | undefined;
  headers: Record<string, string | string[] | undefined>;
  spans: ReceivedSpan[];
}

export interface Receiver {
  /** The traces endpoint: `http://127.0.0.1:<port>/v1/traces`. */
  url: string;
  requests: Received[];
  close(): Promise<void>;
}

interface Decoder {
  decode(buffer: Uint8Array): unknown;
  toObject(message: unknown, options: Record<string, unknown>): unknown;
}

const decoder = (): Decoder =>
  (
    createRequire(import.meta.url)('otlp-transformer-057/build/src/generated/root.js') as {
      opentelemetry: { proto: { collector: { trace: { v1: { ExportTraceServiceRequest: Decoder } } } } };
    }
  ).opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;

type Value = Record<string, unknown>;
interface WireSpan {
  name: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  status?: { code?: number };
  attributes?: Array<{ key: string; value: Value }>;
  links?: Array<{ traceId: string; spanId: string }>;
}
interface WireRequest {
  resourceSpans?: Array<{ scopeSpans?: Array<{ spans?: WireSpan[] }> }>;
}

/** An AnyValue's one set field (`stringValue`, `intValue`, `boolValue`, `doubleValue`, `arrayValue`). */
function valueOf(value: Value): unknown {
  const [key, inner] = Object.entries(value)[0] ?? [];
  if (key === 'arrayValue') return ((inner as { values?: Value[] }).values ?? []).map(valueOf);
  return key === 'intValue' ? Number(inner) : inner;
}

function spansOf(request: WireRequest, hex: (id: string) => string): ReceivedSpan[] {
  return (request.resourceSpans ?? []).flatMap((r) =>
    (r.scopeSpans ?? []).flatMap((s) =>
      (s.spans ?? []).map((span) => ({
        name: span.name,
        traceId: hex(span.traceId),
        spanId: hex(span.spanId),
        ...(span.parentSpanId ? { parentSpanId: hex(span.parentSpanId) } : {}),
        status: { code: span.status?.code ?? 0 },
        attributes: Object.fromEntries((span.attributes ?? []).map((a) => [a.key, valueOf(a.value)])),
        links: (span.links ?? []).map((link) => ({ traceId: hex(link.traceId), spanId: hex(link.spanId) })),
      })),
    ),
  );
}

function decode(contentType: string | undefined, body: Buffer): ReceivedSpan[] {
  if (contentType?.includes('protobuf')) {
    const type = decoder();
    const request = type.toObject(type.decode(body), { longs: String, bytes: String, defaults: false }) as WireRequest;
    return spansOf(request, (id) => Buffer.from(id, 'base64').toString('hex'));
  }
  return spansOf(JSON.parse(body.toString()) as WireRequest, (id) => id);
}

export async function startReceiver(): Promise<Receiver> {
  const requests: Received[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const contentType = request.headers['content-type'];
      requests.push({
        url: request.url,
        contentType,
        headers: request.headers,
        spans: decode(contentType, Buffer.concat(chunks)),
      });
      response
        .writeHead(200, { 'content-type': contentType ?? 'application/json' })
        .end(contentType?.includes('protobuf') ? '' : '{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/v1/traces`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A port nothing listens on (a collector that is down). */
export async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
