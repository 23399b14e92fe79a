// Must type-check: the matchers are typed on Vitest's `expect` once `unflake/vitest` is in "types".
import { expect } from 'vitest';
import { eventually, consistently, type EventuallyOptions } from 'unflake';

const options: EventuallyOptions = { timeout: 1000, interval: 5 };

await expect(() => 1).toEventuallyEqual(1);
await expect(async () => ({ a: 1 })).toEventuallyEqual({ a: 1 }, options);
await expect(() => 1).not.toEventuallyEqual(2, { timeout: 50 });
await expect(() => 'x').toEventuallyBe('x', { timeout: 100, interval: [1, 2, 5] });
await expect(() => ({ a: 1, b: 2 })).toEventuallyMatchObject({ a: 1 });
await expect(() => [1, 2]).toEventuallyStrictEqual([1, 2], { interval: { initial: 1, factor: 2, max: 10 } });
await expect(() => 3).toEventually((v) => expect(v).toBeGreaterThan(2));
await expect(() => 3).toEventually(expect.any(Number));
await expect(() => 'stable').toConsistentlyEqual('stable', { for: 100 });
await expect((): string => 'stable').toConsistently((v) => v !== 'broken', { for: 100 });

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

// The check's value is `any` under Vitest (see README "Types"): property access compiles, and
// an annotation gives the precise type.
interface Order {
  status: string;
}
await expect(() => ({ status: 'paid' })).toEventually((o) => o.status === 'paid');
await expect((): Order => ({ status: 'paid' })).toEventually((o: Order) => o.status === 'paid', {
  failWhen: (o: Order) => o.status === 'failed' && 'failed',
});
