/**
 * A real Redis primary and read replica (two redis-server processes on loopback). The test writes to the
 * primary and waits for the contract on the replica, with a deadline, instead of sleeping.
 * Needs `redis-server` (apt-get install -y redis-server); `.ci/run` installs it.
 */
import { afterAll, beforeAll, expect, test as vitestTest } from 'vitest';
import { workerNamespace } from 'unflake';
import { redisAvailable, startRedisPair, type RedisPair } from './redisPair.ts';

// Skipped, with the reason printed, where redis-server is not installed (required in CI).
const available = redisAvailable('examples/redis-replica/redis-replica.test.ts');
const test = vitestTest.skipIf(!available);

let pair: RedisPair;
beforeAll(async () => {
  if (available) pair = await startRedisPair();
}, 20_000);
afterAll(() => pair?.stop());

// Keys unique to this run and worker, as they would have to be on a shared Redis.
const ns = workerNamespace('redis-example');

test('a profile written to the primary is read back from the replica', async () => {
  const key = ns.name('user-42');
  await pair.primary.hset(key, { email: 'new@x.io', plan: 'pro' });

  // No sleep: passes as soon as the replica has applied the write (usually well under a millisecond).
  await expect(() => pair.replica.hgetall(key)).toEventuallyEqual(
    { email: 'new@x.io', plan: 'pro' },
    {
      message: `${key} must reach the read replica`,
      context: () => pair.replicationState(),
    },
  );
});

test('the replica catches up with a burst of writes, then stays caught up', async () => {
  const key = ns.name('counter');
  const writes = Array.from({ length: 200 }, () => pair.primary.incr(key));
  await Promise.all(writes);

  await expect(() => pair.replica.get(key)).toEventuallyBe('200', { context: () => pair.replicationState() });
  // …and no late or replayed write moves it afterwards.
  await expect(() => pair.replica.get(key)).toConsistentlyEqual('200', { for: 200 });
});

test('a delete reaches the replica too', async () => {
  const key = ns.name('session');
  await pair.primary.set(key, 'token-1');
  await expect(() => pair.replica.exists(key)).toEventuallyBe(1);
  await pair.primary.del(key);
  await expect(() => pair.replica.exists(key)).toEventuallyBe(0);
});

test('the replica is read-only: writing to it is refused, not silently lost', async () => {
  await expect(pair.replica.set(ns.name('x'), '1')).rejects.toThrow(/READONLY/);
});
