/**
 * What the barrier and the leader's connections (connections.ts) say about a follower: who it is, the
 * step it is sent, and why it did not finish one.
 */

export type FailureReason = 'timeout' | 'disconnected' | 'protocol' | 'closed';

/** Why a follower did not finish a step; `detail` completes "follower "x" (pid 1) …". */
export class AckFailure {
  readonly reason: FailureReason;
  readonly detail: string;
  constructor(reason: FailureReason, detail: string) {
    this.reason = reason;
    this.detail = detail;
  }
}

export interface Step {
  seq: number;
  to: number;
  monotonic: number;
}

/** What the barrier sees of a follower. */
export interface Participant {
  readonly name: string;
  readonly pid: number;
  /** The protocol version it speaks (1: no `skew` frame). */
  readonly v: number;
}

export function describeFollower(c: Participant): string {
  return `follower ${JSON.stringify(c.name)} (pid ${c.pid})`;
}
