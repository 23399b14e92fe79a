/**
 * Issue 18 items 2 and 3: the delivery matchers compare copies of the state as values, and a first
 * delivery that changes nothing they observe is a failure (the test proved nothing), unless opted out.
 */
import { failureOf } from '../support/failure.ts';
import { runner } from '../support/runner.ts';

type Charge = { id: string; account: string; amount: number };
const charge = (id: string, amount = 10): Charge => ({ id, account: 'acc-1', amount });

class Ledger {
  entries = new Map<string, number[]>();
  total(account: string): number {
    return (this.entries.get(account) ?? []).reduce((a, b) => a + b, 0);
  }
}

describe('delivery matchers compare copies of the state, as values', () => {
  test('toBeIdempotent catches a double charge when state() returns an object with a method', async () => {
    const account = { balance: 0, describe: () => `balance ${account.balance}` };
    const applyCharge = (e: Charge): void => void (account.balance += e.amount);
    const message = await failureOf(expect(applyCharge).toBeIdempotent(charge('c1'), { state: () => account }));
    expect(message).toMatch(
      /handler "applyCharge" is not idempotent: redelivering e1 .* changed the state \(delivery #2/,
    );
    expect(message).toMatch(/"balance": 10/);
    expect(message).toMatch(/"balance": 20/);
  });

  test('toBeIdempotent catches a double charge when state() returns a live Map', async () => {
    const balances = new Map<string, number>();
    const applyCharge = (e: Charge): void => void balances.set(e.account, (balances.get(e.account) ?? 0) + e.amount);
    const message = await failureOf(expect(applyCharge).toBeIdempotent(charge('c1'), { state: () => balances }));
    expect(message).toMatch(/is not idempotent: redelivering e1 .* changed the state/);
    expect(message).toMatch(/"acc-1" => 20/);
  });

  test('toBeIdempotent catches a double charge in a class instance holding a Map of arrays', async () => {
    const ledger = new Ledger();
    const post = (e: Charge): void =>
      void ledger.entries.set(e.account, [...(ledger.entries.get(e.account) ?? []), e.amount]);
    const message = await failureOf(expect(post).toBeIdempotent(charge('c1'), { state: () => ledger }));
    expect(message).toMatch(/is not idempotent: redelivering e1 .* changed the state/);
    expect(message).toMatch(/Ledger/);
  });

  test('with reset, a state with a fresh closure per call is not "nondeterministic": idempotent passes, a double charge is named', async () => {
    let balance = 0;
    const seen = new Set<string>();
    const state = () => ({ balance, describe: () => `balance ${balance}` });
    const reset = (): void => {
      balance = 0;
      seen.clear();
    };
    const deduped = (e: Charge): void => {
      if (seen.has(e.id)) return;
      seen.add(e.id);
      balance += e.amount;
    };
    await expect(deduped).toBeIdempotent(charge('c1'), { state, reset });
    const twice = (e: Charge): void => void (balance += e.amount);
    const message = await failureOf(expect(twice).toBeIdempotent(charge('c1'), { state, reset }));
    expect(message).toMatch(/handler "twice" is not idempotent/);
    expect(message).not.toMatch(/nondeterministic/);
  });

  test('toConvergeInAnyOrder catches arrival-order-wins when state() returns a live Map', async () => {
    let names = new Map<string, string>();
    const rename = (e: { account: string; name: string }): void => void names.set(e.account, e.name);
    const events = [
      { account: 'a', name: 'alice' },
      { account: 'a', name: 'bob' },
    ];
    const message = await failureOf(
      expect(rename).toConvergeInAnyOrder(events, {
        reset: () => void (names = new Map()),
        state: () => names,
        seed: 1,
      }),
    );
    expect(message).toMatch(/final state depends on delivery order/);
  });

  test('toConvergeInAnyOrder catches a missing dedupe when state() returns an object with a method', async () => {
    const store = { count: 0, describe: () => `count ${store.count}` };
    const count = (): void => void store.count++;
    const message = await failureOf(
      expect(count).toConvergeInAnyOrder([{ id: 1 }, { id: 2 }], {
        reset: () => void (store.count = 0),
        state: () => store,
        seed: 1,
      }),
    );
    expect(message).toMatch(/final state depends on delivery order/);
  });

  test('a state that cannot be copied faithfully is a TypeError naming its path and the way out', async () => {
    const state = () => ({ cache: { byId: new WeakMap() }, balance: 1 });
    await expect(expect(() => {}).toBeIdempotent(charge('c1'), { state })).rejects.toThrow(
      /\.toBeIdempotent\(\): state\(\)\.cache\.byId is a WeakMap, which cannot be copied.*return plain data.*`snapshot: \(state\) => data`/s,
    );
    await expect(
      expect(() => {}).toConvergeInAnyOrder([1], { reset: () => {}, state: () => [Promise.resolve(1)] }),
    ).rejects.toThrow(/\.toConvergeInAnyOrder\(\): state\(\)\[0\] is a Promise, which cannot be copied/);
  });

  test('`snapshot` copies a state the default copy refuses; what it returns is compared', async () => {
    class Account {
      #balance = 0;
      credit(amount: number): void {
        this.#balance += amount;
      }
      toJSON(): { balance: number } {
        return { balance: this.#balance };
      }
    }
    const account = new Account();
    const applyCharge = (e: Charge): void => account.credit(e.amount);
    const message = await failureOf(
      expect(applyCharge).toBeIdempotent(charge('c1'), {
        state: () => account,
        snapshot: (a) => (a as Account).toJSON(),
      }),
    );
    expect(message).toMatch(/"balance": 20/);
  });
});

describe('a first delivery that changes nothing observed is a failure', () => {
  const unchanged = /nothing observable changed: is `state\(\)` reading what the handler writes\?/;

  test('toBeIdempotent: state() reads another tenant than the handler writes', async () => {
    const tenants = new Map<string, { balance: number }>([
      ['t-a', { balance: 0 }],
      ['t-b', { balance: 0 }],
    ]);
    const applyCharge = (e: Charge): void => void (tenants.get('t-a')!.balance += e.amount);
    const message = await failureOf(
      expect(applyCharge).toBeIdempotent(charge('c1'), { state: () => tenants.get('t-b') }),
    );
    expect(message).toMatch(unchanged);
    expect(message).toMatch(/Delivering e1 .* once left the state it returns as it was/);
  });

  test('toBeIdempotent with reset: the same, found on the event that changed nothing', async () => {
    let rows: string[] = [];
    const other: string[] = [];
    const insert = (e: Charge): void => {
      const table = e.id === 'c2' ? other : rows; // planted bug: c2 goes to a table state() does not read
      if (!table.includes(e.id)) table.push(e.id);
    };
    const message = await failureOf(
      expect(insert).toBeIdempotent([charge('c1'), charge('c2')], { state: () => rows, reset: () => void (rows = []) }),
    );
    expect(message).toMatch(unchanged);
    expect(message).toMatch(/Delivering e2 .* \(after delivering e1 once\) once/);
  });

  test('toBeIdempotent: effects only, and the first delivery calls none of them', async () => {
    const sendEmail = runner.fn();
    const sendSms = runner.fn();
    const notify = (): void => void sendSms('hi');
    const message = await failureOf(expect(notify).toBeIdempotent(charge('c1'), { effects: { sendEmail } }));
    expect(message).toMatch(/nothing observable changed/);
  });

  test('toConvergeInAnyOrder: state() reads a key the handler never writes', async () => {
    let store: Record<string, number> = {};
    const add = (e: { n: number }): void => void (store.total = (store.total ?? 0) + e.n);
    const message = await failureOf(
      expect(add).toConvergeInAnyOrder([{ n: 1 }, { n: 2 }], {
        reset: () => void (store = {}),
        state: () => store.sum,
      }),
    );
    expect(message).toMatch(unchanged);
  });

  test('a state() that throws before the first delivery (its record does not exist yet) counts as a change once it reads', async () => {
    const orders = new Map<string, { status: string }>();
    const read = (): { status: string } => {
      const order = orders.get('o-1');
      if (!order) throw new Error('order o-1 not found');
      return order;
    };
    const create = (e: { id: string }): void => void (orders.has(e.id) || orders.set(e.id, { status: 'new' }));
    await expect(create).toBeIdempotent({ id: 'o-1' }, { state: read });
    await expect(create).toBeIdempotent({ id: 'o-1' }, { state: read, reset: () => orders.clear() });
    await expect(create).toConvergeInAnyOrder([{ id: 'o-1' }], { state: read, reset: () => orders.clear() });
  });

  test('`ignore` reaches into Maps: a varying timestamp under a Map key is left out', async () => {
    const ledger = new Map<string, { amount: number; at: number }>();
    let tick = 0;
    const seen = new Set<string>();
    const record = (e: Charge): void => {
      if (!seen.has(e.id)) ledger.set(e.id, { amount: e.amount, at: 0 });
      seen.add(e.id);
      ledger.get(e.id)!.at = ++tick; // touched at every delivery: not part of the comparison
    };
    await expect(record).toBeIdempotent(charge('c1'), { state: () => ({ ledger }), ignore: ['ledger.*.at'] });
    const message = await failureOf(expect(record).toBeIdempotent(charge('c2'), { state: () => ({ ledger }) }));
    expect(message).toMatch(/is not idempotent/);
  });

  test('nothing observed is not a pass for `.not` either: neither claim was shown', async () => {
    const noop = (): void => {};
    expect(await failureOf(expect(noop).not.toBeIdempotent(charge('c1'), { state: () => 1 }))).toMatch(unchanged);
    expect(await failureOf(expect(noop).not.toConvergeInAnyOrder([1, 2], { reset: () => {}, state: () => 1 }))).toMatch(
      unchanged,
    );
  });

  test('`allowUnchanged: true` is the explicit opt-out, for handlers meant to change nothing', async () => {
    const ignoreIt = (): void => {};
    await expect(ignoreIt).toBeIdempotent(charge('c1'), { state: () => 1, allowUnchanged: true });
    await expect(ignoreIt).toConvergeInAnyOrder([1, 2], { reset: () => {}, state: () => 1, allowUnchanged: true });
  });

  test('a misspelt or ill-typed opt-out is a TypeError, with "Did you mean"', async () => {
    await expect(expect(() => {}).toBeIdempotent(1, { state: () => 1, allowUnchange: true } as never)).rejects.toThrow(
      /unknown option `allowUnchange`\. Did you mean `allowUnchanged`\?/,
    );
    await expect(
      expect(() => {}).toConvergeInAnyOrder([1], { reset: () => {}, state: () => 1, alowUnchanged: true } as never),
    ).rejects.toThrow(/unknown option `alowUnchanged`\. Did you mean `allowUnchanged`\?/);
    await expect(
      expect(() => {}).toBeIdempotent(1, { state: () => 1, allowUnchanged: 'yes' } as never),
    ).rejects.toThrow(/`allowUnchanged` must be a boolean, got "yes"/);
  });
});
