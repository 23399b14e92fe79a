export type { Clock, TimerId } from './Clock.ts';
export { systemClock } from './systemClock.ts';
