/**
 * `clockFromEnv()` and `connectClock()`: production code can call `clockFromEnv()` unconditionally.
 * Without UNFLAKE_CLOCK_URL it is `systemClock` and loads nothing else; with it (a test shared its
 * TestClock and spread `share.env` into this process's environment) it follows that clock. The socket
 * code is loaded only then.
 */
import type { Clock } from './Clock.ts';
import type { ConnectOptions, FollowerClock } from './share/types.ts';
import { systemClock } from './systemClock.ts';

const FOLLOWER = Symbol.for('unflake.sharedClockFollower');

type Slot = { [FOLLOWER]?: Promise<FollowerClock> };

/** Connects to a shared clock (`share.url`; the token defaults to UNFLAKE_CLOCK_TOKEN) and follows it. */
export async function connectClock(url: string, options: ConnectOptions = {}): Promise<FollowerClock> {
  const { connectClock: connect } = await import('./share/follower.ts');
  return connect(url, options);
}

/**
 * The shared clock named by UNFLAKE_CLOCK_URL (and UNFLAKE_CLOCK_TOKEN), or `systemClock` when the
 * environment names none. One connection per thread: later calls (and the `unflake/clock/register`
 * preload) share it.
 */
export function clockFromEnv(options: Omit<ConnectOptions, 'token'> = {}): Promise<Clock> {
  const slot = globalThis as Slot;
  const existing = slot[FOLLOWER];
  if (existing) return existing;
  const url = process.env.UNFLAKE_CLOCK_URL;
  if (url === undefined || url === '') return Promise.resolve(systemClock);
  const connecting = connectClock(url, options);
  slot[FOLLOWER] = connecting;
  connecting.catch(() => {
    if (slot[FOLLOWER] === connecting) delete slot[FOLLOWER];
  });
  return connecting;
}

/** For the preload: makes `clock` the one `clockFromEnv()` returns in this thread. */
export function setFollowerFromEnv(clock: FollowerClock): void {
  (globalThis as Slot)[FOLLOWER] = Promise.resolve(clock);
}
