/**
 * A source that knows how to wake a poll (a `record()` recording): `source[WAKE_SOURCE](recheck)` subscribes
 * and returns the unsubscribe function. No imports: the option types and wake.ts both name it.
 */
export const WAKE_SOURCE: unique symbol = Symbol.for('unflake.wakeSource.v1') as never;
