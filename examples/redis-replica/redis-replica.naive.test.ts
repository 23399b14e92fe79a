/**
 * The naive versions, kept beside the real one to be measured (`npm run soak`) and shown (`npm run demo`).
 * They are NOT in `npm run test:examples`: whether they pass depends on the machine's load, which is
 * exactly the problem. Under load the replica can be a few milliseconds behind a client's round trip.
 */
import { afterAll, beforeAll, expect, test as vitestTest } from 'vitest';
import { redisAvailable, startRedisPair, type RedisPair } from './redisPair.ts';

// Skipped, with the reason printed, where redis-server is not installed (required in CI).
const available = redisAvailable('examples/redis-replica/redis-replica.naive.test.ts');
const test = vitestTest.skipIf(!available);

let pair: RedisPair;
beforeAll(async () => {
  if (available) pair = await startRedisPair();
}, 20_000);
afterAll(() => pair?.stop());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test('NAIVE: read the replica right after the write', async () => {
  await pair.primary.set('naive:immediate', 'new@x.io');
  expect(await pair.replica.get('naive:immediate')).toBe('new@x.io');
});

test('NAIVE: sleep 5 ms (the worst lag seen on an idle machine, with margin), then read', async () => {
  await pair.primary.set('naive:sleep', 'new@x.io');
  await sleep(5);
  expect(await pair.replica.get('naive:sleep')).toBe('new@x.io');
});
