/**
 * Starts the read model and the orders service (service.ts), each a child process under `--import ./tracing.ts`,
 * with the caller's environment on top of ours: the test passes `testTrace().env()` (`TRACEPARENT`, …), so each
 * service's spans join the test's trace, and `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`, where they export to. Ready when
 * each prints its port (it is listening by then). `stop()` ends both (SIGTERM: each exports its last spans and exits).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface Services {
  /** The orders service: POST /orders. */
  readonly orders: string;
  /** The read model: GET /orders/:id. */
  readonly readModel: string;
  /** Ends both and waits until they have exited (their spans exported). */
  stop(): Promise<void>;
}

const here = fileURLToPath(new URL('.', import.meta.url));
const live = new Set<ChildProcess>();
process.once('exit', () => live.forEach((child) => child.kill('SIGKILL')));

interface Started {
  url: string;
  stop(): Promise<void>;
}

function start(role: 'orders' | 'read-model', env: Record<string, string>): Promise<Started> {
  const child = spawn(process.execPath, ['--import', './tracing.ts', 'service.ts', role], {
    cwd: here,
    env: { ...process.env, ...env, OTEL_SERVICE_NAME: role, PORT: '0' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  live.add(child);
  let output = '';
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const kill = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(kill);
    }
    live.delete(child);
  };
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const port = / listening on (\d+)/.exec(output)?.[1];
      if (port) {
        child.stdout.off('data', onData);
        resolve({ url: `http://127.0.0.1:${port}`, stop });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code, signal) =>
      reject(new Error(`the ${role} service exited (${code ?? signal}) before listening:\n${output.slice(-2_000)}`)),
    );
  });
}

/** Starts the read model, then the orders service pointing at it. `env`: e.g. `testTrace().env()`. */
export async function startServices(env: Record<string, string> = {}): Promise<Services> {
  const readModel = await start('read-model', env);
  let orders: Started;
  try {
    orders = await start('orders', { ...env, READ_MODEL_URL: readModel.url });
  } catch (error) {
    await readModel.stop();
    throw error;
  }
  return {
    orders: orders.url,
    readModel: readModel.url,
    stop: async () => {
      await Promise.all([orders.stop(), readModel.stop()]);
    },
  };
}

export interface Order {
  id: string;
  sku: string;
  qty: number;
}

/** POST /orders on the orders service; `headers`: the test's trace (`testTrace().headers()`). */
export async function placeOrder(services: Services, order: Order, headers: Record<string, string>): Promise<number> {
  const response = await fetch(`${services.orders}/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(order),
  });
  await response.arrayBuffer();
  return response.status;
}

/** The read model's view of an order, or `undefined` while it has none (404). */
export async function readOrder(services: Services, id: string, headers: Record<string, string>): Promise<unknown> {
  const response = await fetch(`${services.readModel}/orders/${encodeURIComponent(id)}`, { headers });
  return response.status === 404 ? (await response.arrayBuffer(), undefined) : response.json();
}
