import { eventually } from '../../src/index.ts';
import { failureOf } from '../support/failure.ts';

describe('a poll never outlives its test', () => {
  test('a matcher whose timeout is past the test’s own timeout ends before it, with its diagnostics', async () => {
    const started = performance.now();
    const message = await failureOf(
      expect(() => 'stale').toEventuallyEqual('fresh', { timeout: 30_000, interval: 50 }),
    );
    const elapsed = performance.now() - started;
    expect(message).toMatch(
      /Stopped after \d+(\.\d+)? m?s, 250 ms before the test's own 1500 ms timeout \(its `timeout` of 30000 ms would have run past it\)/,
    );
    expect(message).toMatch(/Timeline/);
    expect(elapsed).toBeGreaterThanOrEqual(1_000);
    expect(elapsed).toBeLessThan(1_500);
  }, 1_500);

  test('eventually() outside a matcher is bounded by the test too', async () => {
    const message = await failureOf(eventually(() => false, { timeout: 30_000, interval: 50 }));
    expect(message).toMatch(/before the test's own 1200 ms timeout/);
  }, 1_200);

  test('a consistently window cut short by the test fails: it was not watched for the whole window', async () => {
    const message = await failureOf(expect(() => 1).toConsistentlyEqual(1, { for: 30_000, interval: 50 }));
    expect(message).toMatch(
      /before the test's own 1000 ms timeout .*: it was not watched for the whole window, so it cannot pass/,
    );
  }, 1_000);
});
