// Must type-check: the fixtures and every unflake matcher on Playwright's expect, built-ins kept.
import { test, expect, type WorkerNamespace, type TestTrace } from 'unflake/playwright';

test('typed fixtures and matchers', async ({ namespace, workerNamespace, testTrace, seed, request }) => {
  const ns: WorkerNamespace = namespace;
  const id: string = workerNamespace.name('events');
  const trace: TestTrace = testTrace;
  const headers: Record<string, string> = trace.headers();
  const n: number = seed;
  void [ns, id, headers, n, request];
  await expect(() => 1).toEventuallyEqual(1, { timeout: 100 });
  await expect(async () => ({ a: 1 })).toEventuallyMatchObject({ a: 1 });
  await expect(() => [1, 2]).toEventually((v: number[]) => v.length === 2, { interval: 5 });
  await expect(() => 'x').toConsistentlyEqual('x', { for: 50 });
  await expect(() => 1).not.toEventuallyBe(2, { timeout: 50 });
  const p: Promise<void> = expect(() => 1).toEventuallyStrictEqual(1);
  await p;
  expect(1).toBe(1);
});
