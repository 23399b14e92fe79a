/**
 * The job-queue tests against the same tests written with fixed sleeps (as a mocha suite ported them):
 * each scenario's time and failures, both variants interleaved in one run, with one other core busy
 * (`stress --cpu 1` when installed, else a busy-loop child; both killed by their process group at the end).
 *
 *   node examples/job-queue/measure.ts [--runs N] [--no-load]      (Node 24, after `npm run build`)
 *
 * No test runner: the waits are `eventually()` (default 4 s window) and the queue's own Worker events.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { Queue, Worker } from 'bullmq';
import { eventually, record } from 'unflake';
import { findRedisServer, INSTALL_HINT, startRedisPair } from '../redis-replica/redisPair.ts';

const args = process.argv.slice(2);
const runs = Number(args[args.indexOf('--runs') + 1]) || 30;
const withLoad = !args.includes('--no-load');

type Conn = { host: string; port: number; maxRetriesPerRequest: null };
interface Variant {
  scenario: string;
  name: string;
  run(c: Conn, id: string): Promise<void>;
}

/** A queue and workers for one run, closed (and the queue's keys removed) after it whatever happened. */
async function withQueue(
  c: Conn,
  id: string,
  body: (queue: Queue, open: (fn: (job: { data: unknown }) => Promise<unknown>, o?: object) => Worker) => Promise<void>,
): Promise<void> {
  const queue = new Queue(id, { connection: c });
  const workers: Worker[] = [];
  const open = (fn: (job: { data: unknown }) => Promise<unknown>, o: object = {}): Worker => {
    const w = new Worker(id, fn, { connection: c, ...o });
    w.on('error', () => {});
    workers.push(w);
    return w;
  };
  try {
    await body(queue, open);
  } finally {
    await Promise.all(workers.map((w) => w.close(true)));
    await queue.obliterate({ force: true });
    await queue.close();
  }
}

const check = (ok: boolean, what: string): void => {
  if (!ok) throw new Error(what);
};

const LOCK = { lockDuration: 500, stalledInterval: 300, maxStalledCount: 1 };

const variants: Variant[] = [
  {
    scenario: 'delayed job (600 ms)',
    name: 'unflake: record + wakeOn',
    run: (c, id) =>
      withQueue(c, id, async (queue, open) => {
        const done = record(
          open(async () => 'ok'),
          'completed',
        );
        // Started before the add: its notBefore counts from no later than the delay does.
        const delivered = eventually(
          () => done.length,
          (n) => n === 1,
          { wakeOn: done, notBefore: 500 },
        );
        await queue.add('j', null, { delay: 600 });
        await delivered;
      }),
  },
  {
    scenario: 'delayed job (600 ms)',
    name: 'sleep(700), then count',
    run: (c, id) =>
      withQueue(c, id, async (queue, open) => {
        let done = 0;
        open(async () => 'ok').on('completed', () => done++);
        await queue.add('j', null, { delay: 600 });
        await sleep(700);
        check(done === 1, `completed ${done} of 1`);
      }),
  },
  {
    scenario: '3 jobs, completed events',
    name: 'unflake: record + wakeOn',
    run: (c, id) =>
      withQueue(c, id, async (queue, open) => {
        const done = record(
          open(async (job) => job.data),
          'completed',
        );
        await queue.addBulk([1, 2, 3].map((n) => ({ name: 'j', data: n })));
        await eventually(
          () => done.length,
          (n) => n === 3,
          { wakeOn: done },
        );
      }),
  },
  {
    scenario: '3 jobs, completed events',
    name: 'sleep(100), then count',
    run: (c, id) =>
      withQueue(c, id, async (queue, open) => {
        let done = 0;
        open(async (job) => job.data).on('completed', () => done++);
        await queue.addBulk([1, 2, 3].map((n) => ({ name: 'j', data: n })));
        await sleep(100);
        check(done === 3, `completed ${done} of 3`);
      }),
  },
  {
    scenario: 'stalled job re-run',
    name: 'unflake: record + wakeOn',
    run: (c, id) =>
      withQueue(c, id, async (queue, open) => {
        const first = open(() => new Promise(() => {}), LOCK);
        const active = record(first, 'active');
        await queue.add('j', null);
        await eventually(
          () => active.length,
          (n) => n === 1,
          { wakeOn: active },
        );
        await first.close(true);
        const done = record(
          open(async () => 'ok', LOCK),
          'completed',
        );
        await eventually(
          () => done.length,
          (n) => n === 1,
          { wakeOn: done },
        );
      }),
  },
  {
    scenario: 'stalled job re-run',
    name: 'sleep(100) + sleep(1000), then count',
    run: (c, id) =>
      withQueue(c, id, async (queue, open) => {
        const first = open(() => new Promise(() => {}), LOCK);
        await queue.add('j', null);
        await sleep(100);
        await first.close(true);
        let done = 0;
        open(async () => 'ok', LOCK).on('completed', () => done++);
        await sleep(1000);
        check(done === 1, `completed ${done} of 1`);
      }),
  },
];

function startLoad(): ChildProcess | undefined {
  if (!withLoad) return undefined;
  const hasStress = spawnSync('stress', ['--version']).status === 0;
  const child = hasStress
    ? spawn('stress', ['--cpu', '1'], { stdio: 'ignore', detached: true })
    : spawn(process.execPath, ['-e', 'for(;;){}'], { stdio: 'ignore', detached: true });
  console.log(`load: ${hasStress ? 'stress --cpu 1' : 'a busy-loop child'} (pid ${child.pid})`);
  return child;
}

const pct = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

async function main(): Promise<void> {
  if (!findRedisServer()) {
    console.log(`SKIPPED: ${INSTALL_HINT}`);
    return;
  }
  const pair = await startRedisPair();
  const c: Conn = { host: '127.0.0.1', port: pair.primaryServer.port, maxRetriesPerRequest: null };
  const load = startLoad();
  const results = new Map<Variant, { times: number[]; failures: string[] }>(
    variants.map((v) => [v, { times: [], failures: [] }]),
  );
  const started = performance.now();
  try {
    for (let i = 0; i < runs; i++) {
      for (const [n, v] of variants.entries()) {
        const t0 = performance.now();
        try {
          await v.run(c, `measure-${process.pid}-${i}-${n}`);
          results.get(v)!.times.push(performance.now() - t0);
        } catch (error) {
          // The message's head and its end reason.
          const text = String((error as Error).message ?? error)
            .split('\n')
            .filter(Boolean);
          results.get(v)!.failures.push(text.slice(0, 2).join(' / '));
        }
      }
    }
  } finally {
    if (load?.pid) process.kill(-load.pid, 'SIGKILL');
    await pair.stop();
  }
  console.log(
    `${runs} runs per variant, ${((performance.now() - started) / 1000).toFixed(0)} s, load average ${loadavg()[0]!.toFixed(1)}\n`,
  );
  console.log('| scenario | variant | runs | failures | p50 | p99 |\n|---|---|---:|---:|---:|---:|');
  for (const v of variants) {
    const r = results.get(v)!;
    const sorted = [...r.times].sort((a, b) => a - b);
    const ms = (x: number | undefined) => (x === undefined ? '–' : `${x.toFixed(0)} ms`);
    console.log(
      `| ${v.scenario} | ${v.name} | ${runs} | ${r.failures.length} | ${ms(sorted.length ? pct(sorted, 50) : undefined)} | ${ms(sorted.length ? pct(sorted, 99) : undefined)} |`,
    );
  }
  for (const v of variants) {
    const f = results.get(v)!.failures;
    if (f.length) console.log(`\n${v.scenario} / ${v.name}: ${[...new Set(f)].slice(0, 3).join('; ')}`);
  }
}

await main();
