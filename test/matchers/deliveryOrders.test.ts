/**
 * toConvergeInAnyOrder explores every order: with the old slot plan a later event could never arrive
 * before the first one (a tie went by index), so two events were never swapped and the classic
 * "deposit before the account is opened" bug passed, whatever the number of runs.
 */
import { failureOf } from '../support/failure.ts';

type AccountEvent = { type: 'Opened' | 'Deposited'; account: string; amount?: number };

test('toConvergeInAnyOrder swaps two events: a deposit that arrives before its account is opened is caught', async () => {
  let opened = new Set<string>();
  let balance = 0;
  const project = (e: AccountEvent): void => {
    if (e.type === 'Opened') opened.add(e.account);
    else if (opened.has(e.account)) balance += e.amount!; // planted bug: an early deposit is dropped
  };
  const events: AccountEvent[] = [
    { type: 'Opened', account: 'a' },
    { type: 'Deposited', account: 'a', amount: 5 },
  ];
  const reset = (): void => {
    opened = new Set();
    balance = 0;
  };
  const message = await failureOf(
    expect(project).toConvergeInAnyOrder(events, { reset, state: () => balance, duplicates: false, seed: 3 }),
  );
  expect(message).toMatch(/failing {4}e2 Deposited · e1 Opened \[1 late\]/);
  expect(message).toMatch(/Replay exactly this order: \{ schedule: 'e2 e1' \}/);
});

test('toConvergeInAnyOrder brings the last of several events first when that is what breaks', async () => {
  let log: string[] = [];
  // Planted bug: 'last' is dropped when it arrives before 'start'; the events between are harmless.
  const project = (e: string): void => void (e === 'last' && !log.includes('start') ? undefined : log.push(e));
  const events = ['start', 'b', 'c', 'last'];
  const message = await failureOf(
    expect(project).toConvergeInAnyOrder(events, {
      reset: () => void (log = []),
      state: () => [...log].sort(),
      duplicates: false,
      seed: 11,
    }),
  );
  expect(message).toMatch(/final state depends on delivery order/);
  const schedule = /schedule: '([^']+)'/.exec(message)![1]!.split(' ');
  expect(schedule.indexOf('e4')).toBeLessThan(schedule.indexOf('e1'));
});
