/**
 * A source that knows how to wake a poll (a `record()` recording): `source[WAKE_SOURCE](recheck)` subscribes
 * and returns the unsubscribe function. No imports: the option types and wake.ts both name it.
 *
 * A string key, not a symbol: each separately bundled entry's .d.ts (unflake/vitest, unflake/playwright) carries
 * its own copy of the option types, and a `unique symbol` key would make `wakeOn` of one copy refuse a
 * recording typed by another.
 */
export const WAKE_SOURCE = '__unflakeWakeSource' as const;
