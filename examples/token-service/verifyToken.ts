/**
 * Token checks as two services might write them, on an injected Clock. A token carries the issuer's
 * `iat` (issued at) and `exp` (expires at), both epoch ms of the issuer's wall clock.
 */
import type { Clock } from 'unflake/clock';

export interface Token {
  iat: number;
  exp: number;
}

/** Trusts its own wall clock to the millisecond: breaks as soon as its clock and the issuer's disagree. */
export function naiveVerify(clock: Clock, token: Token): boolean {
  const now = clock.now();
  return now >= token.iat && now < token.exp;
}

/** Tolerates clock skew up to `leewayMs` on "issued in the future", as JWT libraries' clockTolerance does. */
export function leewayVerify(clock: Clock, token: Token, leewayMs = 5 * 60_000): boolean {
  const now = clock.now();
  return now >= token.iat - leewayMs && now < token.exp;
}
