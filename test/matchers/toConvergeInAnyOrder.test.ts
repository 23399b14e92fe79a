import { currentTestState, endTest } from '../../src/runner/testState.ts';
import { monotonicNow } from '../../src/time/realTime.ts';
import { failureOf } from '../support/failure.ts';
import { runner } from '../support/runner.ts';

type AccountEvent = {
  type: 'Opened' | 'Deposited' | 'Renamed';
  id: string;
  account: string;
  seq: number;
  amount?: number;
  name?: string;
};
const events: AccountEvent[] = [
  { type: 'Opened', id: 'a1', account: 'a', seq: 1, name: 'alice' },
  { type: 'Deposited', id: 'a2', account: 'a', seq: 2, amount: 10 },
  { type: 'Renamed', id: 'a3', account: 'a', seq: 3, name: 'bob' },
  { type: 'Deposited', id: 'a4', account: 'a', seq: 4, amount: 5 },
  { type: 'Renamed', id: 'a5', account: 'a', seq: 5, name: 'carol' },
];

/** A few real turns of the event loop: enough for anything still scheduled to run. */
async function turns(n = 5): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** 20 000 events over 100 accounts: a deposit, or a rename that must win by sequence number. */
const manyEvents: AccountEvent[] = Array.from({ length: 20_000 }, (_, i) => ({
  type: i % 10 === 9 ? 'Renamed' : 'Deposited',
  id: `m${i}`,
  account: `acc-${i % 100}`,
  seq: i,
  ...(i % 10 === 9 ? { name: `n${i}` } : { amount: 1 }),
}));

function projection() {
  let state: { name?: string; nameSeq: number; balance: number; seen: string[] } = { nameSeq: 0, balance: 0, seen: [] };
  return {
    reset: () => void (state = { nameSeq: 0, balance: 0, seen: [] }),
    state: () => ({ name: state.name, balance: state.balance }),
    get: () => state,
  };
}

describe('.toConvergeInAnyOrder', () => {
  test('passes for a projection that dedupes and orders by sequence number', async () => {
    const p = projection();
    const project = (e: AccountEvent): void => {
      const s = p.get();
      if (s.seen.includes(e.id)) return;
      s.seen.push(e.id);
      if (e.type === 'Deposited') s.balance += e.amount!;
      if ((e.type === 'Renamed' || e.type === 'Opened') && e.seq > s.nameSeq) [s.name, s.nameSeq] = [e.name, e.seq];
    };
    await expect(project).toConvergeInAnyOrder(events, { reset: p.reset, state: p.state, runs: 300 });
  });

  test('catches last-write-wins by arrival and shrinks it to a 1-minimal deviation', async () => {
    const p = projection();
    const project = (e: AccountEvent): void => {
      const s = p.get();
      if (s.seen.includes(e.id)) return;
      s.seen.push(e.id);
      if (e.type === 'Deposited') s.balance += e.amount!;
      if (e.type === 'Renamed' || e.type === 'Opened') s.name = e.name; // planted bug: arrival order wins
    };
    const message = await failureOf(
      expect(project).toConvergeInAnyOrder(events, { reset: p.reset, state: p.state, seed: 42 }),
    );
    expect(message).toMatch(
      /handler "project"'s final state depends on delivery order: run \d+ of 100 \(seed 42\) diverged; shrunk .*to a 1-minimal deviation from the canonical order \((1 event|2 events) moved or redelivered\)/,
    );
    expect(message).toMatch(
      /canonical {2}e1 Opened\(a1\) · e2 Deposited\(a2\) · e3 Renamed\(a3\) · e4 Deposited\(a4\) · e5 Renamed\(a5\)/,
    );
    expect(message).toMatch(/failing {4}.*\[\d late\]/);
    expect(message).toMatch(/"name": "carol"/);
    expect(message).toMatch(
      /Replay exactly this order: \{ schedule: 'e\d( e\d\*?){4,5}' \} {3}or the whole run: \{ seed: 42 \}/,
    );
  });

  test('catches a missing dedupe with a single redelivery', async () => {
    const p = projection();
    const project = (e: AccountEvent): void => {
      const s = p.get();
      if (e.type === 'Deposited') s.balance += e.amount!; // planted bug: no dedupe
      if ((e.type === 'Renamed' || e.type === 'Opened') && e.seq > s.nameSeq) [s.name, s.nameSeq] = [e.name, e.seq];
    };
    const message = await failureOf(
      expect(project).toConvergeInAnyOrder(events, { reset: p.reset, state: p.state, seed: 7 }),
    );
    expect(message).toMatch(/\(1 event moved or redelivered\)/);
    expect(message).toMatch(/e[24]\* Deposited\(a[24]\) \[redelivered\]/);
  });

  test('a dedupe keyed on the wrong field is caught', async () => {
    const p = projection();
    const seenTypes = new Set<string>();
    const project = (e: AccountEvent): void => {
      const s = p.get();
      const key = `${e.type}:${e.account}`; // planted bug: should be e.id
      if (seenTypes.has(key)) return;
      seenTypes.add(key);
      if (e.type === 'Deposited') s.balance += e.amount!;
      if ((e.type === 'Renamed' || e.type === 'Opened') && e.seq > s.nameSeq) [s.name, s.nameSeq] = [e.name, e.seq];
    };
    const message = await failureOf(
      expect(project).toConvergeInAnyOrder(events, {
        reset: () => (p.reset(), seenTypes.clear()),
        state: p.state,
        seed: 1,
      }),
    );
    // Canonically the second deposit (a4) and rename (a5) are dropped; a late a2 drops a2 instead.
    expect(message).toMatch(
      /handler "project"'s final state depends on delivery order: run \d+ of 100 \(seed 1\) diverged; shrunk .*to a 1-minimal deviation from the canonical order \((1 event|2 events) moved or redelivered\)/,
    );
    expect(message).toMatch(/failing {4}.*e\d (Deposited|Renamed)\(a\d\) \[\d late\]/);
    expect(message).toMatch(/"balance": 10,[\s\S]*"balance": 5,|"name": "bob",[\s\S]*"name": "carol",/);
  });

  test('the same seed gives the same message twice', async () => {
    const p = projection();
    const project = (e: AccountEvent): void => {
      const s = p.get();
      if (e.type === 'Renamed' || e.type === 'Opened') s.name = e.name;
    };
    const options = { reset: p.reset, state: p.state, seed: 2026 };
    const first = await failureOf(expect(project).toConvergeInAnyOrder(events, options));
    expect(await failureOf(expect(project).toConvergeInAnyOrder(events, options))).toBe(first);
  });

  test('{ schedule } replays one order exactly', async () => {
    const p = projection();
    const order: string[] = [];
    const project = (e: AccountEvent): void => {
      order.push(e.id);
      if (e.type === 'Renamed' || e.type === 'Opened') p.get().name = e.name;
    };
    const message = await failureOf(
      expect(project).toConvergeInAnyOrder(events, {
        reset: () => (p.reset(), (order.length = 0)),
        state: p.state,
        schedule: 'e1 e2 e4 e5 e3',
      }),
    );
    expect(order).toEqual(['a1', 'a2', 'a4', 'a5', 'a3']);
    expect(message).toMatch(/the replayed schedule diverged/);
    expect(message).toMatch(/e3 Renamed\(a3\) \[2 late\]/);
  });

  test('keyBy keeps order within a key and reorders across keys', async () => {
    const perKey: Record<string, number[]> = {};
    const twoAccounts = [1, 2, 3].flatMap((n) =>
      ['x', 'y'].map((account) => ({ type: 'Deposited' as const, id: `${account}${n}`, account, seq: n, amount: n })),
    );
    const project = (e: AccountEvent): void => void (perKey[e.account] ??= []).push(e.seq);
    await expect(project).toConvergeInAnyOrder(twoAccounts, {
      reset: () => Object.keys(perKey).forEach((k) => delete perKey[k]),
      state: () => ({ x: perKey.x, y: perKey.y }),
      keyBy: (e: AccountEvent) => e.account,
      duplicates: false,
      runs: 200,
    });
  });

  test('a handler that throws is reported as such', async () => {
    const p = projection();
    const project = (e: AccountEvent): void => {
      if (e.type === 'Deposited' && p.get().name === undefined) throw new Error('account not opened');
      if (e.type === 'Opened') p.get().name = e.name;
    };
    const message = await failureOf(
      expect(project).toConvergeInAnyOrder(events, { reset: p.reset, state: p.state, seed: 3 }),
    );
    expect(message).toMatch(
      /handler "project" threw on delivery \d+ \(e\d Deposited\(a\d\)\) of a reordered run; that is reported as a failure of its own/,
    );
    expect(message).toMatch(/Error: account not opened/);
  });

  test('bad input is a TypeError naming the argument', async () => {
    const ok = { reset: () => {}, state: () => 1 };
    await expect(async () => expect(() => {}).toConvergeInAnyOrder([], ok)).rejects.toThrow(/`events` is empty/);
    await expect(async () => expect(() => {}).toConvergeInAnyOrder([1], { state: () => 1 } as never)).rejects.toThrow(
      /`reset` is required/,
    );
    await expect(async () => expect(() => {}).toConvergeInAnyOrder([1], { reset: () => {} } as never)).rejects.toThrow(
      /`state` is required/,
    );
    await expect(async () =>
      expect(() => {}).toConvergeInAnyOrder([{ id: 'z' }], {
        ...ok,
        keyBy: () => {
          throw new Error('no partition');
        },
      }),
    ).rejects.toThrow(/`keyBy` threw for e1 .*: no partition/);
    await expect(async () =>
      expect(() => {}).toConvergeInAnyOrder([1, 2], { ...ok, schedule: 'e1 e3' }),
    ).rejects.toThrow(/`schedule` names "e3", which is not one of the 2 events/);
    await expect(async () =>
      expect(() => {}).toConvergeInAnyOrder([1, 2], { ...ok, schedule: 'e1 e1' }),
    ).rejects.toThrow(/must deliver every event at least once; it never delivers e2/);
  });
});

describe('.not.toConvergeInAnyOrder', () => {
  test('passes when some order diverges (a negative control)', async () => {
    const p = projection();
    await expect((e: AccountEvent) => void (p.get().name = e.name ?? p.get().name)).not.toConvergeInAnyOrder(events, {
      reset: p.reset,
      state: p.state,
    });
  });

  test('fails when every order converges', async () => {
    let seen = new Set<string>();
    const message = await failureOf(
      expect((e: AccountEvent) => void seen.add(e.id)).not.toConvergeInAnyOrder(events, {
        reset: () => void (seen = new Set()),
        state: () => [...seen].sort(),
        runs: 20,
      }),
    );
    expect(message).toMatch(/Expected some delivery order to diverge, but all 20 explored order\(s\) converged/);
  });
});

describe('.toConvergeInAnyOrder is bounded', () => {
  test('a handler that never settles fails with its own message, naming the delivery and event, before the test times out', async () => {
    const p = projection();
    const started = monotonicNow();
    const project = (e: AccountEvent): unknown => (e.id === 'a3' ? new Promise(() => {}) : undefined);
    const message = await failureOf(expect(project).toConvergeInAnyOrder(events, { reset: p.reset, state: p.state }));
    expect(monotonicNow() - started).toBeLessThan(2_000);
    expect(message).toMatch(
      /handler "project" was not shown to converge: stopped after 0 of 100 runs \(\d+(\.\d+)? m?s\), 250 ms before the test's own 2000 ms timeout; the canonical run \(in order, once each\) was delivering e3 Renamed\(a3\) the 1st time \(delivery 3 of 5\) when the deadline came\. A stopped check is never a pass/,
    );
  }, 2_000);

  test('deliveryTimeout bounds one delivery; a hung redelivery in a reordered run is named with its replay', async () => {
    const p = projection();
    const project = (e: AccountEvent): unknown => {
      const s = p.get();
      if (s.seen.includes(e.id)) return new Promise(() => {}); // a redelivery hangs
      s.seen.push(e.id);
      return undefined;
    };
    const message = await failureOf(
      expect(project).toConvergeInAnyOrder(events, {
        reset: p.reset,
        state: () => p.get().seen.length,
        seed: 5,
        deliveryTimeout: 30,
      }),
    );
    expect(message).toMatch(
      /handler "project" did not settle: delivery \d+ of \d+ in run \d+ \(e\d \w+\(a\d\), the 2nd time\) was still running after deliveryTimeout: 30 ms\. It was abandoned, and nothing was called after it \(\d+ of 100 runs had finished\)\./,
    );
    expect(message).toMatch(/hung in {4}.*\[redelivered\]/);
    expect(message).toMatch(
      /Replay exactly this order: \{ schedule: '[^']+\*[^']*' \} {3}or the whole run: \{ seed: 5 \}/,
    );
  });

  test('calls no handler once the test has ended (a forgotten await)', async () => {
    let calls = 0;
    let firstCall: () => void = () => {};
    const called = new Promise<void>((resolve) => (firstCall = resolve));
    const slow = async (e: AccountEvent): Promise<void> => {
      calls++;
      firstCall();
      await new Promise((resolve) => setImmediate(resolve));
      void e;
    };
    // Deliberately not awaited: the mistake under test.
    const forgotten = expect(slow).toConvergeInAnyOrder(events, { reset: () => {}, state: () => 0, runs: 1_000_000 });
    await called;
    const error = endTest(currentTestState()!);
    expect(error?.message).toMatch(
      /expect\(…\)\.toConvergeInAnyOrder\(…\) in test ".*calls no handler once the test has ended.*": still running when the test ended/,
    );
    const message = await failureOf(forgotten);
    expect(message).toMatch(
      /The test ended while handler "slow" was still being checked, after \d+ of 1000000 runs .*It was stopped, and a stopped check is never a pass\./,
    );
    const callsAtEnd = calls;
    await turns();
    expect(calls).toBe(callsAtEnd);
  });

  test('calls no handler after it returned, even when an abandoned delivery settles later', async () => {
    let calls = 0;
    let release: () => void = () => {};
    const project = (e: AccountEvent): unknown => {
      calls++;
      return e.id === 'a2' ? new Promise<void>((resolve) => (release = resolve)) : undefined;
    };
    await failureOf(
      expect(project).toConvergeInAnyOrder(events, { reset: () => {}, state: () => 0, deliveryTimeout: 20 }),
    );
    expect(calls).toBe(2);
    release();
    await turns();
    expect(calls).toBe(2);
  });

  test('20 000 events: a planted bug ends with a bounded message before the deadline, the event loop turning meanwhile', async () => {
    const names = new Map<string, string>();
    const seen = new Set<string>();
    let turned = false;
    let callsAfterATurn = 0;
    setImmediate(() => (turned = true));
    const project = (e: AccountEvent): void => {
      if (turned) callsAfterATurn++;
      if (seen.has(e.id)) return;
      seen.add(e.id);
      if (e.type === 'Renamed') names.set(e.account, e.name!); // planted bug: arrival order wins
    };
    const started = monotonicNow();
    const message = await failureOf(
      expect(project).toConvergeInAnyOrder(manyEvents, {
        reset: () => (names.clear(), seen.clear()),
        state: () => Object.fromEntries(names),
        seed: 11,
      }),
    );
    expect(monotonicNow() - started).toBeLessThan(5_000);
    expect(callsAfterATurn).toBeGreaterThan(0);
    expect(message).toMatch(
      /handler "project"'s final state depends on delivery order: run \d+ of 100 \(seed 11\) diverged/,
    );
    expect(message).toMatch(
      /canonical {2}e1 Deposited\(m0\) · e2 Deposited\(m1\) · … 19997 in order … · e20000 Renamed\(m19999\) \(all 20000 in order, once each\)/,
    );
    expect(message).toMatch(/Replay exactly this order: \{ schedule: 'e1\.\.e\d+ .*' \}/);
    expect(message.length).toBeLessThan(20_000);
  }, 5_000);

  test('20 000 events with more runs than time: stopped before the deadline, saying how far it got', async () => {
    const total = new Map<string, number>();
    const project = (e: AccountEvent): void => void total.set(e.account, (total.get(e.account) ?? 0) + (e.amount ?? 0));
    const started = monotonicNow();
    const message = await failureOf(
      expect(project).toConvergeInAnyOrder(manyEvents, {
        reset: () => total.clear(),
        state: () => Object.fromEntries(total),
        duplicates: false,
        runs: 1_000_000,
      }),
    );
    expect(monotonicNow() - started).toBeLessThan(3_000);
    expect(message).toMatch(
      /handler "project" was not shown to converge: stopped after \d+ of 1000000 runs \(\d\.\d\d s\), 250 ms before the test's own 3000 ms timeout; run \d+ was (delivering|about to deliver) e\d+ \w+\(m\d+\) the 1st time \(delivery \d+ of 20000\) when the deadline came|run \d+ was (in|about to call) (reset|state)\(\) when the deadline came/,
    );
  }, 3_000);

  test('shrinking within a budget: the smallest counterexample so far, marked as maybe not minimal', async () => {
    const p = projection();
    const project = (e: AccountEvent): void => {
      const s = p.get();
      if (s.seen.includes(e.id)) return;
      s.seen.push(e.id);
      if (e.type === 'Renamed' || e.type === 'Opened') s.name = e.name; // planted bug: arrival order wins
    };
    const byRuns = await failureOf(
      expect(project).toConvergeInAnyOrder(events, { reset: p.reset, state: p.state, seed: 42, maxShrinks: 2 }),
    );
    expect(byRuns).toMatch(
      /depends on delivery order: run \d+ of 100 \(seed 42\) diverged; shrunk .*toward the canonical order until the shrinking was cut short \(\d events? moved or redelivered\)\./,
    );
    expect(byRuns).toMatch(
      /Shrinking stopped after 2 candidate orders \(maxShrinks: 2\): this is the smallest failing order found so far, and it may not be minimal\./,
    );
    expect(byRuns).toMatch(/Replay exactly this order: \{ schedule: '[^']+' \} {3}or the whole run: \{ seed: 42 \}/);
    const byTime = await failureOf(
      expect(project).toConvergeInAnyOrder(events, { reset: p.reset, state: p.state, seed: 42, shrinkTimeout: 0 }),
    );
    expect(byTime).toMatch(
      /Shrinking stopped after 0 ms \(shrinkTimeout, by default a quarter of the time left, at most 2 s\): this is the smallest failing order found so far, and it may not be minimal\./,
    );
  });

  test('keeps real time under fake timers: a hung delivery still ends at deliveryTimeout', async () => {
    runner.useFakeTimers();
    try {
      const p = projection();
      const project = (e: AccountEvent): unknown => (e.id === 'a2' ? new Promise(() => {}) : undefined);
      const message = await failureOf(
        expect(project).toConvergeInAnyOrder(events, { reset: p.reset, state: p.state, deliveryTimeout: 20 }),
      );
      expect(message).toMatch(
        /did not settle: delivery 2 of 5 in the canonical run \(in order, once each\) \(e2 Deposited\(a2\), the 1st time\) was still running after deliveryTimeout: 20 ms/,
      );
    } finally {
      runner.useRealTimers();
    }
  });

  test('bad bounds are a TypeError naming the option', async () => {
    const ok = { reset: () => {}, state: () => 1 };
    await expect(async () => expect(() => {}).toConvergeInAnyOrder([1], { ...ok, deliveryTimeout: 0 })).rejects.toThrow(
      /`deliveryTimeout` must be a finite number of milliseconds > 0, got 0/,
    );
    await expect(async () => expect(() => {}).toConvergeInAnyOrder([1], { ...ok, shrinkTimeout: -1 })).rejects.toThrow(
      /`shrinkTimeout` must be a finite number of milliseconds >= 0, got -1/,
    );
    await expect(async () => expect(() => {}).toConvergeInAnyOrder([1], { ...ok, maxShrinks: 1.5 })).rejects.toThrow(
      /`maxShrinks` must be a whole number >= 0, got 1.5/,
    );
  });
});
