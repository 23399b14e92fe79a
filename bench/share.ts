/**
 * The cross-process clock's round trip: `await clock.advanceAsync(1)` on a shared TestClock with 1 and
 * 8 followers (child processes under the preload, each with a 1 ms interval, so every step fires a
 * timer in every follower and waits for every ack), against the physical floor: a bare loopback TCP
 * ping-pong of newline-delimited JSON between two processes.
 *
 * Run: node_modules/.bin/node bench/share.ts   (Node 24: type stripping). UNFLAKE_BENCH_SHARE_N=500.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type Socket } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TestClock } from '../clock/index.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const N = Number(process.env.UNFLAKE_BENCH_SHARE_N ?? 500);
const WARMUP = 50;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
function summarize(samples: number[]): { p50: number; p99: number; mean: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    mean: samples.reduce((a, b) => a + b, 0) / samples.length,
  };
}

/** Two processes, one loopback TCP connection, one JSON line each way per round trip. */
async function floor(): Promise<number[]> {
  const server = createServer({ noDelay: true });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  const echo = `const s = require('net').connect(${port}, '127.0.0.1'); s.setNoDelay(true); let b = '';
    s.on('data', (c) => { b += c; let i; while ((i = b.indexOf('\\n')) >= 0) { const m = JSON.parse(b.slice(0, i)); b = b.slice(i + 1); s.write(JSON.stringify({ type: 'ack', seq: m.seq, pending: 1, nextDue: m.monotonic + 1 }) + '\\n'); } });
    s.on('close', () => process.exit(0));`;
  const child = spawn(process.execPath, ['-e', echo], { stdio: 'inherit' });
  const [socket] = (await once(server, 'connection')) as [Socket];
  socket.setNoDelay(true);
  let buffer = '';
  let waiting: (() => void) | undefined;
  socket.setEncoding('utf8').on('data', (chunk: string) => {
    buffer += chunk;
    const i = buffer.indexOf('\n');
    if (i >= 0) {
      JSON.parse(buffer.slice(0, i));
      buffer = buffer.slice(i + 1);
      waiting?.();
    }
  });
  const samples: number[] = [];
  for (let seq = 1; seq <= N + WARMUP; seq++) {
    const started = performance.now();
    await new Promise<void>((resolve) => {
      waiting = resolve;
      socket.write(`${JSON.stringify({ type: 'step', seq, to: 1_000 + seq, monotonic: seq })}\n`);
    });
    if (seq > WARMUP) samples.push(performance.now() - started);
  }
  socket.end();
  await once(child, 'exit');
  server.close();
  return samples;
}

async function shared(followers: number): Promise<number[]> {
  const clock = new TestClock();
  const share = await clock.share();
  const children: ChildProcess[] = [];
  for (let i = 0; i < followers; i++) {
    children.push(
      spawn(process.execPath, ['--import', join(root, 'clock', 'register.ts'), '-e', 'setInterval(() => {}, 1)'], {
        env: { ...process.env, ...share.env, UNFLAKE_CLOCK_NAME: `bench-${i}` },
        stdio: 'inherit',
      }),
    );
  }
  await share.waitForFollowers(followers, { timeout: 10_000 });
  await clock.waitForTimers(followers, { timeout: 10_000 });
  const samples: number[] = [];
  for (let i = 0; i < N + WARMUP; i++) {
    const started = performance.now();
    await clock.advanceAsync(1);
    if (i >= WARMUP) samples.push(performance.now() - started);
  }
  const exited = children.map((c) => once(c, 'exit'));
  await share.close();
  for (const c of children) c.kill('SIGTERM');
  await Promise.all(exited);
  return samples;
}

const fmt = (ms: number): string => `${ms.toFixed(3)} ms`;
const floorStats = summarize(await floor());
const rows: [string, { p50: number; p99: number; mean: number }, string][] = [
  ['bare loopback JSON ping-pong (floor)', floorStats, ''],
];
for (const [n, goal] of [
  [1, 1],
  [8, 3],
  [32, undefined],
] as const) {
  const stats = summarize(await shared(n));
  rows.push([
    `advanceAsync(1), ${n} follower${n > 1 ? 's' : ''}`,
    stats,
    goal === undefined ? 'no goal set' : `${stats.p50 < goal ? 'met' : 'MISSED'} (p50 < ${goal} ms)`,
  ]);
}
console.log(`\nshared clock round trip, Node ${process.version}, ${N} samples each after ${WARMUP} warm-up\n`);
console.log('| | p50 | p99 | mean | p50 / floor | goal |');
console.log('|---|---|---|---|---|---|');
for (const [label, s, goal] of rows)
  console.log(
    `| ${label} | ${fmt(s.p50)} | ${fmt(s.p99)} | ${fmt(s.mean)} | ${(s.p50 / floorStats.p50).toFixed(1)}× | ${goal} |`,
  );
