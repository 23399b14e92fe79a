/**
 * Evidence unflake already knows, for a failure (issue 21 item 5): a fake clock installed on the globals (a TestClock's
 * `install()`, or `vi.useFakeTimers()`/`jest.useFakeTimers()`) with timers pending while a real-time poll timed out,
 * a shared clock's pending timers and its followers' state, and the faults switched on at any `faultProxy`. Read only
 * when a failure is being reported.
 */
import { fakeTimersOf } from '../adapters/fakeTimers.ts';
import { activeFaults } from './faults.ts';
import { duration, sharedClockEvidence, sharedFakeClocks } from './sharedClocks.ts';

interface FakeClock {
  now: number;
  countTimers(): number;
}

/** The fake-timers clock behind the global Date, when one is installed (fake-timers' Date keeps its clock at `Date.clock`). */
function installedClock(): FakeClock | undefined {
  const clock = (globalThis.Date as unknown as { clock?: Partial<FakeClock> }).clock;
  return clock && typeof clock.countTimers === 'function' && typeof clock.now === 'number'
    ? (clock as FakeClock)
    : undefined;
}

/** "the installed clock has 3 timers pending, the next due in 60 s of virtual time: …", or undefined. */
export function pendingTimersEvidence(): string | undefined {
  const clock = installedClock();
  // A shared clock that is installed is described with its followers' timers (sharedClocks.ts).
  if (!clock || sharedFakeClocks().has(clock)) return undefined;
  try {
    const count = clock.countTimers();
    if (count === 0) return undefined;
    let next = Infinity;
    for (const timer of fakeTimersOf(clock).values()) next = Math.min(next, timer.callAt);
    const due = Number.isFinite(next)
      ? `, the next due in ${duration(Math.max(0, next - clock.now))} of virtual time`
      : '';
    return `the installed clock has ${count} timer${count === 1 ? '' : 's'} pending${due}, while this wait ran in real time: did you mean to \`advanceAsync\` it, or to pass it as the \`clock\` option?`;
  } catch {
    return undefined;
  }
}

/** Every line of evidence for a failed wait; `realTimeout`: it timed out in real time (the clock evidence applies). */
export function failureEvidence(realTimeout: boolean): string[] {
  const clock = realTimeout ? pendingTimersEvidence() : undefined;
  return [
    ...(clock ? [clock] : []),
    ...sharedClockEvidence(realTimeout),
    ...activeFaults().map((line) => `fault: ${line}`),
  ];
}

/**
 * The failure message's evidence section ("Also seen: …"), from a failed wait's result; undefined when there is none.
 * For src/report/formatFailure.ts (one section, beside `context`).
 */
export function formatEvidence(result: {
  passed: boolean;
  virtual: boolean;
  reason: { kind: string };
}): string | undefined {
  if (result.passed) return undefined;
  const lines = failureEvidence(result.reason.kind === 'timeout' && !result.virtual);
  return lines.length ? `Also seen when it failed:\n${lines.map((line) => `  - ${line}`).join('\n')}` : undefined;
}
