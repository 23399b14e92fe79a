/**
 * A dropped or refused connection, a restarting server, a deadlock or a serialization failure: the
 * whole transaction is tried again (appends are idempotent, reads are read-only), with a backoff, for
 * at most `budget` ms. Anything else (a bad URL, a permission, a bug) fails at once.
 */

const RETRIED_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  '57P01',
  '57P02',
  '57P03',
  '40001',
  '40P01',
]);

/** Whether the error is worth a new attempt (a connection class 08 error, a shutdown, a conflict). */
export function isTransient(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown } | null;
  const code = typeof e?.code === 'string' ? e.code : '';
  // Class 08 is the connection's, except 08P01: a protocol violation (a bad statement) fails the same way again.
  if (RETRIED_CODES.has(code) || (code.startsWith('08') && code !== '08P01')) return true;
  const message = typeof e?.message === 'string' ? e.message : '';
  return /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(
    message,
  );
}

export const RETRY_BUDGET_MS = 20_000;

/** `work` until it succeeds, a non-transient error, or the budget is spent (then the last error, saying so). */
export async function withRetry<T>(
  work: () => Promise<T>,
  budget = RETRY_BUDGET_MS,
  wait = (ms: number) => new Promise<void>((r) => setTimeout(r, ms)),
): Promise<T> {
  const started = Date.now();
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      const elapsed = Date.now() - started;
      if (!isTransient(error) || elapsed >= budget) {
        if (isTransient(error) && error instanceof Error)
          error.message = `${error.message} (history: gave up after ${attempt} attempts in ${elapsed} ms)`;
        throw error;
      }
      await wait(Math.min(2_000, 50 * 2 ** attempt, budget - elapsed));
    }
  }
}
