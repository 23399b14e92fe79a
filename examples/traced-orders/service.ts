/**
 * Two small services with an outbox between them, one process each (`node --import ./tracing.ts service.ts <role>`):
 *
 *   orders      POST /orders stores the order and an `OrderPlaced` row in its outbox, with the request's trace
 *               context; a relay publishes each row to the read model (POST /events) in that context, later.
 *   read-model  POST /events projects the order; GET /orders/:id returns it, or 404 until it arrives.
 *
 * The HTTP instrumentation makes the server and client spans; the service adds its start-up span (a child of the
 * context its parent handed over in the environment) and the relay's `outbox publish` span. `PLANTED_BUG=wrong-key`
 * makes the read model key the projection by a field the event does not have: every order is lost, the event
 * still arrives, and the trace shows it.
 */
import http from 'node:http';
import { context, propagation, SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import { contextFromEnvironment, shutdownTracing } from './tracing.ts';

interface Order {
  id: string;
  sku: string;
  qty: number;
}
interface OrderPlaced {
  type: 'OrderPlaced';
  orderId: string;
  sku: string;
  qty: number;
}

const role = process.argv[2];
if (role !== 'orders' && role !== 'read-model')
  throw new Error(`service.ts: expected the role "orders" or "read-model", got ${role}`);
const tracer = trace.getTracer('traced-orders');
const started = tracer.startSpan(`${role} start`, {}, contextFromEnvironment());

function readBody(request: http.IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let text = '';
    request.on('data', (chunk: Buffer) => (text += chunk));
    request.on('end', () => {
      try {
        resolve(text ? JSON.parse(text) : undefined);
      } catch (error) {
        reject(error as Error);
      }
    });
  });
}

function reply(response: http.ServerResponse, status: number, body?: unknown): void {
  response
    .writeHead(status, { 'content-type': 'application/json' })
    .end(body === undefined ? '' : JSON.stringify(body));
}

/** Names the request's server span by its route, as a web framework's instrumentation does. */
function route(name: string): Span | undefined {
  const span = trace.getActiveSpan();
  span?.updateName(name);
  span?.setAttribute('http.route', name.split(' ')[1] ?? name);
  return span;
}

// ---- orders: the outbox and its relay ----------------------------------------------------------------------------
const outbox: Array<{ event: OrderPlaced; carrier: Record<string, string> }> = [];

function post(url: string, body: unknown): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      { method: 'POST', headers: { 'content-type': 'application/json' } },
      (response) => {
        response.resume().on('end', () => resolve(response.statusCode ?? 0));
      },
    );
    request.on('error', reject).end(JSON.stringify(body));
  });
}

/** Publishes the outbox, oldest first, each row in the trace context it was written in. */
async function relay(readModel: string): Promise<void> {
  while (outbox.length) {
    const { event, carrier } = outbox[0]!;
    const parent = propagation.extract(context.active(), carrier);
    await tracer.startActiveSpan(`outbox publish ${event.type}`, { kind: SpanKind.PRODUCER }, parent, async (span) => {
      try {
        span.setAttribute('messaging.destination.name', 'read-model /events');
        const status = await post(`${readModel}/events`, event);
        if (status >= 300) throw new Error(`the read model answered ${status}`);
        outbox.shift();
      } catch (error) {
        span.setStatus({ code: SpanStatusCode.ERROR, message: String(error) });
      } finally {
        span.end();
      }
    });
  }
  // A relay polls its table; 20 ms keeps the example quick.
  setTimeout(() => void relay(readModel), 20);
}

async function orders(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
  if (request.method === 'POST' && request.url === '/orders') {
    route('POST /orders');
    const order = (await readBody(request)) as Order;
    const carrier: Record<string, string> = {};
    propagation.inject(context.active(), carrier);
    outbox.push({ event: { type: 'OrderPlaced', orderId: order.id, sku: order.sku, qty: order.qty }, carrier });
    return reply(response, 202, { id: order.id });
  }
  reply(response, 404);
}

// ---- read-model: the projection ----------------------------------------------------------------------------------
const projection = new Map<string, Order & { status: 'placed' }>();

async function readModel(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
  if (request.method === 'POST' && request.url === '/events') {
    const span = route('POST /events');
    const event = (await readBody(request)) as OrderPlaced;
    // The planted bug: the event's key is `orderId`; `id` is the order's field name, not the event's.
    const key =
      process.env.PLANTED_BUG === 'wrong-key' ? String((event as unknown as { id?: string }).id) : event.orderId;
    span?.setAttribute('orders.projection.key', key);
    projection.set(key, { id: event.orderId, sku: event.sku, qty: event.qty, status: 'placed' });
    return reply(response, 204);
  }
  const found = request.method === 'GET' && /^\/orders\/([^/]+)$/.exec(request.url ?? '');
  if (found) {
    route('GET /orders/:id');
    const order = projection.get(decodeURIComponent(found[1]!));
    return order ? reply(response, 200, order) : reply(response, 404, { error: 'no such order' });
  }
  reply(response, 404);
}

// ---- start and stop ----------------------------------------------------------------------------------------------
const server = http.createServer((request, response) => {
  const handle = role === 'orders' ? orders : readModel;
  handle(request, response).catch((error: unknown) => reply(response, 500, { error: String(error) }));
});
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const { port } = server.address() as { port: number };
  started.setAttribute('server.port', port);
  started.end();
  if (role === 'orders') {
    if (!process.env.READ_MODEL_URL) throw new Error('service.ts orders: expected READ_MODEL_URL');
    void relay(process.env.READ_MODEL_URL);
  }
  console.log(`${role} listening on ${port}`);
});

/** Exports the spans still batched, then exits: on SIGTERM, and when the parent closes our stdin (it went away). */
let stopping = false;
function stop(): void {
  if (stopping) return;
  stopping = true;
  server.close();
  void shutdownTracing().then(() => process.exit(0));
}
process.once('SIGTERM', stop);
process.stdin.on('end', stop).resume();
