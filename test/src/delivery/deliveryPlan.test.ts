import { formatSchedule, minimizePlan, parseSchedule, planToOrder } from '../../../src/delivery/deliveryPlan.ts';

const plan = (delays: number[], duplicates: (number | null)[] = delays.map(() => null)) => ({ delays, duplicates });

describe('delivery plans', () => {
  test('all zeros and no duplicates is the canonical order', () => {
    expect(formatSchedule(planToOrder(plan([0, 0, 0, 0])))).toBe('e1 e2 e3 e4');
  });

  test('a delay moves one event later, a duplicate redelivers it after its first delivery', () => {
    expect(formatSchedule(planToOrder(plan([0, 2, 0, 0])))).toBe('e1 e3 e2 e4');
    expect(formatSchedule(planToOrder(plan([0, 0, 0], [null, 0, null])))).toBe('e1 e2 e2* e3');
    expect(formatSchedule(planToOrder(plan([0, 0, 0], [1, null, null])))).toBe('e1 e2 e1* e3');
  });

  test('keyBy keeps first deliveries of one key in canonical order', () => {
    const keys = ['a', 'b', 'a', 'b'];
    // Without keyBy e3 (key a) would overtake e1 (key a).
    expect(formatSchedule(planToOrder(plan([3, 0, 0, 0])))).toBe('e2 e3 e1 e4'); // a tie at slot 3 goes by index
    const order = planToOrder(plan([3, 0, 0, 0]), (i) => keys[i]);
    const aOrder = order.filter((d) => keys[d.index] === 'a').map((d) => d.index);
    expect(aOrder).toEqual([0, 2]);
    expect(order.map((d) => d.index).sort()).toEqual([0, 1, 2, 3]);
  });

  test('minimizePlan reverts every deviation the failure does not need', async () => {
    // Fails whenever e3 (index 2) is delayed; the other deviations are noise.
    const minimal = await minimizePlan(plan([1, 2, 3, 1], [0, null, 2, 1]), async (p) => p.delays[2]! > 0);
    expect(minimal).toEqual(plan([0, 0, 3, 0]));
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
