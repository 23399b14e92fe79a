/**
 * BullMQ against a real Redis, written the way we recommend: no sleeps and no hand-made counters. Each
 * test waits on what the queue says happened (`record` of its events, which also wakes the wait), with a
 * deadline and a failure that shows what was seen. Needs `redis-server` (apt-get install -y redis-server).
 *
 * Time: BullMQ hands its scripts the client's `Date.now()`, so delays and repeats follow a TestClock
 * installed over `Date`. Redis's own clock still drives blocking timeouts, lock expiry (stalled jobs)
 * and the rate limiter's window: those tests run in real time.
 */
import { afterAll, beforeAll, expect, test as vitestTest } from 'vitest';
import { eventually, record } from 'unflake';
import { TestClock } from 'unflake/clock';
import { redisAvailable, startRedisPair, type RedisPair } from '../redis-replica/redisPair.ts';
import { openEvents, openQueue, openWorker, type Connection } from './queueKit.ts';

// Skipped, with the reason printed, where redis-server is not installed (required in CI).
const available = redisAvailable('examples/job-queue/job-queue.test.ts');
const test = vitestTest.skipIf(!available);

let pair: RedisPair;
let redis: Connection;
beforeAll(async () => {
  if (!available) return;
  // The primary of the examples' pair is the queue's Redis.
  pair = await startRedisPair();
  redis = { host: '127.0.0.1', port: pair.primaryServer.port };
}, 20_000);
afterAll(() => pair?.stop());

test('a delayed job runs after its delay, not before', async () => {
  const queue = openQueue<{ to: string }>(redis, 'emails');
  const worker = openWorker(redis, queue, async (job) => `sent to ${job.data.to}`);
  const sent = record(worker, 'completed', { map: (job: { returnvalue: string }) => job.returnvalue });
  await worker.waitUntilReady();

  // The wait starts before the job is added, so its clock starts no later than the delay's: done before
  // 500 ms would be a bug too (the delay ignored), whatever the load does to `add`'s round trip.
  const delivered = expect(() => sent.length).toEventuallyBe(1, { wakeOn: sent, from: 0, notBefore: 500 });
  await queue.add('welcome', { to: 'ada@x.io' }, { delay: 600 });
  await delivered;
  expect(sent[0]!.value).toBe('sent to ada@x.io');
});

test('the rate limiter lets at most 2 jobs a second through', async () => {
  const queue = openQueue<number>(redis, 'thumbnails');
  const worker = openWorker(redis, queue, async (job) => job.data, { limiter: { max: 2, duration: 1000 } });
  const done = record(worker, 'completed');
  await worker.waitUntilReady();

  await queue.addBulk([1, 2, 3, 4, 5].map((n) => ({ name: 'resize', data: n })));
  await expect(() => done.length).toEventuallyBe(5, { wakeOn: done, from: 0, timeout: 6000 });
  // Any three completions span at least one window of the limiter (less a little for timer lateness).
  const times = done.map((e) => e.at);
  for (let i = 2; i < times.length; i++) expect(times[i]! - times[i - 2]!).toBeGreaterThan(900);
}, 10_000);

test('a repeatable job follows virtual time (TestClock installed over Date)', async () => {
  const clock = new TestClock({ now: Date.parse('2026-01-01T00:00:00Z') });
  // Date only: BullMQ's and ioredis's timers stay real, so connections and blocking reads behave as in production.
  using _installed = clock.install({ toFake: ['Date'] });
  const queue = openQueue(redis, 'reports');
  const worker = openWorker(redis, queue, async (job) => `${job.name} at ${new Date().toISOString()}`);
  const ran = record(worker, 'completed', { map: (job: { returnvalue: string }) => job.returnvalue });
  const reports = (): string[] => ran.map((e) => e.value).filter((v) => v.startsWith('report'));
  await worker.waitUntilReady();

  await queue.upsertJobScheduler('hourly-report', { every: 60 * 60_000 }, { name: 'report' });
  await expect(reports).toEventuallyEqual(['report at 2026-01-01T00:00:00.000Z'], { wakeOn: ran });
  // Real time passes, virtual time does not: another job runs (and would promote a due report), none is due.
  await queue.add('nudge', null);
  await expect(() => ran.length).toEventuallyBe(2, { wakeOn: ran });
  expect(reports()).toHaveLength(1);
  // An hour of virtual time: the next report is due. The worker's real blocking read (Redis's clock) is
  // not shortened by it, so a job wakes the worker, which promotes the due report with the client's Date.now().
  clock.advance(60 * 60_000);
  await queue.add('nudge', null);
  await expect(reports).toEventuallyEqual(
    ['report at 2026-01-01T00:00:00.000Z', 'report at 2026-01-01T01:00:00.000Z'],
    { wakeOn: ran },
  );
});

test('a stalled job (its worker died holding the lock) is detected and run again by another worker', async () => {
  const queue = openQueue<string>(redis, 'invoices');
  let release: () => void = () => {};
  const hanging = new Promise<void>((resolve) => (release = resolve));
  const options = { lockDuration: 500, stalledInterval: 300, maxStalledCount: 1 };
  const first = openWorker(redis, queue, () => hanging.then(() => 'never'), options);
  const started = record(first, 'active');
  await queue.add('render', 'inv-7');
  await expect(() => started.length).toEventuallyBe(1, { wakeOn: started, from: 0 });
  // The first worker dies mid-job: it stops renewing its lock, which Redis expires after lockDuration.
  await first.close(true);
  release();

  const second = openWorker(redis, queue, async (job) => `rendered ${job.data}`, options);
  const stalled = record(second, 'stalled');
  const done = record(second, 'completed', { map: (job: { returnvalue: string }) => job.returnvalue });
  await expect(() => done.map((e) => e.value)).toEventuallyEqual(['rendered inv-7'], {
    wakeOn: [stalled, done],
    timeout: 5000,
  });
  expect(stalled.length).toBe(1);
}, 10_000);

test('queue events, recorded: every job completes, in order, and none fails', async () => {
  const queue = openQueue<number>(redis, 'payments');
  const events = await openEvents(redis, queue);
  const completed = record(events, 'completed', { map: ({ jobId }: { jobId: string }) => jobId });
  const failed = record(events, 'failed');
  openWorker(redis, queue, async (job) => job.data * 2, { concurrency: 1 });

  const jobs = await queue.addBulk([10, 20, 30].map((n) => ({ name: 'charge', data: n })));
  await expect(() => completed.length).toEventuallyBe(3, { wakeOn: completed, from: 0 });
  expect(completed.map((e) => e.value)).toEqual(jobs.map((j) => j.id));
  // Nothing failed, then or in the next 200 ms (a late failure event would show up here).
  await expect(() => failed.length).toConsistentlyEqual(0, { for: 200, wakeOn: failed });
  expect(await eventually(() => queue.getJobCounts('completed', 'failed'))).toEqual({ completed: 3, failed: 0 });
});
