/**
 * Clock skew as a fault to inject: the verifying service's wall clock runs 2 minutes behind the issuer's
 * (`connectClock(url, { skew })` on a shared clock; monotonic time and timer order stay the leader's).
 * - The fault, shown: the skewed verifier still accepts a token that expired a minute ago.
 * - The fix, tested: a fresh token is rejected by the naive check ("issued in the future") and accepted by
 *   a leeway-aware one, on the same skewed clock.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { connectClock, TestClock, type FollowerClock, type SharedClock } from 'unflake/clock';
import { leewayVerify, naiveVerify, type Token } from './verifyToken.ts';

const MINUTE = 60_000;
const T0 = Date.UTC(2030, 0, 1, 9, 0);

let issuer: TestClock;
let share: SharedClock;
let verifier: FollowerClock;

beforeAll(async () => {
  issuer = new TestClock({ now: T0 });
  share = await issuer.share();
  verifier = await connectClock(share.url, {
    name: 'verifier',
    token: share.env.UNFLAKE_CLOCK_TOKEN,
    skew: { offset: -2 * MINUTE },
  });
  await share.waitForFollowers(1);
});

afterAll(async () => {
  await verifier?.close();
  await share?.close();
});

const issue = (): Token => ({ iat: issuer.now(), exp: issuer.now() + 30 * MINUTE });

test('the fault: a verifier 2 minutes behind accepts a token that expired a minute ago', async () => {
  const token = issue();
  await issuer.advanceAsync(31 * MINUTE);
  expect(issuer.now()).toBeGreaterThan(token.exp); // expired, by the issuer's clock
  expect(verifier.now()).toBe(issuer.now() - 2 * MINUTE); // only the wall clock is skewed…
  expect(verifier.monotonic()).toBe(issuer.monotonic()); // …not monotonic time
  expect(naiveVerify(verifier, token)).toBe(true); // the skewed service still lets it in
});

test('a fresh token: the naive check rejects it on the skewed clock, the leeway-aware one accepts it', async () => {
  const token = issue();
  expect(naiveVerify(verifier, token)).toBe(false); // "issued in the future": a real user locked out
  expect(leewayVerify(verifier, token)).toBe(true);
  // Without skew both agree, so only the injected fault tells the two implementations apart.
  expect(naiveVerify(issuer, token)).toBe(true);
  expect(leewayVerify(issuer, token)).toBe(true);
});
