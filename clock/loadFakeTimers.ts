import type * as FakeTimers from '@sinonjs/fake-timers';
import { lazyRequire } from '../src/lazyRequire.ts';

/** @sinonjs/fake-timers, loaded when the first TestClock is created: `unflake/clock` stays light in production. */
export const loadFakeTimers = lazyRequire<typeof FakeTimers>('@sinonjs/fake-timers');
