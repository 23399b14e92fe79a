import type { HealthReading, NotReadyReason } from './health.ts';

/** One probe of `waitForReady`: what it saw and why the service was not ready yet. */
export interface ReadinessAttempt {
  /** 1 for the first attempt. */
  attempt: number;
  /** ms since the wait started. */
  at: number;
  /** Whether this attempt found the service ready. */
  ready: boolean;
  /** Why it was not ready (empty when it was). */
  reasons: NotReadyReason[];
  /** The address that answered (or was tried last), `127.0.0.1:3000`. */
  address?: string | undefined;
  /** The HTTP status of the response, when there was one. */
  httpStatus?: number | undefined;
  /** Errors of other addresses tried in the same attempt (`localhost`: 127.0.0.1 and ::1). */
  alsoTried?: string[] | undefined;
  /** What the health body said. */
  health?: HealthReading | undefined;
  /** The build id the service reported. */
  build?: string | undefined;
  /** The response body as text, bounded. */
  body?: string | undefined;
  /** Whether `body` was cut. */
  bodyTruncated?: boolean | undefined;
  /** A 429/503 asked to come back later (`Retry-After`): the next attempt waited that long, within the deadline. */
  retryAfter?:
    | {
        /** The wait it asked for, in ms. */
        ms: number;
        /** The `Retry-After` header as sent. */
        header: string;
      }
    | undefined;
}
