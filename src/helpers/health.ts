/**
 * Health payloads in the formats services actually return, reduced to one verdict:
 * `{ status, checks }` (checks as an object or an array, MicroProfile style), Spring Boot Actuator
 * (`{ status: 'UP', components: { db: { status: 'UP' } } }`, nested), and the IETF health-check draft
 * (`{ status: 'pass', checks: { 'db:responseTime': [{ status: 'pass' }] }, releaseId }`), ASP.NET Core
 * (`{ status: 'Healthy', entries: { db: { status: 'Healthy' } } }`). Which fields say health, and how
 * their values read, is healthStatus.ts' rule, for the body and for each check alike.
 */

import { readBuilds, describeBuildLookup, type BuildField, type BuildId } from './buildId.ts';

export {
  BUILD_HEADERS,
  BUILD_PATHS,
  checkBuildField,
  describeBuildLookup,
  type BuildField,
  type BuildId,
} from './buildId.ts';

import { isStatusWord, normalizeStatus, recordStatus, type HealthStatus } from './healthStatus.ts';

export { HEALTH_FIELDS, normalizeStatus, type HealthStatus } from './healthStatus.ts';

/** One component's check in a health body (Spring Actuator, IETF health+json, a flat `{ db: 'ok' }`). */
export interface HealthCheck {
  /** Component name: `db`, `broker.kafka` (nested Spring components), `db` for IETF `db:responseTime`. */
  name: string;
  /** Whether the status reads as healthy (`UP`, `pass`, `ok`, `true`, …). */
  ok: boolean;
  /** The status as the service wrote it. */
  status: string;
  /** The check's own payload (details, observedValue, output, …), for the failure report. */
  details: unknown;
}

/** What one health response said, read from the common body shapes and build headers. */
export interface HealthReading {
  /** The overall status, normalised; `'absent'` when the body has none. */
  status: HealthStatus;
  /** The overall status as written, when there is one. */
  rawStatus: string | undefined;
  /** Every component check found. */
  checks: HealthCheck[];
  /** Every build identifier found, in the order of `BUILD_PATHS` (or the one `buildField` names). */
  builds: BuildId[];
  /** Why `buildField` gave no id although something was there (it threw, or the path holds an object). */
  buildProblem?: string | undefined;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const statusText = (value: unknown): string =>
  value === undefined ? 'no status' : typeof value === 'string' ? value : JSON.stringify(value);

/** The status of one check entry: a record read by healthStatus.ts' rule (every health field), a bare word, or an IETF array of measurements. */
function entryStatus(entry: unknown): { ok: boolean; status: string } {
  if (Array.isArray(entry)) {
    const parts = entry.map(entryStatus);
    const bad = parts.find((p) => !p.ok);
    return bad ?? { ok: parts.length > 0, status: parts[0]?.status ?? 'empty' };
  }
  if (isRecord(entry)) {
    const { status, raw } = recordStatus(entry);
    return { ok: status === 'ok', status: raw ?? 'no status' };
  }
  return { ok: normalizeStatus(entry) === 'ok', status: statusText(entry) };
}

function detailsOf(entry: unknown): unknown {
  if (!isRecord(entry)) return entry;
  const { status: _status, components: _components, ...rest } = entry;
  return Object.keys(rest).length ? rest : undefined;
}

/** Spring Boot `components`, nested components flattened as `parent.child` after their parent. */
function springComponents(components: Record<string, unknown>, prefix: string, out: HealthCheck[]): void {
  for (const [key, entry] of Object.entries(components)) {
    const name = prefix ? `${prefix}.${key}` : key;
    const { ok, status } = entryStatus(entry);
    out.push({ name, ok, status, details: detailsOf(entry) });
    if (isRecord(entry) && isRecord(entry.components)) springComponents(entry.components, name, out);
  }
}

function readChecks(body: Record<string, unknown>): HealthCheck[] {
  const out: HealthCheck[] = [];
  const { components, details } = body;
  // ASP.NET Core's health report writes its checks as `entries`.
  const checks = body.checks ?? (isRecord(body.entries) ? body.entries : undefined);
  if (Array.isArray(checks)) {
    checks.forEach((entry, index) => {
      const named = isRecord(entry) ? (entry.name ?? entry.component ?? entry.componentId ?? entry.id) : undefined;
      const { ok, status } = entryStatus(entry);
      out.push({
        name: typeof named === 'string' ? named : `#${index + 1}`,
        ok,
        status,
        details: isRecord(entry) ? (entry.details ?? entry.data ?? entry.output) : entry,
      });
    });
  } else if (isRecord(checks)) {
    // IETF: "<component>:<measurement>" keys; several measurements of one component merge into one check.
    const merged = new Map<string, { entries: unknown[]; keys: string[] }>();
    for (const [key, entry] of Object.entries(checks)) {
      const name = key.includes(':') ? key.slice(0, key.indexOf(':')) : key;
      const slot = merged.get(name) ?? { entries: [], keys: [] };
      slot.entries.push(entry);
      slot.keys.push(key);
      merged.set(name, slot);
    }
    for (const [name, { entries, keys }] of merged) {
      const { ok, status } = entryStatus(entries.length === 1 ? entries[0] : entries.flat());
      out.push({
        name,
        ok,
        status,
        details:
          keys.length === 1 && keys[0] === name
            ? detailsOf(entries[0])
            : Object.fromEntries(keys.map((k, i) => [k, entries[i]])),
      });
    }
  }
  if (isRecord(components)) springComponents(components, '', out);
  // Spring Boot 1.x put components beside `status` under `details`.
  else if (!checks && isRecord(details) && Object.values(details).every((d) => isRecord(d) && 'status' in d))
    springComponents(details, '', out);
  return out;
}

/** Reads a parsed body (or undefined for a non-JSON one) and the response headers (lower-case names). */
export function readHealth(
  body: unknown,
  headers: Record<string, string | undefined> = {},
  buildField?: BuildField,
): HealthReading {
  // A text body counts only when it is a status word ("OK", "UP", "DOWN"); other text (and a JSON array or scalar) leaves it to the HTTP status.
  const text = typeof body === 'string' && isStatusWord(body) ? body.trim() : undefined;
  const overall = isRecord(body)
    ? recordStatus(body)
    : text !== undefined
      ? { status: normalizeStatus(text), raw: text }
      : { status: 'absent' as const, raw: undefined };
  return {
    status: overall.status,
    rawStatus: overall.raw,
    checks: isRecord(body) ? readChecks(body) : [],
    ...readBuilds(body, headers, buildField),
  };
}

/**
 * Whether a build id the service reports is the expected one: equal (case-insensitive), or, for git
 * SHAs of at least 7 hex digits, one a prefix of the other (a short SHA against a full one).
 */
export function buildMatches(found: string, expected: string): boolean {
  const a = found.trim().toLowerCase();
  const b = expected.trim().toLowerCase();
  if (a === b) return true;
  const sha = /^[0-9a-f]{7,40}$/;
  return sha.test(a) && sha.test(b) && (a.startsWith(b) || b.startsWith(a));
}

/** Why one response was not ready; a service can fail several at once. */
export type NotReadyReason =
  | {
      /** No connection: refused, reset, DNS, TLS or the attempt's own timeout. */
      kind: 'unreachable';
      /** The connection error, one line. */
      error: string;
    }
  | {
      /** An HTTP status outside 2xx (a 503 with a health body counts as an answer when `checks` are named). */
      kind: 'http-status';
      /** The HTTP status code. */
      status: number;
    }
  | {
      /** The body's overall status is not ok. */
      kind: 'status-not-ok';
      /** The status as the service wrote it (`DOWN`, `fail`, …). */
      status: string;
    }
  | {
      /** Some of the required checks (all, without `checks`) are not ok. */
      kind: 'checks-failing';
      /** The failing checks. */
      checks: HealthCheck[];
    }
  | {
      /** Checks named in `checks` are absent from the body. */
      kind: 'checks-missing';
      /** The names not found. */
      names: string[];
    }
  | {
      /** The service reports a build other than `expectedBuild`: an old deployment still answering. */
      kind: 'stale-build';
      /** The build it reports. */
      found: string;
      /** Where that build id was found (`buildSha`, `header x-build-id`, …). */
      source: string;
      /** The build the test expects. */
      expected: string;
    }
  | {
      /** `expectedBuild` was given but the response carries no build id. */
      kind: 'no-build';
      /** The build the test expects. */
      expected: string;
      /** Where unflake looked, for the report. */
      lookedAt: string;
      /** Why `buildField` gave nothing although something was there, if that is the case. */
      problem?: string | undefined;
    }
  | {
      /** A custom probe threw. */
      kind: 'probe-error';
      /** Its error, one line. */
      error: string;
    };

/** What "ready" means: the checks that must be ok (default: all), the build it must report, and where. */
export interface HealthContract {
  checks?: readonly string[] | undefined;
  expectedBuild?: string | undefined;
  buildField?: BuildField | undefined;
}

/** Judges one response (HTTP status, parsed body, lower-case headers) against the contract. */
export function judge(
  httpStatus: number,
  body: unknown,
  headers: Record<string, string | undefined>,
  contract: HealthContract,
): { reasons: NotReadyReason[]; health: HealthReading; build: string | undefined } {
  const health = readHealth(body, headers, contract.buildField);
  const required = contract.checks;
  const isHealthBody = health.rawStatus !== undefined || health.checks.length > 0;
  // With `checks`, an aggregate 503 (Spring, IETF: some other component is down) still says what the required ones are.
  const statusOk =
    (httpStatus >= 200 && httpStatus < 300) || (required !== undefined && httpStatus === 503 && isHealthBody);
  const reasons: NotReadyReason[] = statusOk ? [] : [{ kind: 'http-status', status: httpStatus }];
  if (required === undefined && health.status === 'not-ok')
    reasons.push({ kind: 'status-not-ok', status: health.rawStatus ?? 'unknown' });
  const missing = required?.filter((name) => !health.checks.some((c) => c.name === name)) ?? [];
  if (missing.length) reasons.push({ kind: 'checks-missing', names: missing });
  const failing = health.checks.filter((c) => !c.ok && (required === undefined || required.includes(c.name)));
  if (failing.length) reasons.push({ kind: 'checks-failing', checks: failing });
  const first = health.builds[0];
  const expected = contract.expectedBuild;
  if (expected === undefined) return { reasons, health, build: first?.value };
  const match = health.builds.find((b) => buildMatches(b.value, expected));
  if (match) return { reasons, health, build: match.value };
  if (first) reasons.push({ kind: 'stale-build', found: first.value, source: first.source, expected });
  else
    reasons.push({
      kind: 'no-build',
      expected,
      lookedAt: describeBuildLookup(contract.buildField),
      problem: health.buildProblem,
    });
  return { reasons, health, build: first?.value };
}
