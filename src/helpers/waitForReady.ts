/**
 * waitForReady: wait on a service's health *contract* (HTTP success, overall status ok, every
 * dependency check ok, the expected build) instead of on wall-clock time.
 *
 * It runs on the poll engine, on real time whatever fake timers a test installed, with the engine's
 * own exponential backoff with jitter (p-retry would freeze under fake timers and is ESM-only). Inside
 * a test it ends before the test's own timeout, like every eventual assertion.
 */
import { inspect } from 'node:util';
import { normalizeOptions } from '../options/normalizeOptions.ts';
import type { Backoff, Interval } from '../options/types.ts';
import { poll } from '../poll/poll.ts';
import type { EndReason } from '../poll/PollResult.ts';
import { formatDuration } from '../report/formatDuration.ts';
import { currentTestState, currentTestWindow, startWork } from '../runner/testState.ts';
import { trackAwait } from '../runner/trackAwait.ts';
import { brand, hasBrand } from '../runtime/brand.ts';
import { monotonicNow } from '../time/realTime.ts';
import { fingerprintSection } from './fingerprint.ts';
import { withTraceHeaders } from './testTrace.ts';
import { buildMatches, checkBuildField, describeBuildLookup, readHealth, type BuildField, type HealthCheck, type HealthReading, BUILD_HEADERS } from './health.ts';
import { httpGet, type HttpOutcome } from './httpAttempt.ts';

/** What a `probe` returns: a response-like object, or a fetch `Response`. Throwing means "not yet". */
export interface HealthResponseLike {
  status: number;
  /** A parsed JSON body, or its text. */
  body?: unknown;
  headers?: Record<string, string | undefined> | { get(name: string): string | null };
}

export type HealthProbe = (context: { signal: AbortSignal; attempt: number }) => HealthResponseLike | Response | Promise<HealthResponseLike | Response>;

export interface WaitForReadyOptions {
  /** Overall window in ms. Default 60 000 (and never past the running test's own timeout). */
  timeout?: number;
  /** The build the service must report (a git SHA, a release id); a different one is a stale build. */
  expectedBuild?: string | undefined;
  /**
   * Where the service reports its build: a dotted path into the body (`'meta.release.sha'`) or a
   * function `(body, headers) => string | undefined`. Default: the first of `buildSha`, `gitSha`,
   * `commitSha`, `sha`, `commit`, … `version` (BUILD_PATHS in health.ts) and the `x-build-id` header.
   */
  buildField?: BuildField | undefined;
  /** Only these checks are required (each must be present and ok); by default every check must be ok. */
  checks?: readonly string[];
  /** Request headers (authorization, host, …). */
  headers?: Record<string, string>;
  /** Pause between attempts. Default: backoff `{ initial: 100, factor: 2, max: 2000, jitter: 0.2 }`. */
  interval?: Interval;
  /** Per-attempt (per-address) limit in ms for a response. Default 5000. */
  attemptTimeout?: number;
  /** Ends the wait (as a failure) when aborted. */
  signal?: AbortSignal;
}

export const DEFAULT_READY_BACKOFF: Required<Backoff> = { initial: 100, factor: 2, max: 2_000, jitter: 0.2 };
export const DEFAULT_READY_TIMEOUT = 60_000;
const DEFAULT_ATTEMPT_TIMEOUT = 5_000;
const BODY_LINES = 30;
const BODY_CHARS = 2_000;

/** Why one attempt was not ready; a service can fail several at once. */
export type NotReadyReason =
  | { kind: 'unreachable'; error: string }
  | { kind: 'http-status'; status: number }
  | { kind: 'status-not-ok'; status: string }
  | { kind: 'checks-failing'; checks: HealthCheck[] }
  | { kind: 'checks-missing'; names: string[] }
  | { kind: 'stale-build'; found: string; source: string; expected: string }
  | { kind: 'no-build'; expected: string; lookedAt: string; problem?: string | undefined }
  | { kind: 'probe-error'; error: string };

export interface ReadinessAttempt {
  attempt: number;
  /** ms since the wait started. */
  at: number;
  ready: boolean;
  reasons: NotReadyReason[];
  address?: string | undefined;
  httpStatus?: number | undefined;
  /** Errors of other addresses tried in the same attempt (`localhost`: 127.0.0.1 and ::1). */
  alsoTried?: string[] | undefined;
  health?: HealthReading | undefined;
  build?: string | undefined;
  body?: string | undefined;
  bodyTruncated?: boolean | undefined;
}

export interface ReadyResult {
  url: string;
  attempts: number;
  elapsed: number;
  build: string | undefined;
  health: HealthReading | undefined;
}

/** The service did not become ready; carries every attempt. */
export class ReadinessError extends Error {
  override name = 'ReadinessError';
  readonly target: string;
  readonly reason: EndReason;
  readonly elapsed: number;
  readonly attempts: readonly ReadinessAttempt[];
  readonly last: ReadinessAttempt | undefined;
  constructor(message: string, target: string, reason: EndReason, elapsed: number, attempts: ReadinessAttempt[]) {
    super(message);
    this.target = target;
    this.reason = reason;
    this.elapsed = elapsed;
    this.attempts = attempts;
    this.last = attempts[attempts.length - 1];
    brand(this, 'ReadinessError');
  }
  /** `instanceof` by brand, across copies of the library (ESM/CJS, entry points). */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasBrand(value, 'ReadinessError');
  }
}

const WHERE = 'waitForReady()';
const OPTION_KEYS = new Set(['timeout', 'expectedBuild', 'buildField', 'checks', 'headers', 'interval', 'attemptTimeout', 'signal']);

function validate(target: unknown, options: unknown): { url?: URL; probe?: HealthProbe; options: WaitForReadyOptions } {
  if (options !== undefined && (typeof options !== 'object' || options === null || Array.isArray(options))) throw new TypeError(`${WHERE}: \`options\` must be an object, got ${typeof options}.`);
  const o = (options ?? {}) as WaitForReadyOptions & Record<string, unknown>;
  for (const key of Object.keys(o)) if (!OPTION_KEYS.has(key)) throw new TypeError(`${WHERE}: unknown option \`${key}\`. Known options: ${[...OPTION_KEYS].join(', ')}.`);
  if (o.expectedBuild !== undefined && (typeof o.expectedBuild !== 'string' || o.expectedBuild.trim() === '')) throw new TypeError(`${WHERE}: \`expectedBuild\` must be a non-empty string (a git SHA or release id), got ${inspect(o.expectedBuild)}.`);
  checkBuildField(WHERE, o.buildField);
  if (o.checks !== undefined && (!Array.isArray(o.checks) || o.checks.some((c) => typeof c !== 'string' || c === ''))) throw new TypeError(`${WHERE}: \`checks\` must be an array of check names, such as ['db', 'broker'].`);
  if (o.headers !== undefined && (typeof o.headers !== 'object' || o.headers === null || Object.values(o.headers).some((v) => typeof v !== 'string'))) throw new TypeError(`${WHERE}: \`headers\` must be an object of string values.`);
  if (o.attemptTimeout !== undefined && !(typeof o.attemptTimeout === 'number' && o.attemptTimeout > 0 && Number.isFinite(o.attemptTimeout))) throw new TypeError(`${WHERE}: \`attemptTimeout\` must be a positive number of ms, got ${inspect(o.attemptTimeout)}.`);
  if (typeof target === 'function') return { probe: target as HealthProbe, options: o };
  if (typeof target === 'string' || target instanceof URL) {
    let url: URL;
    try {
      url = new URL(String(target));
    } catch {
      throw new TypeError(`${WHERE}: \`url\` must be an absolute http(s) URL such as http://localhost:8080/health, got ${inspect(target)}.`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError(`${WHERE}: \`url\` must use http: or https:, got ${url.protocol}`);
    return { url, options: o };
  }
  throw new TypeError(`${WHERE}: the first argument must be a health URL or a probe function returning { status, body, headers }, got ${inspect(target)}.`);
}

function lowerHeaders(headers: HealthResponseLike['headers']): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  if (!headers) return out;
  if (typeof (headers as { forEach?: unknown }).forEach === 'function') {
    // A fetch Headers: every header, so a `buildField` function can read any of them.
    (headers as Headers).forEach((value, name) => (out[name.toLowerCase()] = value));
    return out;
  }
  if (typeof (headers as { get?: unknown }).get === 'function') {
    for (const name of BUILD_HEADERS) out[name] = (headers as { get(n: string): string | null }).get(name) ?? undefined;
    return out;
  }
  for (const [k, v] of Object.entries(headers)) out[k.toLowerCase()] = v as string | undefined;
  return out;
}

function parseBody(text: string | undefined): unknown {
  if (text === undefined || text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Judges one response against the contract. */
export function judge(httpStatus: number, body: unknown, headers: Record<string, string | undefined>, options: Pick<WaitForReadyOptions, 'checks' | 'expectedBuild' | 'buildField'>): { reasons: NotReadyReason[]; health: HealthReading; build: string | undefined } {
  const health = readHealth(body, headers, options.buildField);
  const reasons: NotReadyReason[] = [];
  const required = options.checks;
  const isHealthBody = health.rawStatus !== undefined || health.checks.length > 0;
  // With `checks`, an aggregate 503 (Spring, IETF: some other component is down) still says what the required ones are.
  const statusOk = (httpStatus >= 200 && httpStatus < 300) || (required !== undefined && httpStatus === 503 && isHealthBody);
  if (!statusOk) reasons.push({ kind: 'http-status', status: httpStatus });
  if (required === undefined) {
    if (health.status === 'not-ok') reasons.push({ kind: 'status-not-ok', status: health.rawStatus ?? 'unknown' });
    const failing = health.checks.filter((c) => !c.ok);
    if (failing.length) reasons.push({ kind: 'checks-failing', checks: failing });
  } else {
    const missing = required.filter((name) => !health.checks.some((c) => c.name === name));
    if (missing.length) reasons.push({ kind: 'checks-missing', names: missing });
    const failing = health.checks.filter((c) => required.includes(c.name) && !c.ok);
    if (failing.length) reasons.push({ kind: 'checks-failing', checks: failing });
  }
  const first = health.builds[0];
  if (options.expectedBuild !== undefined) {
    const match = health.builds.find((b) => buildMatches(b.value, options.expectedBuild!));
    if (match) return { reasons, health, build: match.value };
    if (first) reasons.push({ kind: 'stale-build', found: first.value, source: first.source, expected: options.expectedBuild });
    else reasons.push({ kind: 'no-build', expected: options.expectedBuild, lookedAt: describeBuildLookup(options.buildField), problem: health.buildProblem });
  }
  return { reasons, health, build: first?.value };
}

async function readProbeResponse(response: HealthResponseLike | Response): Promise<{ status: number; body: unknown; text: string | undefined; headers: Record<string, string | undefined> }> {
  if (typeof response !== 'object' || response === null || typeof (response as { status?: unknown }).status !== 'number') {
    throw new TypeError(`${WHERE}: the probe must return { status: number, body?, headers? } or a fetch Response, got ${inspect(response, { depth: 1 })}.`);
  }
  if (typeof (response as Response).text === 'function' && !('body' in response && typeof (response as HealthResponseLike).body !== 'object')) {
    const text = await (response as Response).text();
    return { status: response.status, body: parseBody(text), text, headers: lowerHeaders((response as Response).headers) };
  }
  const like = response as HealthResponseLike;
  const body = typeof like.body === 'string' ? parseBody(like.body) : like.body;
  return { status: like.status, body, text: like.body === undefined ? undefined : typeof like.body === 'string' ? like.body : JSON.stringify(like.body, null, 2), headers: lowerHeaders(like.headers) };
}

function errorText(error: unknown): string {
  const code = (error as { code?: unknown })?.code;
  const message = error instanceof Error ? error.message : String(error);
  return typeof code === 'string' ? (message.includes(code) ? message : `${code} ${message}`) : message;
}

/**
 * Waits until the service is ready, and resolves to what it reported; rejects with a
 * `ReadinessError` whose message is a timeline of attempts, the last body and the failing checks.
 *
 * @example await waitForReady('http://localhost:8080/health', { expectedBuild: process.env.GIT_SHA, timeout: 60_000 })
 */
export function waitForReady(target: string | URL | HealthProbe, options?: WaitForReadyOptions): Promise<ReadyResult> {
  const test = currentTestState();
  const run = waitUntilReady(target, options);
  if (!test) return run;
  const label = typeof target === 'string' || target instanceof URL ? String(target) : 'probe';
  return trackAwait(startWork(test, () => `waitForReady(${label})`), run, () => ({ passed: true }));
}

async function waitUntilReady(target: string | URL | HealthProbe, options?: WaitForReadyOptions): Promise<ReadyResult> {
  const { url, probe, options: o } = validate(target, options);
  const label = url ? url.href : 'probe';
  const settings = {
    ...normalizeOptions(WHERE, 'eventually', { timeout: o.timeout ?? DEFAULT_READY_TIMEOUT, interval: o.interval ?? DEFAULT_READY_BACKOFF, ...(o.signal ? { signal: o.signal } : {}) }),
    // The attempt bounds itself (per address), so a slow response is recorded as such; configure() defaults do not apply here.
    attemptTimeout: undefined,
    maxAttempts: undefined,
    ignore: undefined,
    context: undefined,
  };
  const attemptTimeout = o.attemptTimeout ?? Math.min(DEFAULT_ATTEMPT_TIMEOUT, settings.window);
  // The test's traceparent, so the service's logs of these probes are found from the failure.
  const headers = withTraceHeaders(o.headers);
  const attempts: ReadinessAttempt[] = [];
  const start = monotonicNow();

  const attemptOnce = async ({ signal, attempt }: { signal: AbortSignal; attempt: number }): Promise<ReadinessAttempt> => {
    const at = monotonicNow() - start;
    let record: ReadinessAttempt;
    if (url) {
      const { outcome, tried } = await httpGet(url, headers, attemptTimeout, signal);
      // Abandoned by the poll (deadline, abort, test end): the report says so; it is not an observation.
      if (signal.aborted) return { attempt, at, ready: false, reasons: [{ kind: 'unreachable', error: 'abandoned' }] };
      const alsoTried = tried.filter((t) => t !== outcome).map((t) => `${t.address}: ${t.error ?? t.status}`);
      record = outcomeToAttempt(attempt, at, outcome, alsoTried, o);
    } else {
      try {
        const response = await readProbeResponse(await probe!({ signal, attempt }));
        const verdict = judge(response.status, response.body, response.headers, o);
        record = { attempt, at, ready: verdict.reasons.length === 0, reasons: verdict.reasons, httpStatus: response.status, health: verdict.health, build: verdict.build, body: response.text };
      } catch (error) {
        if (error instanceof TypeError && error.message.startsWith(WHERE)) throw error;
        record = { attempt, at, ready: false, reasons: [{ kind: 'probe-error', error: errorText(error) }] };
      }
    }
    attempts.push(record);
    return record;
  };

  const result = await poll<ReadinessAttempt>({
    probe: attemptOnce,
    holds: (record) => record.ready,
    // A probe returning a malformed response is a bug in the test, not "not yet".
    goal: 'eventually',
    settings: { ...settings, ignore: (error) => !(error instanceof TypeError && error.message.startsWith(WHERE)) },
    testWindow: currentTestState()?.window() ?? currentTestWindow(),
    testEnded: currentTestState()?.ended,
  });
  const elapsed = monotonicNow() - start;
  if (result.passed) {
    const last = attempts[attempts.length - 1]!;
    return { url: label, attempts: result.attempts, elapsed, build: last.build, health: last.health };
  }
  if (result.reason.kind === 'not-ignorable') throw result.reason.error;
  // Ended by its test's end (or an abort): never "ready"; ReadinessError says why it stopped.
  throw new ReadinessError(formatReadinessReport(label, result.reason, elapsed, attempts, settings.interval, result.inFlightAtEnd), label, result.reason, elapsed, attempts);
}

function outcomeToAttempt(attempt: number, at: number, outcome: HttpOutcome, alsoTried: string[], o: WaitForReadyOptions): ReadinessAttempt {
  if (outcome.status === undefined) {
    return { attempt, at, ready: false, reasons: [{ kind: 'unreachable', error: `${outcome.error ?? 'no response'} ${outcome.address}` }], address: outcome.address, alsoTried: alsoTried.length ? alsoTried : undefined };
  }
  const verdict = judge(outcome.status, parseBody(outcome.text), outcome.headers ?? {}, o);
  return {
    attempt,
    at,
    ready: verdict.reasons.length === 0,
    reasons: verdict.reasons,
    address: outcome.address,
    httpStatus: outcome.status,
    alsoTried: alsoTried.length ? alsoTried : undefined,
    health: verdict.health,
    build: verdict.build,
    body: outcome.text,
    bodyTruncated: outcome.truncated,
  };
}

// ---------------------------------------------------------------- report

function describeReason(reason: NotReadyReason): string {
  switch (reason.kind) {
    case 'unreachable':
      return `unreachable (${reason.error})`;
    case 'http-status':
      return `HTTP ${reason.status}`;
    case 'status-not-ok':
      return `status ${reason.status}`;
    case 'checks-failing':
      return `failing: ${reason.checks.map((c) => `${c.name} ${c.status}`).join(', ')}`;
    case 'checks-missing':
      return `missing check${reason.names.length === 1 ? '' : 's'}: ${reason.names.join(', ')}`;
    case 'stale-build':
      return `stale build ${reason.found} ≠ expected ${reason.expected}`;
    case 'no-build':
      return `no build id (expected ${reason.expected}${reason.problem ? `; ${reason.problem}` : ''})`;
    case 'probe-error':
      return `probe threw: ${reason.error}`;
  }
}

function headline(reason: NotReadyReason): string {
  switch (reason.kind) {
    case 'stale-build':
      return `Stale build: the service reports ${reason.found} (${reason.source}), expected ${reason.expected}. An old version is still serving (a stale preview or container?).`;
    case 'no-build':
      return `No build id in the response, expected ${reason.expected} (${reason.problem ?? reason.lookedAt}).`;
    case 'unreachable':
      return `Unreachable: ${reason.error}. Nothing answered on the last attempt.`;
    default:
      return `Not ready: ${describeReason(reason)}.`;
  }
}

function summarize(a: ReadinessAttempt): string {
  if (a.ready) return 'ready';
  const parts: string[] = [];
  if (a.httpStatus !== undefined) parts.push(String(a.httpStatus));
  if (a.health?.rawStatus !== undefined) parts.push(`status ${a.health.rawStatus}`);
  for (const reason of a.reasons) if (reason.kind !== 'http-status' && reason.kind !== 'status-not-ok') parts.push(describeReason(reason));
  if (a.build !== undefined && !a.reasons.some((r) => r.kind === 'stale-build')) parts.push(`build ${a.build}`);
  if (a.alsoTried?.length) parts.push(`(also tried ${a.alsoTried.join('; ')})`);
  return parts.join('  ');
}

function timelineOf(attempts: ReadinessAttempt[]): string {
  const rows: { first: ReadinessAttempt; last: ReadinessAttempt; count: number; text: string }[] = [];
  for (const a of attempts) {
    const text = summarize(a);
    const previous = rows[rows.length - 1];
    if (previous && previous.text === text) {
      previous.last = a;
      previous.count++;
    } else rows.push({ first: a, last: a, count: 1, text });
  }
  const shown = rows.length > 20 ? [...rows.slice(0, 8), undefined, ...rows.slice(-11)] : rows;
  return shown
    .map((row) => {
      if (!row) return `  … ${rows.length - 19} more rows`;
      const range = row.count === 1 ? `#${row.first.attempt}` : `#${row.first.attempt}-${row.last.attempt}`;
      return `  ${formatDuration(row.first.at).padStart(8)}  ${range.padEnd(8)}  ${row.text}${row.count > 1 ? `  ×${row.count}` : ''}`;
    })
    .join('\n');
}

function bodyExcerpt(text: string, truncated: boolean | undefined): string {
  let shown = text;
  try {
    shown = JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    /* not JSON: as it came */
  }
  const lines = shown.split('\n');
  let out = lines.slice(0, BODY_LINES).join('\n');
  if (out.length > BODY_CHARS) out = out.slice(0, BODY_CHARS);
  const cut = truncated || out.length < shown.length;
  return `${out.split('\n').map((l) => `  ${l}`).join('\n')}${cut ? `\n  … (truncated; ${text.length}${truncated ? '+' : ''} characters in all)` : ''}`;
}

function backoffText(interval: Interval): string {
  if (typeof interval === 'number') return `every ${interval} ms`;
  if (Array.isArray(interval)) return `pauses ${interval.join(', ')} ms`;
  const b = interval as Backoff;
  return `backoff ${b.initial} ms ×${b.factor ?? 2} → ${b.max ?? '∞'} ms${b.jitter ? ` ±${Math.round(b.jitter * 100)}%` : ''}`;
}

export function formatReadinessReport(label: string, reason: EndReason, elapsed: number, attempts: ReadinessAttempt[], interval: Interval, inFlightAtEnd: boolean): string {
  const n = attempts.length;
  const end =
    reason.kind === 'timeout'
      ? reason.limit === 'test'
        ? `stopped after ${formatDuration(elapsed)}, ${reason.margin} ms before the test's own ${reason.testTimeout} ms timeout`
        : `timed out after ${formatDuration(elapsed)} (timeout: ${reason.window} ms)`
      : reason.kind === 'test-ended'
        ? `was stopped after ${formatDuration(elapsed)}: its test ended while it was still waiting (a forgotten await?)`
        : reason.kind === 'aborted'
        ? `was aborted after ${formatDuration(elapsed)}${reason.reason === undefined ? '' : `: ${reason.reason instanceof Error ? reason.reason.message : String(reason.reason)}`}`
        : `ended after ${formatDuration(elapsed)} (${reason.kind})`;
  const sections: string[] = [`waitForReady(${label}) ${end}: never ready in ${n} attempt${n === 1 ? '' : 's'} (${backoffText(interval)}).`];
  const last = attempts[n - 1];
  if (last) {
    // A stale build is its own failure and the likeliest to mislead: said first.
    const buildFirst = [...last.reasons].sort((a, b) => Number(b.kind === 'stale-build' || b.kind === 'no-build') - Number(a.kind === 'stale-build' || a.kind === 'no-build'));
    sections.push(buildFirst.map(headline).join('\n'));
    if (last.httpStatus !== undefined) {
      const lines = [`Last response (attempt #${last.attempt}, ${last.address ?? 'probe'}): HTTP ${last.httpStatus}${last.health?.rawStatus !== undefined ? `, status ${last.health.rawStatus}` : ''}`];
      if (last.health?.checks.length) lines.push(`  checks  ${last.health.checks.map((c) => `${c.name}: ${c.status}`).join(' · ')}`);
      if (last.health?.builds.length) lines.push(`  build   ${last.health.builds.map((b) => `${b.value} (${b.source})`).join(', ')}`);
      sections.push(lines.join('\n'));
    }
    const failing = last.reasons.flatMap((r) => (r.kind === 'checks-failing' ? r.checks : []));
    if (failing.length) {
      sections.push(`Failing checks:\n${failing.map((c) => `  ${c.name}: ${c.status}${c.details === undefined ? '' : `  ${inspect(c.details, { depth: 4, breakLength: Number.POSITIVE_INFINITY, compact: true })}`}`).join('\n')}`);
    }
  }
  if (inFlightAtEnd) sections.push(`Attempt #${n + 1} was still waiting for a response at the deadline (attemptTimeout gives each response up to its own limit).`);
  if (n) sections.push(`Attempts (${n}):\n${timelineOf(attempts)}`);
  const withBody = [...attempts].reverse().find((a) => a.body !== undefined && a.body !== '');
  if (withBody) sections.push(`Last body (attempt #${withBody.attempt}, HTTP ${withBody.httpStatus}):\n${bodyExcerpt(withBody.body!, withBody.bodyTruncated)}`);
  const fingerprint = fingerprintSection();
  if (fingerprint) sections.push(fingerprint);
  return sections.join('\n\n');
}
