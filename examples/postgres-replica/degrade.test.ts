/**
 * Degrade mode: the standby is cut off from everyone (its replication link and the application's
 * connection to it, each through a fault proxy). Reads from it fail within a bound instead of hanging,
 * the primary keeps serving all along, and after heal() the standby catches up with what it missed.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import pg from 'pg';
import { workerNamespace } from 'unflake';
import { faultProxy, type FaultProxy } from 'unflake/faults';
import { startPgPair, type PgPair } from './pgPair.ts';

let pair: PgPair;
let app: FaultProxy; // the application's path to the standby
beforeAll(async () => {
  pair = await startPgPair();
  app = await faultProxy({ target: `127.0.0.1:${pair.standbyServer.port}`, name: 'app → standby' });
}, 30_000);
afterAll(async () => {
  await app?.close();
  await pair?.stop();
});

const ns = workerNamespace('pg-degrade');
const READ_BOUND = 500; // ms: the application's own timeout for a read from the standby

/** One read from the standby as the application does it: a fresh connection, bounded in time. */
async function readStandbyViaApp(key: string): Promise<string | null> {
  const client = new pg.Client({
    host: '127.0.0.1',
    port: app.port,
    user: 'postgres',
    database: 'postgres',
    connectionTimeoutMillis: READ_BOUND,
    query_timeout: READ_BOUND,
  });
  client.on('error', () => {});
  try {
    await client.connect();
    return (await client.query<{ v: string }>('SELECT v FROM kv WHERE k = $1', [key])).rows[0]?.v ?? null;
  } finally {
    await client.end().catch(() => {});
  }
}

const readPrimary = async (key: string) =>
  (await pair.primary.query<{ v: string }>('SELECT v FROM kv WHERE k = $1', [key])).rows[0]?.v ?? null;

test('a partitioned standby: reads fail within their bound, the primary holds, and the standby recovers after heal()', async () => {
  const key = ns.name('order-7');
  await pair.primary.query('INSERT INTO kv VALUES ($1, $2)', [key, 'paid']);
  await expect(() => readStandbyViaApp(key)).toEventuallyEqual('paid');

  app.partition();
  pair.upstream.partition();
  try {
    await pair.primary.query('UPDATE kv SET v = $2 WHERE k = $1', [key, 'shipped']);

    // Reads from the standby fail, and fail fast: an error within the bound, not a hang.
    const started = performance.now();
    await expect(readStandbyViaApp(key)).rejects.toThrow(/timeout/i);
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(READ_BOUND - 5);
    expect(elapsed).toBeLessThan(READ_BOUND + 1_000);

    // The primary serves the new value the whole time (watched for 1 s, not sampled once).
    await expect(() => readPrimary(key)).toConsistentlyEqual('shipped', { for: 1_000 });
    expect(pair.upstream.stats().held).toBeGreaterThan(0); // the WAL for the update, held on the link
  } finally {
    app.heal();
    pair.upstream.heal();
  }

  // Recovery: the held WAL flows, the standby replays it, the application reads the new value.
  await expect(() => readStandbyViaApp(key)).toEventuallyEqual('shipped', {
    timeout: 10_000,
    context: () => pair.replicationState(),
  });
});
