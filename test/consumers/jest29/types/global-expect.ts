// Must type-check (CommonJS project): the global `expect` of @types/jest, typed via `unflake/jest` in "types".
export async function usage(): Promise<void> {
  await expect(() => 1).toEventuallyEqual(1);
  await expect(async () => ({ a: 1 })).toEventuallyEqual({ a: 1 }, { timeout: 1000, interval: 5 });
  await expect(() => 1).not.toEventuallyEqual(2, { timeout: 50 });
  await expect(() => [1, 2]).toEventually((v) => v.length === 2);
  await expect(() => 'stable').toConsistentlyEqual('stable', { for: 100 });
  const p: Promise<void> = expect(() => 1).toEventuallyEqual(1);
  await p;
}
