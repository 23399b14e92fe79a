/**
 * The fault model of the examples and the soak: a heavy-tailed delay per chunk on the replication link.
 *
 * Each chunk the proxy reads gets a delay drawn from a Lomax (Pareto type II) distribution,
 * P(delay > x) = (1 + x / scale)^-alpha, capped at `max`. With the defaults (scale 5 ms, alpha 1.5,
 * max 1 000 ms): median 2.9 ms, P(> 20 ms) 9 %, P(> 100 ms) 1.0 %, P(> 500 ms) 0.1 %. The proxy keeps
 * bytes in order (a TCP stream cannot overtake itself), so one slow chunk also holds the chunks behind
 * it: the lag a reader sees is heavier than one draw, the more so the more the primary writes.
 * These parameters were chosen before any soak ran, as "most changes in a few ms, about one in a
 * hundred chunks a tenth of a second or more, a rare stall near a second", and were not tuned after.
 */
export interface HeavyTailOptions {
  /** The Lomax scale, in ms. Default 5. */
  scale?: number;
  /** The tail index: lower is heavier. Default 1.5. */
  alpha?: number;
  /** No single delay above this, in ms. Default 1 000. */
  max?: number;
  /** Uniform numbers in [0, 1). Pass a seeded one (`seeded(seed)` below) to replay a run. */
  random?: () => number;
}

export const HEAVY_TAIL = { scale: 5, alpha: 1.5, max: 1_000 } as const;

/** A function for `proxy.latency(fn)`: each call draws one chunk's delay in ms. */
export function heavyTail(options: HeavyTailOptions = {}): () => number {
  const { scale = HEAVY_TAIL.scale, alpha = HEAVY_TAIL.alpha, max = HEAVY_TAIL.max, random = Math.random } = options;
  // Inverse of the Lomax CDF: x = scale * ((1 - u)^(-1/alpha) - 1).
  return () => Math.min(max, scale * ((1 - random()) ** (-1 / alpha) - 1));
}

/** P(delay > x) for the model, for the docs and the demo's header. */
export function tailProbability(x: number, { scale = HEAVY_TAIL.scale, alpha = HEAVY_TAIL.alpha } = {}): number {
  return (1 + x / scale) ** -alpha;
}

/** A small seeded generator (mulberry32) of uniform numbers in [0, 1), so a run's delays can be replayed. */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
