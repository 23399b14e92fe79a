export { eventually, consistently } from './eventually.ts';
export { stop, StopError, PollError, EventuallyError, ConsistentlyError, AttemptTimeoutError } from './errors.ts';
export { configure } from './options/configure.ts';
export type { Probe, ProbeContext, Interval, Backoff, WakeSource, CommonOptions, EventuallyOptions, ConsistentlyOptions, ConfigurableOptions } from './options/types.ts';
export type { Check, AsymmetricMatcherLike } from './check.ts';
export type { PollResult, TimelineEntry, EndReason } from './poll/PollResult.ts';
export type { IdempotenceOptions, ConvergenceOptions } from './delivery/options.ts';
export type { Effects, EffectSource } from './delivery/effects.ts';
