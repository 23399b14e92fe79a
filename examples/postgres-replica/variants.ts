/**
 * The same test written four ways, for the soak (bench/soak.ts) and the demo: write a row on the
 * primary, then check it on the standby (or replica), while replication lags with the heavy tail of lag.ts.
 *
 *  - immediate read:   read the standby right after the write;
 *  - sleep(N):         wait N ms, then read (what a test does after it flaked once);
 *  - retry once:       read; on a miss wait N ms and read again (what a test does after it flaked twice);
 *  - unflake:          `await expect(() => standby.read(k)).toEventuallyEqual(v)`: polls until the
 *                      contract holds, with a deadline (4 s by default) and a timeline when it fails.
 *
 * Each run writes a new key, so the variants cannot see each other's rows.
 */
import { expect } from 'expect';
import { matchers, type EventualMatchers } from 'unflake/matchers';
import type { PgPair } from './pgPair.ts';

// The real matchers on the standalone `expect` (no test runner here: the soak loops in one process).
expect.extend(matchers);
declare module 'expect' {
  interface Matchers<R extends void | Promise<void>, T = unknown> extends EventualMatchers<R, T> {}
}

export interface SoakVariant {
  scenario: string;
  name: string;
  kind: 'unflake' | 'naive';
  run(i: number): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A primary to write to and a replica to read from. */
export interface ReplicatedStore {
  write(key: string, value: string): Promise<unknown>;
  /** The value on the replica, or null when it does not have the key yet. */
  read(key: string): Promise<string | null>;
}

export function postgresStore(pair: PgPair): ReplicatedStore {
  return {
    write: (key, value) => pair.primary.query('INSERT INTO kv VALUES ($1, $2)', [key, value]),
    read: (key) => pair.readStandby(key),
  };
}

export function readAfterWriteVariants(
  store: ReplicatedStore,
  { sleepMs, scenario }: { sleepMs: number; scenario: string },
): SoakVariant[] {
  const write = async (variant: string, i: number) => {
    const key = `soak:${variant}:${i}:${process.pid}`;
    const value = `value-${i}`;
    await store.write(key, value);
    return { key, value };
  };
  return [
    {
      scenario,
      name: 'unflake toEventuallyEqual',
      kind: 'unflake',
      async run(i) {
        const { key, value } = await write('unflake', i);
        await expect(() => store.read(key)).toEventuallyEqual(value);
      },
    },
    {
      scenario,
      name: 'immediate read',
      kind: 'naive',
      async run(i) {
        const { key, value } = await write('immediate', i);
        expect(await store.read(key)).toEqual(value);
      },
    },
    {
      scenario,
      name: `sleep(${sleepMs}) then read`,
      kind: 'naive',
      async run(i) {
        const { key, value } = await write('sleep', i);
        await sleep(sleepMs);
        expect(await store.read(key)).toEqual(value);
      },
    },
    {
      scenario,
      name: `retry once after ${sleepMs} ms`,
      kind: 'naive',
      async run(i) {
        const { key, value } = await write('retry', i);
        if ((await store.read(key)) === value) return;
        await sleep(sleepMs);
        expect(await store.read(key)).toEqual(value);
      },
    },
  ];
}
