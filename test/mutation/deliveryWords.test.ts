/**
 * src/delivery's words (event labels, delivery orders, the replay schedule), pinned where the mutation
 * run (npm run mutation, docs/testing.md) found the behaviour unchecked.
 */
import { describeEvent } from '../../src/delivery/describeEvent.ts';
import { canonicalLine, countDeviations, orderLine } from '../../src/delivery/describeOrder.ts';
import { formatSchedule, parseSchedule } from '../../src/delivery/schedule.ts';
import type { Delivery } from '../../src/delivery/deliveryPlan.ts';

const d = (index: number, duplicate = false): Delivery => ({ index, duplicate });
const inOrder = (n: number): Delivery[] => Array.from({ length: n }, (_, i) => d(i));
const events = (n: number): { type: string }[] => Array.from({ length: n }, (_, i) => ({ type: `E${i + 1}` }));

describe('describeEvent: one short label in the event’s own words', () => {
  test('its type (or name, kind, event) and its id (or key, eventId, aggregateId, orderId)', () => {
    expect(describeEvent({ type: 'Deposited', id: 7 })).toBe('Deposited(7)');
    expect(describeEvent({ name: 'Opened', key: 'acc-1' })).toBe('Opened(acc-1)');
    expect(describeEvent({ kind: 'Closed' })).toBe('Closed');
    expect(describeEvent({ event: 'Shipped', eventId: 'ev9' })).toBe('Shipped(ev9)');
    expect(describeEvent({ type: 'A', aggregateId: 3 })).toBe('A(3)');
    expect(describeEvent({ type: 'A', orderId: 'o-1' })).toBe('A(o-1)');
  });

  test('the first string kind and the first string or number id win; others are skipped', () => {
    expect(describeEvent({ type: 'A', name: 'B' })).toBe('A');
    expect(describeEvent({ type: 1, name: 'B' })).toBe('B');
    expect(describeEvent({ type: 'A', id: true, key: 'k' })).toBe('A(k)');
    expect(describeEvent({ type: 'A', id: 0 })).toBe('A(0)');
  });

  test('without a kind, the event itself, briefly; a primitive as itself', () => {
    expect(describeEvent({ amount: 5 })).toBe('{ amount: 5 }');
    expect(describeEvent('tick')).toBe("'tick'");
    expect(describeEvent(42)).toBe('42');
    expect(describeEvent(null)).toBe('null');
  });

  test('a label longer than 80 characters is cut with an ellipsis; 80 are kept', () => {
    expect(describeEvent({ type: 'x'.repeat(100) })).toBe(`${'x'.repeat(79)}…`);
    expect(describeEvent({ type: 'y'.repeat(80) })).toBe('y'.repeat(80));
  });

  test('a string event is printed whole up to the label’s limit; a wide object event stays on one line', () => {
    expect(describeEvent('s'.repeat(60))).toBe(`'${'s'.repeat(60)}'`);
    const wide = describeEvent({ amount: 5, note: 'n'.repeat(30), more: { deep: { deeper: 1 } } });
    expect(wide).not.toContain('\n');
    expect(wide).toContain('[Object]');
  });

  test('an event that throws while read is named, never thrown', () => {
    const hostile = {
      get type(): string {
        throw new Error('getter');
      },
    };
    expect(describeEvent(hostile)).toBe('[an event that cannot be described]');
  });
});

describe('delivery orders in words', () => {
  test('a short order prints whole: late events say how late, redeliveries say so', () => {
    expect(orderLine(events(3), [d(1), d(2), d(0), d(2, true)])).toBe(
      'e2 E2 · e3 E3 · e1 E1 [2 late] · e3* E3 [redelivered]',
    );
    expect(countDeviations([d(1), d(2), d(0), d(2, true)])).toBe(2);
    expect(countDeviations(inOrder(5))).toBe(0);
  });

  test('a long order shows its ends and each deviation with a neighbour on each side', () => {
    const order = [d(1), d(0), ...inOrder(20).slice(2)];
    expect(orderLine(events(20), order)).toBe('e2 E2 · e1 E1 [1 late] · e3 E3 · … 16 in order … · e20 E20');
    expect(countDeviations(order)).toBe(1);
  });

  test('a long order with many deviations shows at most 24 and counts the deviating ones it left out', () => {
    const order = Array.from({ length: 20 }, (_, i) => [d(i), d(i, true)]).flat();
    const line = orderLine(events(20), order);
    const parts = line.split(' · ');
    expect(parts).toHaveLength(27);
    expect(parts[25]).toBe('… 14 more (7 of them late or redelivered) …');
    expect(parts[26]).toBe('e20* E20 [redelivered]');
    expect(countDeviations(order)).toBe(20);
  });

  test('a deviation in the middle is shown with its neighbour on each side; late events in a gap are counted', () => {
    const order = [...inOrder(20)];
    [order[9], order[10]] = [order[10]!, order[9]!];
    expect(orderLine(events(20), order)).toBe(
      'e1 E1 · … 8 in order … · e11 E11 · e10 E10 [1 late] · e12 E12 · … 7 in order … · e20 E20',
    );
    const manyLate = [...Array.from({ length: 30 }, (_, i) => d(i + 1)), d(0)];
    const line = orderLine(events(31), manyLate);
    expect(line.endsWith('e1 E1 [30 late]')).toBe(true);
    const lateOnly = Array.from({ length: 40 }, (_, i) => d(i % 2 === 0 ? i + 1 : i - 1));
    expect(orderLine(events(40), lateOnly)).toMatch(/… \d+ more \(\d+ of them late or redelivered\) …/);
  });

  test('an order of exactly 12 prints whole; 13 is cut', () => {
    expect(orderLine(events(12), inOrder(12)).split(' · ')).toHaveLength(12);
    expect(orderLine(events(13), inOrder(13))).toBe('e1 E1 · … 11 in order … · e13 E13');
  });

  test('the canonical order: whole up to 12 events, else its ends and its count', () => {
    expect(canonicalLine(events(2))).toBe('e1 E1 · e2 E2');
    expect(canonicalLine(events(12)).split(' · ')).toHaveLength(12);
    expect(canonicalLine(events(20))).toBe('e1 E1 · e2 E2 · … 17 in order … · e20 E20 (all 20 in order, once each)');
  });
});

describe('the replay schedule', () => {
  test('a stretch of 10 or more in order prints as a range; 9 are spelt out; a redelivery breaks it', () => {
    expect(formatSchedule(inOrder(10))).toBe('e1..e10');
    expect(formatSchedule(inOrder(9))).toBe('e1 e2 e3 e4 e5 e6 e7 e8 e9');
    expect(formatSchedule([...inOrder(10), d(3, true), d(10)])).toBe('e1..e10 e4* e11');
    expect(formatSchedule([d(1), ...inOrder(12).slice(2), d(0)])).toBe('e2..e12 e1');
  });

  test('a redelivery never starts a range: it keeps its star', () => {
    expect(formatSchedule([d(0), d(0, true), ...inOrder(12).slice(1)])).toBe('e1 e1* e2..e12');
  });

  test('ranges and tokens with two digits, a one-event range, and a 40-character token shown whole', () => {
    expect(parseSchedule('w', 'e1..e9 e10', 10)).toEqual(inOrder(10));
    expect(parseSchedule('w', 'e10..e12 e1..e9', 12)).toEqual([d(9), d(10), d(11), ...inOrder(9)]);
    expect(parseSchedule('w', 'e1 e2..e2', 2)).toEqual([d(0), d(1)]);
    const forty = 'x'.repeat(38);
    expect(() => parseSchedule('w', [forty], 3)).toThrow(`names "${forty}", which is not`);
  });

  test('a token is read whole: text before or after an event or a range is refused', () => {
    for (const token of ['x2', 'xe1..e3', 'e1..e3x', 'e1*5'])
      expect(() => parseSchedule('w', `e1 e2 e3 ${token}`, 20)).toThrow(`names "${token}", which is not`);
  });

  test('parses its own words, lists of 0-based indices and ranges; repeats are redeliveries', () => {
    expect(parseSchedule('w', '  e1 e3\te2  e2* ', 3)).toEqual([d(0), d(2), d(1), d(1, true)]);
    expect(parseSchedule('w', [0, 1, 1], 2)).toEqual([d(0), d(1), d(1, true)]);
    expect(parseSchedule('w', 'e1..e3 e2', 3)).toEqual([d(0), d(1), d(2), d(1, true)]);
    expect(parseSchedule('w', formatSchedule([...inOrder(12), d(5, true)]), 12)).toEqual([...inOrder(12), d(5, true)]);
  });

  test('a token that is not one of the events is named, bounded', () => {
    const count3 = (token: unknown) => () => parseSchedule('.toBeIdempotent()', [token], 3);
    expect(count3('x')).toThrow('.toBeIdempotent(): `schedule` names "x", which is not one of the 3 events (e1 … e3).');
    expect(count3('e4')).toThrow('names "e4", which is not');
    expect(count3('e0')).toThrow('names "e0", which is not');
    expect(count3(3)).toThrow('names 3, which is not');
    expect(count3(-1)).toThrow('names -1, which is not');
    expect(count3(1.5)).toThrow('names 1.5, which is not');
    expect(count3(undefined)).toThrow('names undefined, which is not');
    expect(count3({ e: 1 })).toThrow('names {"e":1}, which is not');
    expect(count3('e1x')).toThrow('names "e1x", which is not');
    expect(count3('xe1')).toThrow('names "xe1", which is not');
    expect(count3('e'.repeat(60))).toThrow(`names ${`"${'e'.repeat(60)}"`.slice(0, 40)}…, which is not`);
    expect(count3('e1..e4')).toThrow('names "e1..e4", which is not');
  });

  test('a backwards range says how to write it', () => {
    expect(() => parseSchedule('w', 'e3..e1', 3)).toThrow('w: `schedule` range "e3..e1" runs backwards; write e1..e3.');
  });

  test('an empty or wrong-typed schedule says what it must be', () => {
    const must = 'w: `schedule` must be a string like "e1 e3 e2 e2*" or a list of 0-based event indices, got ';
    expect(() => parseSchedule('w', '   ', 2)).toThrow(`${must}an empty string.`);
    expect(() => parseSchedule('w', 12, 2)).toThrow(`${must}number.`);
    expect(() => parseSchedule('w', [], 2)).toThrow(`${must}object.`);
  });

  test('every event must be delivered; the missing ones are listed, at most 10', () => {
    expect(() => parseSchedule('w', 'e1 e1*', 3)).toThrow(
      'w: `schedule` must deliver every event at least once; it never delivers e2, e3.',
    );
    expect(() => parseSchedule('w', 'e1', 13)).toThrow(
      'it never delivers e2, e3, e4, e5, e6, e7, e8, e9, e10, e11 and 2 more.',
    );
    expect(() => parseSchedule('w', 'e1', 11)).toThrow(/it never delivers e2, e3, e4, e5, e6, e7, e8, e9, e10, e11\.$/);
  });
});
