/**
 * One place for every limit a poll runs against: its window, the test's own deadline (minus the margin
 * its diagnostics need), and, in virtual time, the real-time limit that the test's deadline becomes.
 */
import type { PollSettings } from '../options/normalizeOptions.ts';
import { keptBack, type TestWindow } from '../runner/testWindow.ts';
import { monotonicNow } from '../time/realTime.ts';
import type { AttemptBudget } from './attempt.ts';
import type { EndReason } from './PollResult.ts';
import type { Streak } from './decide.ts';

/** Time reserved before the test's deadline for gathering `context`. */
export const CONTEXT_BUDGET = 500;

/** Node's timers take at most 2^31-1 ms (a longer one fires after 1 ms): a budget beyond is "no limit yet". */
const MAX_TIMER = 2 ** 31 - 1;

/** In virtual time nothing moves while an attempt runs: bound it in real time instead. */
const VIRTUAL_ATTEMPT_REAL_LIMIT = 5_000;

export interface Limits {
  /** When the poll started, and when its last attempt must end, in the time source's ms. */
  start: number;
  deadline: number;
  /** Real monotonic ms past which a virtual-time poll must end (the test's deadline), if any. */
  realLimit: number | undefined;
  /** Whether the test's deadline, not the window, is what `deadline` is (real time). */
  cutByTest: boolean;
  window: Extract<EndReason, { kind: 'timeout' }>;
  test: Extract<EndReason, { kind: 'timeout' }> | undefined;
}

export function planLimits(settings: PollSettings, testWindow: TestWindow | undefined, start: number): Limits {
  const window = {
    kind: 'timeout',
    limit: 'window',
    window: settings.window,
    windowName: settings.windowName,
  } as const;
  const limits: Limits = {
    start,
    deadline: start + settings.window,
    realLimit: undefined,
    cutByTest: false,
    window,
    test: undefined,
  };
  if (!testWindow) return limits;
  // The margin scales with short test timeouts (at most a quarter of the test): a 200 ms test still gets attempts.
  const margin = keptBack(testWindow, settings.testTimeoutMargin);
  limits.test = { ...window, limit: 'test', testTimeout: testWindow.timeout, margin };
  const testLimit = testWindow.deadline - margin - (settings.context ? keptBack(testWindow, CONTEXT_BUDGET) : 0);
  if (settings.time.virtual) limits.realLimit = testLimit;
  else if (testLimit < limits.deadline) {
    limits.deadline = Math.max(start, testLimit);
    limits.cutByTest = true;
  }
  return limits;
}

/** Virtual time: has real time reached the test's deadline? (Marks the window as cut by the test.) */
export function reachedRealLimit(limits: Limits): boolean {
  if (limits.realLimit === undefined || monotonicNow() < limits.realLimit) return false;
  limits.cutByTest = true;
  return true;
}

/** The timeout reason that applies when the window ends now. */
export function timeoutReason(limits: Limits): Extract<EndReason, { kind: 'timeout' }> {
  return limits.cutByTest && limits.test ? limits.test : limits.window;
}

/** How long one attempt may run, in real ms, and what its running out means. */
export function attemptBudget(
  limits: Limits,
  settings: PollSettings,
  attemptStart: number,
  attempt: number,
): AttemptBudget {
  const virtual = settings.time.virtual;
  // Budgets are real ms: in virtual time the clock stands still while an attempt runs.
  const untilEnd = virtual
    ? Math.max(
        1,
        limits.realLimit === undefined
          ? VIRTUAL_ATTEMPT_REAL_LIMIT
          : Math.min(VIRTUAL_ATTEMPT_REAL_LIMIT, limits.realLimit - monotonicNow()),
      )
    : Math.min(MAX_TIMER, Math.max(1, limits.deadline - attemptStart));
  if (settings.attemptTimeout !== undefined && settings.attemptTimeout < untilEnd) {
    return {
      ms: settings.attemptTimeout,
      byAttemptTimeout: true,
      message: `attempt did not settle within ${settings.attemptTimeout} ms (attemptTimeout)`,
    };
  }
  const message = virtual
    ? `attempt ${attempt} did not settle within ${Math.round(untilEnd)} ms of real time (virtual time does not move while an attempt runs)`
    : `attempt ${attempt} was still running at the deadline`;
  return { ms: untilEnd, byAttemptTimeout: false, message };
}

export interface PauseInput {
  /** The schedule's next pause, or 0 when a wake-up asked for an immediate re-check. */
  scheduled: number;
  streak: Streak;
  stableFor: number;
  now: number;
  deadline: number;
  /** How long the last attempt took: the final attempt starts that long before the deadline. */
  lastDuration: number;
  /** Virtual time: the longest pause that cannot skip past anything (see virtualStride), else undefined. */
  stride?: number | undefined;
  /** `notBefore` as a time-source instant: an attempt is placed to end just before it. */
  notBefore?: number | undefined;
  virtual?: boolean | undefined;
}

/** How far before the `notBefore` boundary its sample is aimed to end: a real timer fires a little late. */
export const NOT_BEFORE_SLACK = { real: 3, virtual: 1 } as const;

/** Virtual time: the real pause between attempts while a window (or notBefore) waits out its real floor. */
export const REAL_FLOOR_STEP = 10;

/**
 * Long virtual waits stay cheap: a pause may grow to a tenth of the time waited so far (so a state that
 * depends only on the clock is seen at most 10% late), but never past the clock's next timer (before
 * which nothing in the process can change). The probe's own I/O always finishes before time moves.
 * One virtual day costs about 140 attempts instead of 430 000.
 */
export function virtualStride(elapsed: number, untilNextTimer: number | undefined): number {
  // Whole ms: fractional advances would add up to a deadline missed by a rounding error.
  return Math.floor(Math.min(untilNextTimer ?? Number.POSITIVE_INFINITY, elapsed / 10));
}

/** The pause before the next attempt, and whether that attempt is the final one (at the deadline). */
export function planPause(p: PauseInput): { ms: number; final: boolean } {
  let ms = p.stride === undefined ? p.scheduled : Math.max(p.scheduled, p.stride);
  if (p.streak.start !== undefined && p.stableFor > 0)
    ms = Math.min(ms, Math.max(0, p.streak.start + p.stableFor - p.now));
  if (p.notBefore !== undefined) {
    // As at the deadline: one attempt ends just before the boundary, so a state reached shortly before it is seen.
    const sample = p.notBefore - p.lastDuration - (p.virtual ? NOT_BEFORE_SLACK.virtual : NOT_BEFORE_SLACK.real);
    if (p.now < sample && p.now + ms > sample) ms = sample - p.now;
  }
  const latestStart = p.deadline - p.lastDuration;
  if (p.now + ms >= latestStart) return { ms: Math.max(0, latestStart - p.now), final: true };
  return { ms, final: false };
}

/**
 * An attempt still running at the deadline left the window unwatched from its start. The planned final
 * attempt does (by one attempt's duration); so may one that ran a little long under load (up to twice the
 * last attempt's duration, or a tenth of the window). Anything longer is a break in the watch.
 */
export function watchedToEnd(tail: number, previousDuration: number, window: number): boolean {
  return tail <= Math.max(2 * previousDuration, window / 10);
}
