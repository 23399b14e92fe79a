/** The three Clocks the contract suite (contract.test.ts) runs against, and its helpers for awaiting timers. */
import {
  connectClock,
  systemClock,
  TestClock,
  type Clock,
  type FollowerClock,
  type SharedClock,
} from '../../clock/index.ts';

export interface Subject {
  /** How the clock names itself in its errors. */
  readonly name: string;
  readonly clock: Clock;
  readonly virtual: boolean;
  /** Virtual clocks: advance by `ms`, firing what falls due. systemClock: nothing (its timers fire by themselves). */
  pass(ms: number): Promise<void>;
  /** Timers pending on a virtual clock (systemClock: undefined). */
  pending(): number | undefined;
  done(): Promise<void>;
}

export function onTestClock(): Subject {
  const clock = new TestClock();
  return {
    name: 'TestClock',
    clock,
    virtual: true,
    pass: (ms) => clock.advanceAsync(ms),
    pending: () => clock.pending,
    done: async () => {},
  };
}

export async function onFollower(): Promise<Subject> {
  const leader = new TestClock();
  const share: SharedClock = await leader.share();
  const follower: FollowerClock = await connectClock(share.url, {
    name: 'contract',
    token: share.env.UNFLAKE_CLOCK_TOKEN,
  });
  await share.waitForFollowers(1);
  return {
    name: 'FollowerClock',
    clock: follower,
    virtual: true,
    pass: async (ms) => {
      // The leader steps to what it has heard of: let the follower's timer set reach it first.
      if (follower.pending > 0) await leader.waitForTimers(follower.pending);
      await leader.advanceAsync(ms);
    },
    pending: () => follower.pending,
    done: async () => {
      await follower.close();
      await share.close();
    },
  };
}

export function onSystemClock(): Subject {
  return {
    name: 'systemClock',
    clock: systemClock,
    virtual: false,
    pass: async () => {},
    pending: () => undefined,
    done: async () => {},
  };
}

/** A real-time guard for awaiting a callback: a clear failure instead of the runner's test timeout. */
export async function within<T>(promise: Promise<T>, what: string, ms = 2_000): Promise<T> {
  let guard: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>(
    (_, reject) => (guard = setTimeout(() => reject(new Error(`${what}: nothing after ${ms} ms of real time`)), ms)),
  );
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(guard);
  }
}

/** Records callbacks in firing order; `last` resolves when the one marked last fires. */
export function recorder(): {
  seen: string[];
  mark: (label: string) => () => void;
  last: (label: string) => { fire: () => void; fired: Promise<void> };
} {
  const seen: string[] = [];
  return {
    seen,
    mark: (label) => () => void seen.push(label),
    last: (label) => {
      let fire!: () => void;
      const fired = new Promise<void>((resolve) => (fire = () => (seen.push(label), resolve())));
      return { fire, fired };
    },
  };
}
