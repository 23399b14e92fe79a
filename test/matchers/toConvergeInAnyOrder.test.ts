import { failureOf } from '../support/failure.ts';

type AccountEvent = { type: 'Opened' | 'Deposited' | 'Renamed'; id: string; account: string; seq: number; amount?: number; name?: string };
const events: AccountEvent[] = [
  { type: 'Opened', id: 'a1', account: 'a', seq: 1, name: 'alice' },
  { type: 'Deposited', id: 'a2', account: 'a', seq: 2, amount: 10 },
  { type: 'Renamed', id: 'a3', account: 'a', seq: 3, name: 'bob' },
  { type: 'Deposited', id: 'a4', account: 'a', seq: 4, amount: 5 },
  { type: 'Renamed', id: 'a5', account: 'a', seq: 5, name: 'carol' },
];

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

  test('catches last-write-wins by arrival and shrinks it to one late event', async () => {
    const p = projection();
    const project = (e: AccountEvent): void => {
      const s = p.get();
      if (s.seen.includes(e.id)) return;
      s.seen.push(e.id);
      if (e.type === 'Deposited') s.balance += e.amount!;
      if (e.type === 'Renamed' || e.type === 'Opened') s.name = e.name; // planted bug: arrival order wins
    };
    const message = await failureOf(expect(project).toConvergeInAnyOrder(events, { reset: p.reset, state: p.state, seed: 42 }));
    expect(message).toMatch(/handler "project"'s final state depends on delivery order: run \d+ of 100 \(seed 42\) diverged; shrunk .*to a 1-minimal deviation from the canonical order \(1 event moved or redelivered\)/);
    expect(message).toMatch(/canonical {2}e1 Opened\(a1\) · e2 Deposited\(a2\) · e3 Renamed\(a3\) · e4 Deposited\(a4\) · e5 Renamed\(a5\)/);
    expect(message).toMatch(/failing {4}.*\[\d late\]/);
    expect(message).toMatch(/"name": "carol"/);
    expect(message).toMatch(/Replay exactly this order: \{ schedule: 'e\d( e\d\*?){4,5}' \} {3}or the whole run: \{ seed: 42 \}/);
  });

  test('catches a missing dedupe with a single redelivery', async () => {
    const p = projection();
    const project = (e: AccountEvent): void => {
      const s = p.get();
      if (e.type === 'Deposited') s.balance += e.amount!; // planted bug: no dedupe
      if ((e.type === 'Renamed' || e.type === 'Opened') && e.seq > s.nameSeq) [s.name, s.nameSeq] = [e.name, e.seq];
    };
    const message = await failureOf(expect(project).toConvergeInAnyOrder(events, { reset: p.reset, state: p.state, seed: 7 }));
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
    await failureOf(expect(project).toConvergeInAnyOrder(events, { reset: () => (p.reset(), seenTypes.clear()), state: p.state, seed: 1 }));
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
    const message = await failureOf(expect(project).toConvergeInAnyOrder(events, { reset: () => (p.reset(), (order.length = 0)), state: p.state, schedule: 'e1 e2 e4 e5 e3' }));
    expect(order).toEqual(['a1', 'a2', 'a4', 'a5', 'a3']);
    expect(message).toMatch(/the replayed schedule diverged/);
    expect(message).toMatch(/e3 Renamed\(a3\) \[2 late\]/);
  });

  test('keyBy keeps order within a key and reorders across keys', async () => {
    const perKey: Record<string, number[]> = {};
    const twoAccounts = [1, 2, 3].flatMap((n) => ['x', 'y'].map((account) => ({ type: 'Deposited' as const, id: `${account}${n}`, account, seq: n, amount: n })));
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
    const message = await failureOf(expect(project).toConvergeInAnyOrder(events, { reset: p.reset, state: p.state, seed: 3 }));
    expect(message).toMatch(/handler "project" threw on delivery \d+ \(e\d Deposited\(a\d\)\) of a reordered run; that is reported as a failure of its own/);
    expect(message).toMatch(/Error: account not opened/);
  });

  test('bad input is a TypeError naming the argument', async () => {
    const ok = { reset: () => {}, state: () => 1 };
    await expect(async () => expect(() => {}).toConvergeInAnyOrder([], ok)).rejects.toThrow(/`events` is empty/);
    await expect(async () => expect(() => {}).toConvergeInAnyOrder([1], { state: () => 1 } as never)).rejects.toThrow(/`reset` is required/);
    await expect(async () => expect(() => {}).toConvergeInAnyOrder([1], { reset: () => {} } as never)).rejects.toThrow(/`state` is required/);
    await expect(async () => expect(() => {}).toConvergeInAnyOrder([{ id: 'z' }], { ...ok, keyBy: () => { throw new Error('no partition'); } })).rejects.toThrow(/`keyBy` threw for e1 .*: no partition/);
    await expect(async () => expect(() => {}).toConvergeInAnyOrder([1, 2], { ...ok, schedule: 'e1 e3' })).rejects.toThrow(/`schedule` names "e3", which is not one of the 2 events/);
    await expect(async () => expect(() => {}).toConvergeInAnyOrder([1, 2], { ...ok, schedule: 'e1 e1' })).rejects.toThrow(/must deliver every event at least once; it never delivers e2/);
  });
});

describe('.not.toConvergeInAnyOrder', () => {
  test('passes when some order diverges (a negative control)', async () => {
    const p = projection();
    await expect((e: AccountEvent) => void (p.get().name = e.name ?? p.get().name)).not.toConvergeInAnyOrder(events, { reset: p.reset, state: p.state });
  });

  test('fails when every order converges', async () => {
    let total = 0;
    const message = await failureOf(expect((e: AccountEvent) => void (total += 0 * e.seq)).not.toConvergeInAnyOrder(events, { reset: () => void (total = 0), state: () => total, runs: 20 }));
    expect(message).toMatch(/Expected some delivery order to diverge, but all 20 explored order\(s\) converged/);
  });
});
