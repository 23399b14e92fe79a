/**
 * Names unique to this test run and stable within one worker, for tenants, topics, queues, key and
 * bucket prefixes: the first upgrade, isolate state per worker.
 */
import { randomBytes } from '../lazyRequire.ts';
import { workerThreads } from '../runtime/builtins.ts';
import { currentTestState } from '../runner/testState.ts';

export const RUN_ID_ENV = 'UNFLAKE_RUN_ID';
const ENV_DATA_KEY = 'unflake.runId';

/** Lower-case letters, digits and `-` only: see `workerNamespace`. */
export function sanitize(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^-+|-+$/g, '');
}

/**
 * The id of this run, shared by every process of the run that inherits it:
 *  1. `UNFLAKE_RUN_ID` from the environment (set it in CI to the pipeline/job id, or to a shard salt);
 *  2. one generated earlier in this process (kept in `worker_threads` environment data, which Jest's
 *     per-file copy of `process.env` does not hide);
 *  3. otherwise 8 random base-36 characters, written to `process.env.UNFLAKE_RUN_ID` and to the
 *     environment data, so workers and child processes started from now on inherit it.
 *
 * Workers inherit it only if it exists in the runner's main process before they start: `unflake/reporter`
 * calls this in its constructor (Vitest and Jest build reporters before spawning workers), and so
 * can a config file or `globalSetup`. Without that, each worker makes its own: still unique to the run,
 * just not one id for all workers.
 */
export function runId(): string {
  const fromEnv = process.env[RUN_ID_ENV];
  if (fromEnv && sanitize(fromEnv)) return sanitize(fromEnv).slice(0, 16);
  let id: unknown;
  try {
    id = workerThreads().getEnvironmentData(ENV_DATA_KEY);
  } catch {
    id = undefined;
  }
  if (typeof id !== 'string' || !id) {
    const bytes = randomBytes(8);
    id = Array.from(bytes, (b) => (b % 36).toString(36)).join('');
    try {
      workerThreads().setEnvironmentData(ENV_DATA_KEY, id as string);
    } catch {
      /* very old runtimes: process.env alone */
    }
  }
  process.env[RUN_ID_ENV] = id as string;
  return id as string;
}

/** Which worker of the test run this process (or thread) is, and which runner said so. */
export interface WorkerIdentity {
  /** The runner whose variable said which worker this is, or `pid` for the fallback. */
  source: 'vitest' | 'jest' | 'playwright' | 'mocha' | 'pid';
  /** 1-based worker index (Vitest `VITEST_POOL_ID`, Jest `JEST_WORKER_ID`), or the pid. */
  index: number;
}

/**
 * Which worker this is. `VITEST_POOL_ID` (1..maxWorkers, reused when a worker is replaced), not
 * `VITEST_WORKER_ID` (grows with every new worker); `JEST_WORKER_ID` (1 for every test in-band);
 * Playwright `TEST_PARALLEL_INDEX` + 1; Mocha `MOCHA_WORKER_ID`; else the process id.
 */
export function currentWorker(): WorkerIdentity {
  const env = process.env;
  const read = (value: string | undefined, offset = 0): number | undefined =>
    value && /^\d+$/.test(value) ? Number(value) + offset : undefined;
  const vitest = read(env.VITEST_POOL_ID);
  if (vitest !== undefined) return { source: 'vitest', index: vitest };
  const jest = read(env.JEST_WORKER_ID);
  if (jest !== undefined) return { source: 'jest', index: jest };
  const playwright = read(env.TEST_PARALLEL_INDEX, 1);
  if (playwright !== undefined) return { source: 'playwright', index: playwright };
  const mocha = read(env.MOCHA_WORKER_ID, 1);
  if (mocha !== undefined) return { source: 'mocha', index: mocha };
  return { source: 'pid', index: process.pid };
}

/** Names for shared resources that no other worker of the same run, and no other run, can collide with. */
export interface WorkerNamespace {
  /** `<prefix>-<run id>-w<worker>`, e.g. `orders-k3j9x2ab-w2`: [a-z0-9-], starts with a letter, ≤ 40 characters. */
  readonly id: string;
  /** The prefix as given, sanitised (lower case, [a-z0-9-], starting with a letter). */
  readonly prefix: string;
  /** The test run's id, shared by its workers (`UNFLAKE_RUN_ID`, or made once per run). */
  readonly runId: string;
  /** The worker this namespace belongs to. */
  readonly worker: WorkerIdentity;
  /** `<id>-<suffix>` (suffix sanitised the same way), ≤ 63 characters: a topic, queue, bucket, tenant or schema name. */
  name(suffix: string): string;
  /** As `name()`, with `_` for `-`: an unquoted SQL identifier (Postgres schema, database, table prefix). */
  sqlName(suffix?: string): string;
  /** The `id`, so the namespace can be used in a template string. */
  toString(): string;
}

export const NAMESPACE_MAX = 40;
export const NAME_MAX = 63;

/** The namespaces the running test created (testNamespace, and workerNamespace inside a test), for its fingerprint. */
export const NAMESPACES_KEY = 'namespaces';

function recordInTest(id: string): void {
  const values = currentTestState()?.values;
  if (!values) return;
  const ids = (values.get(NAMESPACES_KEY) as string[] | undefined) ?? [];
  if (!ids.includes(id)) values.set(NAMESPACES_KEY, [...ids, id]);
}

/** `<head><tail>` within NAMESPACE_MAX, with `name()` and `sqlName()`; `where` names the caller in errors. */
export function buildNamespace(where: string, prefix: unknown, tail: string, record = true): WorkerNamespace {
  if (typeof prefix !== 'string') throw new TypeError(`${where}: \`prefix\` must be a string, got ${typeof prefix}.`);
  let head = sanitize(prefix) || 't';
  if (!/^[a-z]/.test(head)) head = `t-${head}`;
  head = head.slice(0, Math.max(1, NAMESPACE_MAX - tail.length)).replace(/-+$/, '');
  const id = `${head}${tail}`.slice(0, NAMESPACE_MAX);
  const name = (suffix: string): string => {
    if (typeof suffix !== 'string' || !sanitize(suffix))
      throw new TypeError(
        `${where}.name(): \`suffix\` must be a non-empty string with at least one letter or digit, got ${JSON.stringify(suffix)}.`,
      );
    const full = `${id}-${sanitize(suffix)}`;
    if (full.length > NAME_MAX)
      throw new TypeError(
        `${where}.name(): "${full}" is ${full.length} characters; names are at most ${NAME_MAX} (DNS labels, S3 buckets, Postgres identifiers). Use a shorter suffix or prefix.`,
      );
    return full;
  };
  if (record) recordInTest(id);
  return Object.freeze({
    id,
    prefix: head,
    runId: runId(),
    worker: currentWorker(),
    name,
    sqlName: (suffix?: string) => (suffix === undefined ? id : name(suffix)).replace(/-/g, '_'),
    toString: () => id,
  });
}

/** `-<run id>-w<worker>` (or `-p<pid>` without a runner's worker id). */
export function workerTail(): string {
  const worker = currentWorker();
  return `-${runId()}-${worker.source === 'pid' ? `p${worker.index}` : `w${worker.index}`}`;
}

/**
 * A namespace unique to this run and stable within this worker (the same in every test file the
 * worker runs), so parallel workers and concurrent CI runs never share a tenant, a topic or a key.
 *
 * Characters: lower-case `a-z`, digits and `-`, starting with a letter, at most 40 (`name()` at most
 * 63). That is the intersection of what the usual targets accept unquoted: Kafka topics
 * (`[a-zA-Z0-9._-]`, ≤ 249, where `.` and `_` collide in metric names), Redis keys (anything, but
 * `:` is the conventional separator you add yourself), S3 prefixes and bucket names (lower case,
 * `-`, no `_`, 3-63), DNS labels and Kubernetes namespaces (`[a-z0-9-]`, ≤ 63, start with a letter
 * here), RabbitMQ and NATS names (no `.`/`*`/`>` wildcards). Upper case is folded because S3 buckets and
 * DNS are case-insensitive; anything else becomes `-`. For SQL identifiers use `sqlName()`. For a
 * name of one test (and one attempt), use `testNamespace()`.
 *
 * @example const ns = workerNamespace('orders'); await kafka.createTopic(ns.name('events'))
 */
export function workerNamespace(prefix = 't'): WorkerNamespace {
  return buildNamespace('workerNamespace()', prefix, workerTail());
}

/** The default worker namespace's id, without counting it as one the running test created. */
export function defaultNamespaceId(): string {
  return buildNamespace('workerNamespace()', 't', workerTail(), false).id;
}
