/**
 * One attempt of waitForReady (waitForReady.ts): GET the health URL or call the test's probe, judge the
 * response against the contract (health.ts) and record it.
 */
import { retryAfter } from '../errors.ts';
import { monotonicNow, wallNow } from '../time/realTime.ts';
import { judge, type HealthContract } from './health.ts';
import {
  errorText,
  httpGet,
  parseBody,
  readProbeResponse,
  retryAfterOf,
  type HealthResponseLike,
  type ReadResponse,
} from './httpAttempt.ts';
import type { ReadinessAttempt } from './readinessAttempt.ts';
import { withTraceHeaders } from './testTrace.ts';

export const WHERE = 'waitForReady()';

/** What a `probe` returns: a response-like object, or a fetch `Response`. Throwing means "not yet". */
export type HealthProbe = (context: {
  signal: AbortSignal;
  attempt: number;
}) => HealthResponseLike | Response | Promise<HealthResponseLike | Response>;

export type Source = { url: URL } | { probe: HealthProbe };

/** A TypeError of ours (a bad argument, a probe returning no response): a bug in the test, never "not yet". */
export const isOwnTypeError = (error: unknown): boolean =>
  error instanceof TypeError && error.message.startsWith(WHERE);

/** One attempt: GET the URL (or call the probe), judge the response, record it; a 429/503 `Retry-After` is the engine's `retryAfter`. */
export function attemptFor(
  source: Source,
  contract: HealthContract & { headers?: Record<string, string> | undefined },
  attemptTimeout: number,
  start: number,
  attempts: ReadinessAttempt[],
): (context: { signal: AbortSignal; attempt: number }) => Promise<ReadinessAttempt> {
  // The test's traceparent, so the service's logs of these probes are found from the failure.
  const headers = withTraceHeaders(contract.headers);
  return async ({ signal, attempt }) => {
    const at = monotonicNow() - start;
    const record =
      'url' in source
        ? await getOnce(source.url, headers, attemptTimeout, signal, { attempt, at }, contract)
        : await probeOnce(source.probe, signal, { attempt, at }, contract);
    // Abandoned by the poll (deadline, abort, test end): the report says so; it is not an observation.
    if (record === undefined)
      return { attempt, at, ready: false, reasons: [{ kind: 'unreachable', error: 'abandoned' }] };
    attempts.push(record);
    if (record.retryAfter)
      retryAfter(record.retryAfter.ms, `HTTP ${record.httpStatus}, Retry-After: ${record.retryAfter.header}`);
    return record;
  };
}

type Moment = Pick<ReadinessAttempt, 'attempt' | 'at'>;

async function getOnce(
  url: URL,
  headers: Record<string, string>,
  attemptTimeout: number,
  signal: AbortSignal,
  moment: Moment,
  contract: HealthContract,
): Promise<ReadinessAttempt | undefined> {
  const { outcome, tried } = await httpGet(url, headers, attemptTimeout, signal);
  if (signal.aborted) return undefined;
  const others = tried.filter((t) => t !== outcome).map((t) => `${t.address}: ${t.error ?? t.status}`);
  const where = { address: outcome.address, alsoTried: others.length ? others : undefined };
  if (outcome.status === undefined)
    return {
      ...moment,
      ready: false,
      reasons: [{ kind: 'unreachable', error: `${outcome.error ?? 'no response'} ${outcome.address}` }],
      ...where,
    };
  const response = {
    status: outcome.status,
    body: parseBody(outcome.text),
    text: outcome.text,
    headers: outcome.headers ?? {},
  };
  return { ...judged(moment, response, contract), ...where, bodyTruncated: outcome.truncated };
}

async function probeOnce(
  probe: HealthProbe,
  signal: AbortSignal,
  moment: Moment,
  contract: HealthContract,
): Promise<ReadinessAttempt> {
  try {
    return judged(moment, await readProbeResponse(WHERE, await probe({ signal, attempt: moment.attempt })), contract);
  } catch (error) {
    if (isOwnTypeError(error)) throw error;
    return { ...moment, ready: false, reasons: [{ kind: 'probe-error', error: errorText(error) }] };
  }
}

function judged(moment: Moment, response: ReadResponse, contract: HealthContract): ReadinessAttempt {
  const { reasons, health, build } = judge(response.status, response.body, response.headers, contract);
  const ready = reasons.length === 0;
  const wait = ready ? undefined : retryAfterOf(response.status, response.headers, wallNow());
  return {
    ...moment,
    ready,
    reasons,
    httpStatus: response.status,
    health,
    build,
    body: response.text,
    ...(wait ? { retryAfter: wait } : {}),
  };
}
