// Must type-check: expect.extend accepts the plain matcher object, and the augmentation types the calls.
import { expect } from 'expect';
import { matchers } from 'unflake/matchers';
import { eventually } from 'unflake';

expect.extend(matchers);

await expect(() => 1).toEventuallyEqual(1);
await expect(async () => ({ a: 1 })).toEventuallyEqual({ a: 1 }, { timeout: 1000, interval: 5 });
await expect(() => 1).not.toEventuallyEqual(2, { timeout: 50 });
await expect(() => [1, 2]).toEventually((v) => v.length === 2);
await expect(() => 'stable').toConsistentlyEqual('stable', { for: 100 });
const p: Promise<void> = expect(() => 1).toEventuallyEqual(1);
await p;
const n: number = await eventually(() => 42);
void n;
