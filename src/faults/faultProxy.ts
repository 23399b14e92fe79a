/**
 * `faultProxy({ target, name })`: a TCP proxy on loopback between a test (or a replica's upstream
 * connection) and a real component, with faults switched on and off from the test: latency with jitter,
 * a partition that holds bytes until heal(), refused connections and resets. Toxiproxy's toxics are the
 * model; this runs in-process, so nothing needs installing.
 */
import type { Server, Socket } from 'node:net';
import { net } from '../runtime/builtins.ts';
import { Connection, type ConnectionControl } from './connection.ts';
import {
  faultInjected,
  faultInstant,
  faultsHealed,
  proxyClosed,
  trackProxy,
  type ProxyFaults,
} from '../otel/faults.ts';
import {
  checkLatency,
  checkNoArguments,
  checkProxyOptions,
  formatEndpoint,
  type CheckedLatency,
  type Direction,
  type Endpoint,
  type FaultProxyOptions,
  type LatencyOptions,
} from './options.ts';

/** What a fault proxy has seen so far (`proxy.stats()`). */
export interface FaultStats {
  /** Connections accepted since the proxy started (refused ones included). */
  connections: number;
  /** Connections open now. */
  open: number;
  /** Connections closed at once by refuse(). */
  refused: number;
  /** Bytes delivered client → target. */
  bytesUp: number;
  /** Bytes delivered target → client. */
  bytesDown: number;
  /** Bytes read and not yet delivered (delayed by latency or held by a partition), both directions. */
  held: number;
}

/** A TCP proxy between a test and a real component, with faults switched on and off at run time (`faultProxy()`). */
export interface FaultProxy {
  /** Its name in messages and `toString()` (`proxy → <target>` by default). */
  readonly name: string;
  /** The address it listens on. */
  readonly host: string;
  /** The port the proxy listens on: point the client (or the replica's upstream) here. */
  readonly port: number;
  /** `host:port` of the proxy. */
  readonly address: string;
  /** `host:port` of the target. */
  readonly target: string;
  /** Delays every chunk by `ms` (± `jitter`), each way or one way; bytes keep their order. `ms` may be a function (a distribution). */
  latency(ms: number | (() => number), options?: LatencyOptions): void;
  /** Nothing flows either way, and new connections are not passed on; what is held flows again on heal(). */
  partition(): void;
  /** New connections are closed at once (a reset); open ones carry on. */
  refuse(): void;
  /** Every open connection is reset, both sides; held bytes are dropped. */
  resetConnections(): void;
  /** Removes every fault: no latency, no partition, no refusal. Held and delayed bytes are delivered now, in order. */
  heal(): void;
  /** Counts of connections and bytes so far. */
  stats(): FaultStats;
  /** Stops listening and closes every connection and timer; resolves when all are closed. Idempotent. */
  close(): Promise<void>;
  /** `close()`, for `await using proxy = await faultProxy(…)`. */
  [Symbol.asyncDispose](): Promise<void>;
}

interface FaultState {
  latency: CheckedLatency | undefined;
  partitioned: boolean;
  refusing: boolean;
}

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port }, () => {
      server.off('error', reject);
      resolve((server.address() as { port: number }).port);
    });
  });
}

interface ProxyState {
  faults: FaultState;
  connections: Set<Connection>;
  counts: { connections: number; refused: number; bytesUp: number; bytesDown: number };
  closing: Promise<void> | undefined;
  allClosed: (() => void) | undefined;
}

/** How each connection asks for its delay and whether it is blocked, and reports its bytes and its end. */
function connectionControl(state: ProxyState, random: () => number): ConnectionControl {
  const { faults, counts, connections } = state;
  const delay = (direction: Exclude<Direction, 'both'>) => (): number => {
    const latency = faults.latency;
    if (!latency || (latency.direction !== 'both' && latency.direction !== direction)) return 0;
    return Math.max(0, latency.sample() + (random() * 2 - 1) * latency.jitter);
  };
  return {
    up: {
      delay: delay('upstream'),
      blocked: () => faults.partitioned,
      delivered: (n: number) => void (counts.bytesUp += n),
    },
    down: {
      delay: delay('downstream'),
      blocked: () => faults.partitioned,
      delivered: (n: number) => void (counts.bytesDown += n),
    },
    closed: (connection: Connection) => {
      connections.delete(connection);
      if (connections.size === 0) state.allClosed?.();
    },
  };
}

/** Relays a client, or resets it at once while refuse() holds or the proxy is closing. */
function acceptClient(state: ProxyState, target: Endpoint, control: ConnectionControl) {
  return (client: Socket): void => {
    state.counts.connections++;
    if (state.faults.refusing || state.closing) {
      if (state.faults.refusing) state.counts.refused++;
      client.on('error', () => {});
      client.resetAndDestroy();
      return;
    }
    const connection = new Connection(client, target, control);
    state.connections.add(connection);
    if (!state.faults.partitioned) connection.connectUpstream();
  };
}

/** The faults switched on and off from the test. */
function faultSwitches(
  state: ProxyState,
  method: (name: string) => string,
  tracked: ProxyFaults,
): Pick<FaultProxy, 'latency' | 'partition' | 'refuse' | 'resetConnections' | 'heal'> {
  const { faults, connections } = state;
  return {
    latency(ms, latencyOptions) {
      faults.latency = checkLatency(method('latency'), ms, latencyOptions);
      faultInjected(tracked, 'latency', typeof ms === 'number' ? `${ms} ms` : '');
    },
    partition(...args: unknown[]) {
      checkNoArguments(method('partition'), args);
      faults.partitioned = true;
      faultInjected(tracked, 'partition');
    },
    refuse(...args: unknown[]) {
      checkNoArguments(method('refuse'), args);
      faults.refusing = true;
      faultInjected(tracked, 'refuse');
    },
    resetConnections(...args: unknown[]) {
      checkNoArguments(method('resetConnections'), args);
      faultInstant(tracked, 'reset', connections.size);
      for (const connection of [...connections]) connection.reset();
    },
    heal(...args: unknown[]) {
      checkNoArguments(method('heal'), args);
      faults.latency = undefined;
      faults.refusing = false;
      faults.partitioned = false;
      faultsHealed(tracked);
      for (const connection of [...connections]) {
        connection.connectUpstream();
        connection.release();
      }
    },
  };
}

export async function faultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const checked = checkProxyOptions(options);
  const { target, random } = checked;
  const state: ProxyState = {
    faults: { latency: undefined, partitioned: false, refusing: false },
    connections: new Set<Connection>(),
    counts: { connections: 0, refused: 0, bytesUp: 0, bytesDown: 0 },
    closing: undefined,
    allClosed: undefined,
  };
  const { connections, counts } = state;
  const control = connectionControl(state, random);
  const server = net().createServer(
    { allowHalfOpen: true, pauseOnConnect: false },
    acceptClient(state, target, control),
  );
  const port = await listen(server, checked.host, checked.port);
  const address = formatEndpoint({ host: checked.host, port });
  const method = (name: string) => `proxy.${name}() (${checked.name})`;
  const heldNow = (): number => {
    let held = 0;
    for (const connection of connections) held += connection.held;
    return held;
  };
  // Its faults, for a failure's evidence and the test's span (src/otel/faults.ts).
  const tracked = trackProxy(checked.name, heldNow);

  const proxy: FaultProxy = {
    name: checked.name,
    host: checked.host,
    port,
    address,
    target: formatEndpoint(target),
    ...faultSwitches(state, method, tracked),
    stats(...args: unknown[]) {
      checkNoArguments(method('stats'), args);
      return { ...counts, open: connections.size, held: heldNow() };
    },
    close() {
      proxyClosed(tracked);
      return (state.closing ??= (async () => {
        const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
        const socketsClosed =
          connections.size === 0 ? Promise.resolve() : new Promise<void>((resolve) => (state.allClosed = resolve));
        for (const connection of [...connections]) connection.destroy();
        await Promise.all([serverClosed, socketsClosed]);
      })());
    },
    [Symbol.asyncDispose]() {
      return proxy.close();
    },
  };
  Object.defineProperty(proxy, 'toString', {
    value: () => `${checked.name} (${address} → ${proxy.target})`,
    enumerable: false,
  });
  return proxy;
}
