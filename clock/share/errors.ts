/** `advanceAsync` on a shared clock could not bring a follower along: it is removed, the others carry on. */
export class FollowerLostError extends Error {
  override name = 'FollowerLostError';
  /** Who failed, and how: no ack within followerTimeout, the connection closed, or a protocol violation. */
  readonly followers: readonly { name: string; pid: number; reason: 'timeout' | 'disconnected' | 'protocol' | 'closed' }[];
  /** The step the barrier was on: its sequence number, wall time `to` and monotonic time. */
  readonly step: { seq: number; to: number; monotonic: number };

  constructor(message: string, followers: FollowerLostError['followers'], step: FollowerLostError['step']) {
    super(message);
    this.followers = followers;
    this.step = step;
  }
}
