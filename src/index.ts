export { eventually, consistently } from './eventually.ts';
export {
  stop,
  retryAfter,
  settled,
  StopError,
  RetryAfterError,
  SettledError,
  PollError,
  EventuallyError,
  ConsistentlyError,
  AttemptTimeoutError,
} from './errors.ts';
export { configure } from './options/configure.ts';
export type {
  Probe,
  ProbeContext,
  AttemptInfo,
  Interval,
  Backoff,
  WakeSource,
  WakeSubscriber,
  CommonOptions,
  EventuallyOptions,
  ConsistentlyOptions,
  ConfigurableOptions,
} from './options/types.ts';
export type { Check, CheckResult, AsymmetricMatcherLike } from './check.ts';
export type {
  PollResult,
  PollFacts,
  TimelineEntry,
  EndReason,
  PassReason,
  FailReason,
  Broken,
} from './poll/PollResult.ts';
export type { IdempotenceOptions, ConvergenceOptions } from './delivery/options.ts';
export type { Effects, EffectSource } from './delivery/effects.ts';
export { waitForReady, ReadinessError } from './helpers/waitForReady.ts';
export type {
  WaitForReadyOptions,
  HealthProbe,
  HealthResponseLike,
  ReadyResult,
  ReadinessAttempt,
  NotReadyReason,
} from './helpers/waitForReady.ts';
// Types only: they appear in ReadyResult, ReadinessAttempt and WaitForReadyOptions. The health readers stay internal.
export type { HealthReading, HealthCheck, HealthStatus, BuildId, BuildField } from './helpers/health.ts';
export { workerNamespace } from './helpers/workerNamespace.ts';
export type { WorkerNamespace, WorkerIdentity } from './helpers/workerNamespace.ts';
export { testTrace } from './helpers/testTrace.ts';
export type { TestTrace } from './helpers/testTrace.ts';
export { testNamespace } from './helpers/testNamespace.ts';
export { onCleanup } from './helpers/onCleanup.ts';
export type { CleanupOptions } from './helpers/onCleanup.ts';
export { testSeed } from './helpers/testSeed.ts';
export { seededRandom } from './helpers/seededRandom.ts';
export type { SeededRandom } from './helpers/seededRandom.ts';
export { record } from './helpers/record.ts';
export type { Recording, RecordedEvent, RecordOptions } from './helpers/record.ts';
