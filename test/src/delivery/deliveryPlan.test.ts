import {
  activeDeviations,
  densePlan,
  keyOrderOf,
  minimizePlan,
  planToOrder,
} from '../../../src/delivery/deliveryPlan.ts';
import { formatSchedule, parseSchedule } from '../../../src/delivery/schedule.ts';

const plan = (delays: number[], duplicates: (number | null)[] = delays.map(() => null)) =>
  densePlan(delays, duplicates);

describe('delivery plans', () => {
  test('a delay of d puts the event after the next d events: two events swap, the first can come last', () => {
    expect(formatSchedule(planToOrder(plan([1, 0])))).toBe('e2 e1');
    expect(formatSchedule(planToOrder(plan([2, 0, 0])))).toBe('e2 e3 e1');
    expect(formatSchedule(planToOrder(plan([2, 1, 0])))).toBe('e3 e2 e1');
  });

  test('every order of up to 5 events is some plan (none is out of reach of the exploration)', () => {
    for (let n = 2; n <= 5; n++) {
      const orders = new Set<string>();
      const each = (delays: number[]): void => {
        if (delays.length === n) orders.add(formatSchedule(planToOrder(plan(delays))));
        else for (let d = 0; d < n; d++) each([...delays, d]);
      };
      each([]);
      expect(orders.size).toBe([1, 2, 6, 24, 120][n - 1]);
    }
  });

  test('all zeros and no duplicates is the canonical order', () => {
    expect(formatSchedule(planToOrder(plan([0, 0, 0, 0])))).toBe('e1 e2 e3 e4');
  });

  test('a delay moves one event later, a duplicate redelivers it after its first delivery', () => {
    expect(formatSchedule(planToOrder(plan([0, 2, 0, 0])))).toBe('e1 e3 e4 e2');
    expect(formatSchedule(planToOrder(plan([0, 0, 0], [null, 0, null])))).toBe('e1 e2 e2* e3');
    expect(formatSchedule(planToOrder(plan([0, 0, 0], [1, null, null])))).toBe('e1 e2 e1* e3');
  });

  test('keyBy keeps first deliveries of one key in canonical order', () => {
    const keys = ['a', 'b', 'a', 'b'];
    // Without keyBy e3 (key a) would overtake e1 (key a).
    expect(formatSchedule(planToOrder(plan([3, 0, 0, 0])))).toBe('e2 e3 e4 e1'); // after the event on time in its slot
    const order = planToOrder(
      plan([3, 0, 0, 0]),
      keyOrderOf(4, (i) => keys[i]),
    );
    const aOrder = order.filter((d) => keys[d.index] === 'a').map((d) => d.index);
    expect(aOrder).toEqual([0, 2]);
    expect(order.map((d) => d.index).sort()).toEqual([0, 1, 2, 3]);
  });

  test('minimizePlan reverts every deviation the failure does not need', async () => {
    // Fails whenever e3 (index 2) is delayed; the other deviations are noise.
    const minimal = await minimizePlan(plan([1, 2, 3, 1], [0, null, 2, 1]), async (p) =>
      p.deviations.some((d) => d.index === 2 && d.delay > 0),
    );
    expect(activeDeviations(minimal)).toEqual([{ index: 2, delay: 3, again: null }]);
  });

  test('minimizePlan stops when its budget is spent and returns the smallest failing plan so far', async () => {
    let tried = 0;
    const minimal = await minimizePlan(
      plan([1, 2, 3, 1]),
      async () => (tried++, true),
      () => tried >= 2,
    );
    expect(tried).toBe(2);
    expect(activeDeviations(minimal)).toEqual([
      { index: 2, delay: 3, again: null },
      { index: 3, delay: 1, again: null },
    ]);
  });

  test('a sparse plan over 20 000 events gives the same order a dense one would', () => {
    const count = 20_000;
    const deviations = [
      { index: 7, delay: 3, again: null },
      { index: 19_990, delay: 3, again: 0 },
    ];
    const order = planToOrder({ count, deviations });
    const delays = Array.from({ length: count }, () => 0);
    const duplicates: (number | null)[] = Array.from({ length: count }, () => null);
    [delays[7], delays[19_990], duplicates[19_990]] = [3, 3, 0];
    expect(order).toEqual(planToOrder(plan(delays, duplicates)));
    expect(formatSchedule(order)).toBe(
      'e1 e2 e3 e4 e5 e6 e7 e9 e10 e11 e8 e12..e19990 e19992 e19993 e19994 e19991 e19991* e19995 e19996 e19997 e19998 e19999 e20000',
    );
  });

  test('formatSchedule writes long in-order stretches as ranges, and parseSchedule reads them back', () => {
    const order = planToOrder(plan(Array.from({ length: 30 }, (_, i) => (i === 2 ? 2 : 0))));
    const schedule = formatSchedule(order);
    expect(schedule).toBe('e1 e2 e4 e5 e3 e6..e30');
    expect(parseSchedule('x', schedule, 30)).toEqual(order);
    expect(() => parseSchedule('x', 'e3..e1', 3)).toThrow(/range "e3\.\.e1" runs backwards/);
  });

  test('parseSchedule reads the replay string and index lists', () => {
    expect(parseSchedule('x', 'e1 e3 e2 e2*', 3)).toEqual([
      { index: 0, duplicate: false },
      { index: 2, duplicate: false },
      { index: 1, duplicate: false },
      { index: 1, duplicate: true },
    ]);
    expect(parseSchedule('x', [1, 0, 1], 2).map((d) => d.duplicate)).toEqual([false, false, true]);
    expect(() => parseSchedule('x', 'e1 banana', 2)).toThrow(/names "banana"/);
  });
});
