import type { Interval } from '../options/types.ts';

/** Returns the pause before each next attempt, in ms. Pure apart from `random` (jitter). */
export function createSchedule(interval: Interval, random: () => number = Math.random): () => number {
  if (typeof interval === 'number') return () => interval;
  if (Array.isArray(interval)) {
    const list = interval as readonly number[];
    let index = 0;
    return () => list[Math.min(index++, list.length - 1)]!;
  }
  const {
    initial,
    factor = 2,
    max = Number.POSITIVE_INFINITY,
    jitter = 0,
  } = interval as Exclude<Interval, number | readonly number[]>;
  let next = initial;
  return () => {
    const base = Math.min(next, max);
    next = Math.min(next * factor, max);
    // Spread over ±jitter so parallel pollers of one service do not synchronise.
    return jitter === 0 ? base : Math.max(0, base * (1 + jitter * (2 * random() - 1)));
  };
}
