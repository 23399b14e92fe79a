import { createSchedule } from '../../src/poll/schedule.ts';

const take = (next: () => number, n: number): number[] => Array.from({ length: n }, next);

describe('createSchedule', () => {
  test('a number is a fixed pause', () => {
    expect(take(createSchedule(25), 3)).toEqual([25, 25, 25]);
  });

  test('a list is used in order and its last pause repeats', () => {
    expect(take(createSchedule([100, 250, 500]), 5)).toEqual([100, 250, 500, 500, 500]);
  });

  test('a backoff grows by factor up to max', () => {
    expect(take(createSchedule({ initial: 2, factor: 2, max: 10 }), 5)).toEqual([2, 4, 8, 10, 10]);
  });

  test('jitter spreads each pause within ±jitter', () => {
    const low = take(
      createSchedule({ initial: 100, factor: 1, jitter: 0.2 }, () => 0),
      2,
    );
    const high = take(
      createSchedule({ initial: 100, factor: 1, jitter: 0.2 }, () => 0.999999),
      2,
    );
    expect(low).toEqual([80, 80]);
    expect(high[0]).toBeCloseTo(120, 3);
  });
});
