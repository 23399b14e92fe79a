/**
 * One Postgres server process on a loopback port: initdb, start, stop (connecting, with unflake's
 * `eventually`, is in postgresServer.ts). Used by pgPair.ts for a primary and its hot standby, and by
 * the repository's own tests (test/flakes/pgServer.ts) and benches. Logs are kept (the last 20 000
 * characters) for failure messages. It needs only `pg` and Node, so the example stays runnable alone.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { appendFileSync, chownSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import pg from 'pg';
import type { Binaries, RunAs } from './postgresBinaries.ts';

export interface PostgresServer {
  readonly name: string;
  readonly port: number;
  readonly dataDir: string;
  readonly process: ChildProcess;
  log(): string;
  /** A new client (not connected). */
  client(): pg.Client;
}

// Small and fast for a test (max_connections and max_wal_senders stay at their defaults: a standby may not
// have less than the primary had at initdb): no fsync, no unix socket (its default folder needs root), loopback only.
const SETTINGS = [
  "listen_addresses = '127.0.0.1'",
  "unix_socket_directories = ''",
  'fsync = off',
  'full_page_writes = off',
  'shared_buffers = 16MB',
  'hot_standby = on',
  // The standby reconnects quickly after a reset or a partition ends.
  'wal_retrieve_retry_interval = 100ms',
  "log_min_messages = 'warning'",
];

const live = new Set<ChildProcess>();
let hooked = false;
function stopAllOnExit(): void {
  if (hooked) return;
  hooked = true;
  // SIGQUIT: the postmaster stops its own children too (a SIGKILL would leave them behind).
  process.on('exit', () => {
    for (const child of live) child.kill('SIGQUIT');
  });
}

export function freePort(): Promise<number> {
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

/** initdb into `dataDir` (trust auth on loopback: a throwaway test cluster), with the settings above. */
export function initCluster(binaries: Binaries, as: RunAs, dataDir: string): void {
  const result = spawnSync(
    binaries.initdb,
    [`--pgdata=${dataDir}`, '--auth=trust', '--username=postgres', '--encoding=UTF8', '--locale=C', '--no-sync'],
    {
      uid: as.uid,
      gid: as.gid,
      encoding: 'utf8',
      env: { ...process.env, LC_ALL: 'C' },
    },
  );
  if (result.status !== 0)
    throw new Error(
      `initdb failed (${result.status ?? result.error?.message}):\n${`${result.stdout}${result.stderr}`.trim().split('\n').slice(-10).join('\n')}`,
    );
  appendFileSync(join(dataDir, 'postgresql.conf'), `\n# unflake examples\n${SETTINGS.join('\n')}\n`);
}

/** Copies the stopped primary's data folder as the standby's: same system id, so it can stream from it. */
export function copyCluster(as: RunAs, from: string, to: string): void {
  const copy = spawnSync('cp', ['-a', from, to], { uid: as.uid, gid: as.gid, encoding: 'utf8' });
  if (copy.status !== 0) throw new Error(`copying ${from} to ${to} failed: ${copy.stderr.trim()}`);
  const signal = join(to, 'standby.signal');
  writeFileSync(signal, '');
  if (as.uid !== undefined) chownSync(signal, as.uid, as.gid!);
}

/** Where the standby streams from (here: the fault proxy in front of the primary). */
export function pointStandbyAt(dataDir: string, port: number): void {
  appendFileSync(
    join(dataDir, 'postgresql.conf'),
    `primary_conninfo = 'host=127.0.0.1 port=${port} user=postgres application_name=standby'\n`,
  );
}

export function startServer(
  binaries: Binaries,
  as: RunAs,
  name: string,
  dataDir: string,
  port: number,
): PostgresServer {
  stopAllOnExit();
  const child = spawn(binaries.postgres, ['-D', dataDir, '-p', String(port)], {
    uid: as.uid,
    gid: as.gid,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, LC_ALL: 'C' },
  });
  live.add(child);
  child.once('exit', () => live.delete(child));
  let log = '';
  const append = (chunk: Buffer) => void (log = (log + chunk.toString()).slice(-20_000));
  child.stdout!.on('data', append);
  child.stderr!.on('data', append);
  return {
    name,
    port,
    dataDir,
    process: child,
    log: () => log,
    client: () => {
      const client = new pg.Client({
        host: '127.0.0.1',
        port,
        user: 'postgres',
        database: 'postgres',
        connectionTimeoutMillis: 5_000,
      });
      client.on('error', () => {}); // a server stopped under it: the next query rejects, which the test sees
      return client;
    },
  };
}

/** Immediate shutdown (the data is thrown away anyway), SIGKILL after 3 s. */
export function stopServer(server: PostgresServer): Promise<void> {
  const child = server.process;
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 3_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGQUIT');
  });
}
