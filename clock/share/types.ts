/** Public types of the shared clock. Type-only, so `unflake/clock` loads no socket code until `share()`/`connectClock()`. */
import type { Clock } from '../Clock.ts';
import type { FakeableGlobal, InstallHandle } from '../installGlobals.ts';
import type { Skew, SkewControl } from './skew.ts';

/** Options of `clock.share(options)`: where the leader listens and how long it waits for followers. */
export interface ShareOptions {
  /** Interface to listen on. Default `127.0.0.1`. A non-loopback address needs `listenOnAllInterfaces: true`. */
  host?: string;
  /** TCP port. Default 0 (a free port). */
  port?: number;
  /** Listen on this Unix socket instead of TCP (an absolute or relative path; it must not exist yet). */
  path?: string;
  /** Real milliseconds a follower has to acknowledge a step (and to say hello). Default 5000. */
  followerTimeout?: number;
  /** Followers (past their hello) one share accepts. Default 64. */
  maxFollowers?: number;
  /** Allow listening beyond loopback (followers on other hosts or containers). Default false. With no `host`, listens on 0.0.0.0. */
  listenOnAllInterfaces?: boolean;
}

/** A follower attached to a shared clock, as the leader last heard from it. */
export interface FollowerInfo {
  /** Its name: `UNFLAKE_CLOCK_NAME`, `connectClock(url, { name })`, or its script's file name. */
  readonly name: string;
  /** Its process id. */
  readonly pid: number;
  /** Its pending timers. */
  readonly pending: number;
  /** When its next timer is due, on the leader's monotonic timeline (`clock.monotonic()`), or null. */
  readonly nextDue: number | null;
}

/** The leader's side of a shared clock, returned by `clock.share()`: followers take their time from it. */
export interface SharedClock extends SkewControl {
  /** `unflake-clock://127.0.0.1:PORT` or `unix:///path`. */
  readonly url: string;
  /** What a child process needs to follow: spread it into its environment. */
  readonly env: {
    /** The share's `url`. */
    readonly UNFLAKE_CLOCK_URL: string;
    /** The share's random token; a connection without it is refused. */
    readonly UNFLAKE_CLOCK_TOKEN: string;
  };
  /** The followers attached now (a fresh read-only snapshot on every read). */
  readonly followers: readonly FollowerInfo[];
  /** Resolves once at least `count` followers are attached; fails after `timeout` real ms (default 5000). */
  waitForFollowers(count?: number, options?: { timeout?: number; signal?: AbortSignal }): Promise<void>;
  /** Says `bye` to every follower, closes every connection and the listener. Idempotent. */
  close(): Promise<void>;
  /** `close()`, for `await using share = await clock.share()`. */
  [Symbol.asyncDispose](): Promise<void>;
}

/** Options of `connectClock(url, options)` (and, without `token`, of `clockFromEnv()`). */
export interface ConnectOptions {
  /** How the leader lists this follower. Default: the script name (and the worker thread id in a worker). */
  name?: string;
  /** The share's token. Default: `process.env.UNFLAKE_CLOCK_TOKEN`. */
  token?: string;
  /** Real milliseconds to wait for the leader's welcome. Default 5000. */
  timeout?: number;
  /** Start with this wall-clock skew (a fault to inject): only `now()` and `Date` move. */
  skew?: Skew | null;
}

/** A follower's clock: a `Clock` whose time is the leader's. */
export interface FollowerClock extends Clock {
  /** Whether it still follows the leader. After losing it, time stands still and `sleep` rejects. */
  readonly connected: boolean;
  /** How many timers are pending on this follower. */
  readonly pending: number;
  /** Points the globals (Date, timers, performance.now, hrtime) at this clock, as `TestClock.install()`. */
  install(options?: { toFake?: readonly FakeableGlobal[] }): InstallHandle;
  /** Leaves the shared clock: time stands still from then on. Idempotent. */
  close(): Promise<void>;
}
