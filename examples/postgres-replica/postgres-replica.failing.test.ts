/**
 * DEMO (fails on purpose): the replication link is partitioned mid-test. The primary keeps taking
 * writes every 50 ms; after the fourth, the proxy on the standby's replication connection holds every
 * byte. The failure's timeline shows the standby moving, then "unchanged for …": stuck, not slow, so a
 * longer timeout would not help. `context` shows the LSNs and the bytes held on the link that prove it.
 * Not part of `npm run test:examples`; `npm run demo` runs it and checks that it fails.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startPgPair, type PgPair } from './pgPair.ts';

let pair: PgPair;
beforeAll(async () => {
  pair = await startPgPair();
}, 30_000);
afterAll(() => pair?.stop());

test('DEMO (fails on purpose): the standby stops receiving WAL mid-test', async () => {
  const key = 'user-42:version';
  let version = 0;
  const writer = setInterval(async () => {
    const v = ++version;
    if (v === 20) clearInterval(writer);
    await pair.primary.query('INSERT INTO kv VALUES ($1, $2) ON CONFLICT (k) DO UPDATE SET v = EXCLUDED.v', [
      key,
      `v${v}`,
    ]);
    if (v === 4) pair.upstream.partition(); // the replication link goes silent here, after v4
  }, 50);

  try {
    await expect(() => pair.readStandby(key)).toEventuallyEqual('v20', {
      timeout: 2_000,
      message: 'the standby must reach v20, which the primary has had since about 1 s in',
      context: async () => ({
        primaryValue: (await pair.primary.query('SELECT v FROM kv WHERE k = $1', [key])).rows[0]?.v,
        ...(await pair.replicationState()),
      }),
    });
  } finally {
    clearInterval(writer);
    pair.upstream.heal();
  }
});
