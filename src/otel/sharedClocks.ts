/**
 * The shared clocks of this process (`TestClock.share()`), for a failure's evidence (issue 21 item 5): how many timers
 * the leader and its followers have pending, and each follower's state. Read-only use of their public state; the share
 * registers itself here while it listens (clock/clockShare.ts). One set per process, shared by every bundle copy.
 */
import type { FollowerInfo } from '../../clock/share/types.ts';
import { globalSlot } from '../runtime/globalSlot.ts';

/** What the evidence reads of a shared TestClock: its public state. */
export interface SharedClockState {
  /** Timers pending on the leader and every follower. */
  readonly pending: number;
  /** When the next timer of any participant is due (epoch ms), or undefined. */
  readonly nextDueAt: number | undefined;
  now(): number;
  /** The leader's monotonic timeline, on which a follower's `nextDue` is given. */
  monotonic(): number;
  /** The fake-timers clock: an installed clock that is this one is not described twice. */
  readonly fake: object;
}

/** What the evidence reads of the share: its address and its followers. */
export interface ShareState {
  readonly url: string;
  readonly followers: readonly FollowerInfo[];
}

interface Tracked {
  clock: SharedClockState;
  share: ShareState;
}

const MAX_FOLLOWERS = 5;
const MAX_NAME = 40;

const tracked = (): Map<ShareState, Tracked> =>
  globalSlot('otel.sharedClocks.v1', () => new Map<ShareState, Tracked>());

/** Called by a share once it listens; the function it returns, once it is closed. A share tracked twice is one entry. */
export function trackSharedClock(clock: SharedClockState, share: ShareState): () => void {
  const shares = tracked();
  if (shares.has(share)) return () => undefined;
  shares.set(share, { clock, share });
  return () => void shares.delete(share);
}

/** The fake-timers clocks of the shared clocks (an installed one among them is described as shared). */
export function sharedFakeClocks(): Set<object> {
  return new Set([...tracked().values()].map((entry) => entry.clock.fake));
}

export function duration(ms: number): string {
  return ms < 1_000 ? `${ms} ms` : ms < 120_000 ? `${+(ms / 1_000).toFixed(1)} s` : `${+(ms / 60_000).toFixed(1)} min`;
}

const plural = (count: number, what: string): string => `${count} ${what}${count === 1 ? '' : 's'}`;

function followerState(follower: FollowerInfo, monotonic: number): string {
  const name = follower.name.length > MAX_NAME ? `${follower.name.slice(0, MAX_NAME - 1)}…` : follower.name;
  const due =
    follower.nextDue === null ? '' : `, the next due in ${duration(Math.max(0, follower.nextDue - monotonic))}`;
  return `${JSON.stringify(name)} (pid ${follower.pid}) ${follower.pending ? plural(follower.pending, 'timer') + ' pending' + due : 'no timer pending'}`;
}

function describe({ clock, share }: Tracked, realTimeout: boolean): string[] {
  const lines: string[] = [];
  const pending = clock.pending;
  if (realTimeout && pending > 0) {
    const next = clock.nextDueAt;
    const due =
      next === undefined ? '' : `, the next due in ${duration(Math.max(0, next - clock.now()))} of virtual time`;
    lines.push(
      `the shared clock ${share.url} has ${plural(pending, 'timer')} pending${due}, while this wait ran in real time: did you mean to \`advanceAsync\` it?`,
    );
  }
  const followers = share.followers;
  const monotonic = clock.monotonic();
  const listed = followers.slice(0, MAX_FOLLOWERS).map((f) => followerState(f, monotonic));
  const more = followers.length > MAX_FOLLOWERS ? `; and ${followers.length - MAX_FOLLOWERS} more` : '';
  lines.push(
    followers.length
      ? `followers of the shared clock ${share.url}: ${listed.join('; ')}${more}`
      : `the shared clock ${share.url} has no follower attached (did the child get its env and start with --import unflake/clock/register?)`,
  );
  return lines;
}

/** The evidence lines of every shared clock; `realTimeout`: the wait timed out in real time (pending timers matter). */
export function sharedClockEvidence(realTimeout: boolean): string[] {
  const lines: string[] = [];
  for (const entry of tracked().values()) {
    try {
      lines.push(...describe(entry, realTimeout));
    } catch {
      /* a share closing under us: nothing to say about it */
    }
  }
  return lines;
}
