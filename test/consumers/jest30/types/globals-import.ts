// Must type-check (CommonJS project): `expect` imported from @jest/globals, typed via `unflake/jest` in "types".
import { expect } from '@jest/globals';
import { eventually, consistently, type EventuallyOptions } from 'unflake';

export async function usage(): Promise<void> {
  const options: EventuallyOptions = { timeout: 1000, interval: 5 };
  await expect(() => 1).toEventuallyEqual(1);
  await expect(async () => ({ a: 1 })).toEventuallyEqual({ a: 1 }, options);
  await expect(() => 1).not.toEventuallyEqual(2, { timeout: 50 });
  await expect(() => 'x').toEventuallyBe('x', { timeout: 100, interval: [1, 2, 5] });
  await expect(() => ({ a: 1, b: 2 })).toEventuallyMatchObject({ a: 1 });
  await expect(() => [1, 2]).toEventuallyStrictEqual([1, 2], { interval: { initial: 1, factor: 2, max: 10 } });
  await expect(() => [1, 2]).toEventually((v) => v.length === 2);
  // The probe's type reaches the check under Jest: a wrong property is an error (fails if it were `any`).
  // @ts-expect-error -- `number[]` has no `lenght`
  await expect(() => [1, 2]).toEventually((v) => v.lenght === 2);
  await expect(() => 3).toEventually(expect.any(Number));
  await expect(() => 'stable').toConsistentlyEqual('stable', { for: 100 });
  await expect((): string => 'stable').toConsistently((v) => v.length > 0, { for: 100 });

  const p: Promise<void> = expect(() => 1).toEventuallyEqual(1);
  await p;

  const n: number = await eventually(() => 42);
  const s: string = await eventually(
    async () => 'done',
    (v) => v === 'done',
    { timeout: 500 },
  );
  const c: { ok: boolean } = await consistently(
    () => ({ ok: true }),
    (v) => v.ok,
    { for: 50 },
  );
  void [n, s, c];
}
