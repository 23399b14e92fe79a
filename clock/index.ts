export type { Clock, TimerId } from './Clock.ts';
export { systemClock } from './systemClock.ts';
export { TestClock, type TestClockOptions } from './TestClock.ts';
export type { FakeableGlobal, InstallHandle } from './installGlobals.ts';
