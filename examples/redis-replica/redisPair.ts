/**
 * A real Redis primary and read replica on two free loopback ports, for the examples and the soak.
 *
 *   const pair = await startRedisPair()      // redis-server ×2, waits until the replica link is up
 *   await pair.primary.set('k', 'v')
 *   await expect(() => pair.replica.get('k')).toEventuallyEqual('v')
 *   await pair.stop()                         // both servers stopped, their temp dir removed
 *
 * Nothing is persisted (`--save '' --appendonly no`), each server gets its own temporary directory, and
 * both are killed when this process exits, even on a crash. Readiness is waited for with unflake's own
 * `eventually()` (PING, then `master_link_status:up`), never with a sleep.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { eventually } from 'unflake';
import { faultProxy, type FaultProxy } from 'unflake/faults';

export const INSTALL_HINT =
  'redis-server is not installed. Install it with:\n' +
  '  apt-get install -y redis-server      (Debian/Ubuntu; as root, or with sudo; `apt-get update` first on a fresh machine)\n' +
  '  brew install redis                   (macOS)\n' +
  'The examples start their own servers on random loopback ports; no system service is needed.';

export class RedisMissingError extends Error {
  override name = 'RedisMissingError';
  constructor() {
    super(INSTALL_HINT);
  }
}

/** The `redis-server` binary to use (REDIS_SERVER overrides), or null when there is none. */
export function findRedisServer(): string | null {
  const binary = process.env.REDIS_SERVER || 'redis-server';
  const probe = spawnSync(binary, ['--version'], { encoding: 'utf8' });
  return probe.status === 0 ? binary : null;
}

/**
 * Whether the Redis examples can run here. Without redis-server they are skipped with the reason printed,
 * except in CI (CI=true), which installs it: there a missing binary is an error, not a silent skip.
 */
export function redisAvailable(file: string): boolean {
  if (findRedisServer()) return true;
  if (process.env.CI === 'true') throw new RedisMissingError();
  console.warn(`SKIPPED ${file}: ${INSTALL_HINT}`);
  return false;
}

export interface RedisServer {
  readonly port: number;
  readonly process: ChildProcess;
  /** The server's own log so far (stdout), for diagnostics. */
  log(): string;
}

export interface RedisPair {
  readonly primary: Redis;
  readonly replica: Redis;
  readonly primaryServer: RedisServer;
  readonly replicaServer: RedisServer;
  /** The fault proxy on the replica's replication connection, when started with `{ upstreamProxy: true }`. */
  readonly upstream: FaultProxy | undefined;
  /** Replication offsets and link state, as evidence for a failure's `context`. */
  replicationState(): Promise<{ primaryOffset: number; replicaOffset: number; replicaRole: string; link: string }>;
  /** Stops both servers (SIGTERM, then SIGKILL after 2 s) and removes their directory. Idempotent. */
  stop(): Promise<void>;
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;
function killAllOnExit(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // A crashed or interrupted test run must not leave redis-server processes behind.
  process.on('exit', () => {
    for (const child of live) child.kill('SIGKILL');
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      for (const child of live) child.kill('SIGKILL');
      process.kill(process.pid, signal);
    });
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

function startServer(binary: string, dir: string, port: number, extra: string[]): RedisServer {
  const child = spawn(
    binary,
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      dir,
      '--daemonize',
      'no',
      '--logfile',
      '',
      ...extra,
    ],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  live.add(child);
  child.once('exit', () => live.delete(child));
  let log = '';
  const append = (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-20_000);
  };
  child.stdout!.on('data', append);
  child.stderr!.on('data', append);
  return { port, process: child, log: () => log };
}

function stopServer(server: RedisServer): Promise<void> {
  const child = server.process;
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 2_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

function client(port: number): Redis {
  // No reconnect storm and no offline queue: a dead server is an error the test sees at once.
  const redis = new Redis({
    host: '127.0.0.1',
    port,
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  // Connection errors reach the caller through the rejected command; don't also print them as unhandled.
  redis.on('error', () => {});
  return redis;
}

function exited(server: RedisServer): string | false {
  const child = server.process;
  if (child.exitCode === null && child.signalCode === null) return false;
  return `redis-server on port ${server.port} exited (${child.exitCode ?? child.signalCode}):\n${server.log().trim().split('\n').slice(-8).join('\n')}`;
}

async function connect(server: RedisServer): Promise<Redis> {
  // Wait for the contract ("answers PING"), not for a guessed delay.
  return eventually(
    async () => {
      const reason = exited(server);
      if (reason) throw Object.assign(new Error(reason), { fatal: true });
      const redis = client(server.port);
      try {
        await redis.connect();
        await redis.ping();
        return redis;
      } catch (error) {
        redis.disconnect();
        throw error;
      }
    },
    () => true,
    {
      timeout: 10_000,
      ignore: (error) => !(error as { fatal?: boolean }).fatal,
      message: `redis-server on port ${server.port} must answer PING`,
    },
  );
}

export interface StartOptions {
  /** Extra arguments for the replica's redis-server. */
  replicaArgs?: string[];
  /** Route the replica's replication connection through an unflake fault proxy (`pair.upstream`). */
  upstreamProxy?: boolean;
  /** How long to wait for both servers and the replication link, in ms. Default 10 000. */
  timeout?: number;
}

export async function startRedisPair(options: StartOptions = {}): Promise<RedisPair> {
  const binary = findRedisServer();
  if (!binary) throw new RedisMissingError();
  killAllOnExit();
  const dir = mkdtempSync(join(tmpdir(), 'unflake-redis-'));
  const servers: RedisServer[] = [];
  const clients: Redis[] = [];
  let upstream: FaultProxy | undefined;
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopped ??= (async () => {
      for (const redis of clients) redis.disconnect();
      await Promise.all(servers.map(stopServer));
      await upstream?.close();
      rmSync(dir, { recursive: true, force: true });
    })());

  try {
    // A free port can be taken between probing it and binding it; a server that fails to bind is retried.
    const start = async (name: string, extra: () => string[]): Promise<{ server: RedisServer; redis: Redis }> => {
      let lastError: unknown;
      for (let attempt = 0; attempt < 3; attempt++) {
        const port = await freePort();
        mkdirSync(join(dir, name), { recursive: true });
        const server = startServer(binary, join(dir, name), port, extra());
        servers.push(server);
        try {
          const redis = await connect(server);
          clients.push(redis);
          return { server, redis };
        } catch (error) {
          lastError = error;
          await stopServer(server);
          if (!/Address already in use/i.test(server.log())) break;
        }
      }
      throw lastError;
    };
    // Full sync at once (the default waits 5 s for more replicas to join the same transfer).
    const primary = await start('primary', () => ['--repl-diskless-sync-delay', '0']);
    if (options.upstreamProxy)
      upstream = await faultProxy({
        target: `127.0.0.1:${primary.server.port}`,
        name: 'replica → primary (replication)',
      });
    const upstreamPort = upstream?.port ?? primary.server.port;
    const replica = await start('replica', () => [
      '--replicaof',
      '127.0.0.1',
      String(upstreamPort),
      ...(options.replicaArgs ?? []),
    ]);

    const info = async (redis: Redis): Promise<Record<string, string>> =>
      Object.fromEntries(
        (await redis.info('replication'))
          .split(/\r?\n/)
          .filter((line) => line.includes(':'))
          .map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1)]),
      );

    // The replica answers PING long before it has synced; wait for the replication link itself.
    await eventually(
      () => info(replica.redis),
      (fields) => fields.master_link_status === 'up',
      {
        timeout: options.timeout ?? 10_000,
        message: `the replica on port ${replica.server.port} must connect to the primary on port ${primary.server.port}`,
        context: () => ({ replicaLog: replica.server.log().trim().split('\n').slice(-5) }),
      },
    );
    // "Link up" is not yet "streaming": after a diskless full sync the primary puts the replica online
    // only when the replica first acknowledges (about a second later). Ready means the contract itself:
    // a write on the primary is readable on the replica.
    const marker = `unflake:ready:${process.pid}:${Date.now()}`;
    await primary.redis.set(marker, '1');
    await eventually(
      () => replica.redis.get(marker),
      (value) => value === '1',
      {
        timeout: options.timeout ?? 10_000,
        message: 'a write on the primary must reach the replica before the tests start',
      },
    );
    await primary.redis.del(marker);

    return {
      primary: primary.redis,
      replica: replica.redis,
      primaryServer: primary.server,
      replicaServer: replica.server,
      upstream,
      async replicationState() {
        const [p, r] = await Promise.all([info(primary.redis), info(replica.redis)]);
        return {
          primaryOffset: Number(p.master_repl_offset),
          replicaOffset: Number(r.master_repl_offset),
          replicaRole: r.role ?? '?',
          link: r.master_link_status ?? `none (the replica's role is ${r.role})`,
        };
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
