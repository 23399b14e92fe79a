/** `advanceAsync` on a shared clock could not bring a follower along: it is removed, the others carry on. */
export class FollowerLostError extends Error {
  /** Always `'FollowerLostError'`, the class's name. */
  override name = 'FollowerLostError';
  /** Who failed, and how: no ack within followerTimeout, the connection closed, or a protocol violation. */
  readonly followers: readonly {
    /** The follower's name (see `FollowerInfo.name`). */
    name: string;
    /** Its process id. */
    pid: number;
    /** No ack within `followerTimeout`, the connection dropped, a protocol violation, or the share closed. */
    reason: 'timeout' | 'disconnected' | 'protocol' | 'closed';
  }[];
  /** The step the barrier was on. */
  readonly step: {
    /** Its sequence number. */
    seq: number;
    /** The wall time (epoch ms) it was moving to. */
    to: number;
    /** Its time on the leader's monotonic timeline. */
    monotonic: number;
  };

  constructor(message: string, followers: FollowerLostError['followers'], step: FollowerLostError['step']) {
    super(message);
    this.followers = followers;
    this.step = step;
  }
}
