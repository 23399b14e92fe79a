/**
 * Clock skew, a fault to inject into one participant of a shared clock: its wall clock (`now()`,
 * `Date`) reads the leader's plus an offset plus a drift (parts per million of the monotonic time
 * since the skew was set). Its `monotonic()` and its timers' due times do not move, so the global
 * firing order is the same with or without skew. Shared by the leader (`share.skew`) and the follower
 * (`connectClock(url, { skew })`).
 */
import { argumentError, describeValue } from '../../src/options/checkMs.ts';
import { checkOptions } from '../../src/options/checkOptions.ts';

/** A participant's wall clock off the leader's: a fixed offset and a drift. Its monotonic time is not affected. */
export interface Skew {
  /** Milliseconds added to the wall clock (negative: behind). Default 0. */
  offset?: number;
  /** How fast the wall clock drifts from the leader's, in millionths (100 = 0.1 ms per second). Default 0. */
  driftPpm?: number;
}

/** `share.skew(follower, skew)`, on what `TestClock#share()` returns. */
export interface SkewControl {
  /**
   * Skews the wall clock of every follower with this name (a string) or pid (a number); `null`
   * removes it. Resolves once they have applied it (one step at the current instant).
   */
  skew(follower: string | number, skew: Skew | null): Promise<void>;
}

export interface SkewState {
  offset: number;
  driftPpm: number;
  /** Leader monotonic ms the drift counts from. */
  since: number;
}

const MAX_OFFSET = 8.64e15;
const MAX_DRIFT_PPM = 1e6;

/** `{ offset, driftPpm }` checked (a TypeError naming `where` and the field), or null for none. */
export function checkSkew(where: string, skew: unknown): { offset: number; driftPpm: number } | null {
  if (skew === null || skew === undefined) return null;
  const { offset = 0, driftPpm = 0 } = checkOptions(where, skew, ['offset', 'driftPpm']) as Skew;
  if (typeof offset !== 'number' || !Number.isFinite(offset) || Math.abs(offset) > MAX_OFFSET) {
    throw argumentError(
      where,
      `\`skew.offset\` must be a finite number of milliseconds, got ${describeValue(offset)}.`,
    );
  }
  if (typeof driftPpm !== 'number' || !Number.isFinite(driftPpm) || Math.abs(driftPpm) > MAX_DRIFT_PPM) {
    throw argumentError(
      where,
      `\`skew.driftPpm\` must be a number of parts per million from -1e6 to 1e6, got ${describeValue(driftPpm)}.`,
    );
  }
  return offset === 0 && driftPpm === 0 ? null : { offset, driftPpm };
}

/** What the skewed wall clock reads at leader wall `wall`, monotonic `monotonic`: whole ms, as `now()` always is. */
export function skewedWall(wall: number, monotonic: number, skew: SkewState | undefined): number {
  if (!skew) return wall;
  return wall + Math.round(skew.offset + (skew.driftPpm * (monotonic - skew.since)) / 1e6);
}
