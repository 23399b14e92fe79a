export type { Clock, TimerId } from './Clock.ts';
export { systemClock } from './systemClock.ts';
export { TestClock, type TestClockOptions } from './TestClock.ts';
export type { FakeableGlobal, InstallHandle } from './installGlobals.ts';
export { clockFromEnv, connectClock } from './clockFromEnv.ts';
export { FollowerLostError } from './share/errors.ts';
export type { ConnectOptions, FollowerClock, FollowerInfo, SharedClock, ShareOptions } from './share/types.ts';
export type { Skew, SkewControl } from './share/skew.ts';
