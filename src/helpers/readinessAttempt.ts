import type { HealthReading, NotReadyReason } from './health.ts';

/** One probe of `waitForReady`: what it saw and why the service was not ready yet. */
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
  /** A 429/503 asked to come back later (`Retry-After`): the next attempt waited that long, within the deadline. */
  retryAfter?: { ms: number; header: string } | undefined;
}
