/**
 * Health payloads in the formats services actually return, reduced to one verdict:
 * `{ status, checks }` (checks as an object or an array, MicroProfile style), Spring Boot Actuator
 * (`{ status: 'UP', components: { db: { status: 'UP' } } }`, nested), and the IETF health-check draft
 * (`{ status: 'pass', checks: { 'db:responseTime': [{ status: 'pass' }] }, releaseId }`).
 */

/** `ok` and `not-ok` come from a recognised status word; `absent` means the body has no status at all. */
export type HealthStatus = 'ok' | 'not-ok' | 'absent';

/**
 * Status words. Ready only on an explicit "good" word: `warn`/`degraded` (IETF "healthy, with
 * concerns") count as not ready, because a degraded dependency is what makes tests flaky. An unknown
 * word counts as not ready too, and is shown as it came.
 */
const OK_WORDS = new Set(['up', 'ok', 'pass', 'passed', 'passing', 'healthy', 'ready', 'green', 'serving', 'available', 'true']);

const NOT_OK_WORDS = new Set(['down', 'fail', 'failed', 'failing', 'error', 'unhealthy', 'warn', 'warning', 'degraded', 'out_of_service', 'unknown', 'red', 'yellow', 'starting', 'not_serving', 'false']);

function isStatusWord(text: string): boolean {
  const word = text.trim().toLowerCase();
  return OK_WORDS.has(word) || NOT_OK_WORDS.has(word);
}

export function normalizeStatus(value: unknown): HealthStatus {
  if (value === undefined || value === null) return 'absent';
  if (value === true) return 'ok';
  if (typeof value !== 'string' && typeof value !== 'boolean' && typeof value !== 'number') return 'not-ok';
  return OK_WORDS.has(String(value).trim().toLowerCase()) ? 'ok' : 'not-ok';
}

export interface HealthCheck {
  /** Component name: `db`, `broker.kafka` (nested Spring components), `db` for IETF `db:responseTime`. */
  name: string;
  ok: boolean;
  /** The status as the service wrote it. */
  status: string;
  /** The check's own payload (details, observedValue, output, …), for the failure report. */
  details: unknown;
}

export interface BuildId {
  value: string;
  /** Where it was found: `releaseId`, `info.git.commit.id`, `header x-build-id`, … */
  source: string;
}

export interface HealthReading {
  status: HealthStatus;
  /** The overall status as written, when there is one. */
  rawStatus: string | undefined;
  checks: HealthCheck[];
  /** Every build identifier found, in the order of `BUILD_PATHS`. */
  builds: BuildId[];
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const statusText = (value: unknown): string => (value === undefined ? 'no status' : typeof value === 'string' ? value : JSON.stringify(value));

/** The status of one check entry: `{ status }`, `{ state }`, `{ healthy: bool }`, a bare word, or an IETF array of measurements. */
function entryStatus(entry: unknown): { ok: boolean; status: string } {
  if (Array.isArray(entry)) {
    const parts = entry.map(entryStatus);
    const bad = parts.find((p) => !p.ok);
    return bad ?? { ok: parts.length > 0, status: parts[0]?.status ?? 'empty' };
  }
  if (isRecord(entry)) {
    const raw = entry.status ?? entry.state ?? entry.healthy ?? entry.ok;
    return { ok: normalizeStatus(raw) === 'ok', status: statusText(raw) };
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
  const { checks, components, details } = body;
  if (Array.isArray(checks)) {
    checks.forEach((entry, index) => {
      const named = isRecord(entry) ? (entry.name ?? entry.component ?? entry.componentId ?? entry.id) : undefined;
      const { ok, status } = entryStatus(entry);
      out.push({ name: typeof named === 'string' ? named : `#${index + 1}`, ok, status, details: isRecord(entry) ? (entry.details ?? entry.data ?? entry.output) : entry });
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
      out.push({ name, ok, status, details: keys.length === 1 && keys[0] === name ? detailsOf(entries[0]) : Object.fromEntries(keys.map((k, i) => [k, entries[i]])) });
    }
  }
  if (isRecord(components)) springComponents(components, '', out);
  // Spring Boot 1.x put components beside `status` under `details`.
  else if (!checks && isRecord(details) && Object.values(details).every((d) => isRecord(d) && 'status' in d)) springComponents(details, '', out);
  return out;
}

/** Where a build id may be, in order of preference. */
export const BUILD_PATHS = ['releaseId', 'buildId', 'build', 'commit', 'version', 'git.commit.id', 'info.git.commit.id', 'build.version', 'info.build.version'] as const;
export const BUILD_HEADERS = ['x-build-id', 'x-release-id'] as const;

function at(body: unknown, path: string): unknown {
  let current: unknown = body;
  for (const part of path.split('.')) current = isRecord(current) ? current[part] : undefined;
  return current;
}

function readBuilds(body: unknown, headers: Record<string, string | undefined>): BuildId[] {
  const out: BuildId[] = [];
  for (const path of BUILD_PATHS) {
    const value = at(body, path);
    if ((typeof value === 'string' && value !== '') || typeof value === 'number') out.push({ value: String(value), source: path });
  }
  for (const name of BUILD_HEADERS) {
    const value = headers[name];
    if (value) out.push({ value, source: `header ${name}` });
  }
  return out;
}

/** Reads a parsed body (or undefined for a non-JSON one) and the response headers (lower-case names). */
export function readHealth(body: unknown, headers: Record<string, string | undefined> = {}): HealthReading {
  const rawStatus = isRecord(body) ? (body.status ?? body.state ?? body.health) : undefined;
  return {
    // A text body counts only when it is a status word ("OK", "UP", "DOWN"); other text leaves it to the HTTP status.
    status: typeof body === 'string' ? (isStatusWord(body) ? normalizeStatus(body) : 'absent') : normalizeStatus(rawStatus),
    rawStatus: typeof body === 'string' ? (isStatusWord(body) ? body.trim() : undefined) : rawStatus === undefined ? undefined : statusText(rawStatus),
    checks: isRecord(body) ? readChecks(body) : [],
    builds: readBuilds(body, headers),
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
