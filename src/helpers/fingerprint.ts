/**
 * The run fingerprint every unflake failure ends with, inside a test: which worker, which namespace,
 * which trace, and the seed when one was used, so a CI failure can be matched with the system's logs
 * and reproduced.
 */
import { currentTestName } from './currentTest.ts';
import { testTrace } from './testTrace.ts';
import { currentWorker, workerNamespace } from './workerNamespace.ts';

export interface RunFingerprint {
  worker: string;
  namespace: string;
  traceId: string;
  seed?: number | string | undefined;
}

export function runFingerprint(extra?: { seed?: number | string | undefined }): RunFingerprint {
  const worker = currentWorker();
  return {
    worker: worker.source === 'pid' ? `pid ${worker.index}` : `${worker.source} ${worker.index}`,
    namespace: workerNamespace().id,
    traceId: testTrace().traceId,
    ...(extra?.seed === undefined ? {} : { seed: extra.seed }),
  };
}

/** The last section of a failure message, or undefined outside a test (nothing to correlate with). */
export function fingerprintSection(extra?: { seed?: number | string | undefined }): string | undefined {
  if (currentTestName() === undefined) return undefined;
  try {
    const f = runFingerprint(extra);
    return `Run: trace ${f.traceId} · worker ${f.worker} · namespace ${f.namespace}${f.seed === undefined ? '' : ` · seed ${f.seed}`}`;
  } catch {
    return undefined;
  }
}

/** Appends the fingerprint section to a finished message (used by the delivery matchers' formatters). */
export function withFingerprint(message: string, extra?: { seed?: number | string | undefined }): string {
  const section = fingerprintSection(extra);
  return section ? `${message}\n\n${section}` : message;
}
