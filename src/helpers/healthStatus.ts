/**
 * Which fields of a health body say whether it is healthy, and how each value reads: the one rule
 * behind a body's overall status and each check's (health.ts). Decided once, from the formats services
 * return:
 *
 * | format | fields and values |
 * |---|---|
 * | Spring Boot Actuator, MicroProfile Health | `status`: `UP`, `DOWN`, `OUT_OF_SERVICE`, `UNKNOWN` |
 * | IETF draft `application/health+json` | `status`: `pass` (`ok`, `up`), `fail` (`error`, `down`), `warn` |
 * | ASP.NET Core health checks | `status`: `Healthy`, `Degraded`, `Unhealthy` |
 * | Kubernetes `Status` objects; gRPC health; Docker; Consul; Elasticsearch | `status`: `Success`/`Failure`; `SERVING`/`NOT_SERVING`; `healthy`/`starting`; `passing`/`warning`/`critical`; `green`/`yellow`/`red` |
 * | hand-written endpoints | `healthy`, `ok`, `up`, `ready`, `alive`, `live` as booleans (`{ "ok": false }`), 1/0 (MongoDB's `{ ok: 1 }`), or words; `state` and `health` as words |
 *
 * The rule: every one of these fields present at the top level is read, not the first found. Any field
 * that says "not ok" makes the body not ok; it is ok only when at least one says ok and none says
 * otherwise; with none of them it has no status (the HTTP status decides). Field names match in any case
 * (`Status` from .NET). Ready only on an explicit "good" value: `warn`/`degraded` (IETF "healthy, with
 * concerns") count as not ready, because a degraded dependency is what makes tests flaky, and an unknown
 * word or value counts as not ready too, shown as it came.
 */

/** `ok` and `not-ok` come from a recognised status; `absent` means the body has no status at all. */
export type HealthStatus = 'ok' | 'not-ok' | 'absent';

const OK_WORDS = new Set([
  'up',
  'ok',
  'pass',
  'passed',
  'passing',
  'healthy',
  'ready',
  'green',
  'serving',
  'available',
  'operational',
  'success',
  'alive',
  'live',
  'true',
  'yes',
]);

const NOT_OK_WORDS = new Set([
  'down',
  'fail',
  'failed',
  'failing',
  'failure',
  'error',
  'critical',
  'unhealthy',
  'warn',
  'warning',
  'degraded',
  'out_of_service',
  'unknown',
  'service_unknown',
  'red',
  'yellow',
  'starting',
  'not_serving',
  'not_ready',
  'unavailable',
  'maintenance',
  'outage',
  'false',
  'no',
]);

/** Fields whose value is a status word (a number there is an HTTP-like code: 2xx is ok). */
const WORD_FIELDS = ['status', 'state', 'health'];
/** Fields whose value is a yes/no (a number there is 1 or 0). */
const FLAG_FIELDS = ['healthy', 'ok', 'up', 'ready', 'alive', 'live'];
const FIELD_KIND = new Map<string, 'word' | 'flag'>([
  ...WORD_FIELDS.map((f) => [f, 'word'] as const),
  ...FLAG_FIELDS.map((f) => [f, 'flag'] as const),
]);

/** Every field name read, for the docs and the tests. */
export const HEALTH_FIELDS: readonly string[] = [...WORD_FIELDS, ...FLAG_FIELDS];

function word(value: string): string {
  return value
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
}

/** Whether a text is a status word this module knows (a text body counts only then). */
export function isStatusWord(text: string): boolean {
  const w = word(text);
  return OK_WORDS.has(w) || NOT_OK_WORDS.has(w);
}

/** One value as a status word would be read: a known good word or `true` is ok, anything else present is not. */
export function normalizeStatus(value: unknown, kind: 'word' | 'flag' = 'word'): HealthStatus {
  if (value === undefined || value === null) return 'absent';
  if (typeof value === 'boolean') return value ? 'ok' : 'not-ok';
  if (typeof value === 'number') return (kind === 'flag' ? value === 1 : value >= 200 && value < 300) ? 'ok' : 'not-ok';
  if (typeof value !== 'string') return 'not-ok';
  return OK_WORDS.has(word(value)) ? 'ok' : 'not-ok';
}

const shown = (value: unknown): string =>
  typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));

export interface StatusReading {
  status: HealthStatus;
  /** What decided it, as written: the value alone when it is `status` (`DOWN`), else `field=value` (`healthy=false`); several not-ok ones joined. */
  raw: string | undefined;
}

/** The status of a record (a whole body, or one check) by the rule above. */
export function recordStatus(record: Record<string, unknown>): StatusReading {
  const ok: string[] = [];
  const bad: string[] = [];
  for (const key of Object.keys(record)) {
    const kind = FIELD_KIND.get(key.toLowerCase());
    if (kind === undefined) continue;
    const value = record[key];
    const status = normalizeStatus(value, kind);
    if (status === 'absent') continue;
    const text = key.toLowerCase() === 'status' ? shown(value) : `${key}=${shown(value)}`;
    (status === 'ok' ? ok : bad).push(text);
  }
  if (bad.length) return { status: 'not-ok', raw: bad.join(', ') };
  if (ok.length) return { status: 'ok', raw: ok[0] };
  return { status: 'absent', raw: undefined };
}
