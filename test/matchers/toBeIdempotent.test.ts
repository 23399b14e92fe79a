import { monotonicNow } from '../../src/time/realTime.ts';
import { failureOf } from '../support/failure.ts';
import { runner } from '../support/runner.ts';

interface PaymentCaptured {
  type: 'PaymentCaptured';
  id: string;
  account: string;
  amount: number;
}
const captured = (id: string, amount = 10): PaymentCaptured => ({
  type: 'PaymentCaptured',
  id,
  account: 'acc-1',
  amount,
});

function createLedger() {
  let balances = new Map<string, number>();
  let seen = new Set<string>();
  return {
    reset: () => {
      balances = new Map();
      seen = new Set();
    },
    state: () => Object.fromEntries(balances),
    credit: (account: string, amount: number) => balances.set(account, (balances.get(account) ?? 0) + amount),
    seen: () => seen,
  };
}

describe('.toBeIdempotent', () => {
  test('passes for a handler that dedupes on the event id', async () => {
    const ledger = createLedger();
    const sendReceipt = runner.fn();
    const applyPayment = (event: PaymentCaptured): void => {
      if (ledger.seen().has(event.id)) return;
      ledger.seen().add(event.id);
      ledger.credit(event.account, event.amount);
      sendReceipt(event.account, event.id);
    };
    await expect(applyPayment).toBeIdempotent(captured('evt-1'), {
      state: ledger.state,
      effects: [sendReceipt],
      times: 3,
    });
  });

  test('catches a double charge: the state diff and the delivery that diverged', async () => {
    const ledger = createLedger();
    const applyPayment = (event: PaymentCaptured): void => void ledger.credit(event.account, event.amount);
    const message = await failureOf(expect(applyPayment).toBeIdempotent(captured('evt-7f3a'), { state: ledger.state }));
    expect(message).toMatch(/toBeIdempotent/);
    expect(message).toMatch(
      /handler "applyPayment" is not idempotent: redelivering e1 PaymentCaptured\(evt-7f3a\) changed the state \(delivery #2, 2 sequential deliveries\)/,
    );
    expect(message).toMatch(/After delivery #1/);
    expect(message).toMatch(/"acc-1": 10/);
    expect(message).toMatch(/"acc-1": 20/);
  });

  test('with reset, the diff is still first delivery → second (the nondeterminism check adds no delivery)', async () => {
    const ledger = createLedger();
    const sendReceipt = runner.fn();
    const applyPayment = (event: PaymentCaptured): void => {
      ledger.credit(event.account, event.amount);
      sendReceipt(event.id);
    };
    const message = await failureOf(
      expect(applyPayment).toBeIdempotent(captured('evt-1', 4200), {
        state: ledger.state,
        reset: ledger.reset,
        effects: { sendReceipt },
      }),
    );
    expect(message).toMatch(/-\s+"acc-1": 4200,/);
    expect(message).toMatch(/\+\s+"acc-1": 8400,/);
    expect(message).toMatch(/Extra side effects on redelivery \(expected none\):\n\s+\+ sendReceipt\('evt-1'\)\n/);
  });

  test('catches a duplicate e-mail, listing the extra call with its arguments', async () => {
    const sendEmail = runner.fn();
    const onOrderPlaced = async (event: { type: string; id: string; email: string }): Promise<void> => {
      await Promise.resolve();
      sendEmail(event.email, `Order ${event.id} confirmed`);
    };
    const message = await failureOf(
      expect(onOrderPlaced).toBeIdempotent(
        { type: 'OrderPlaced', id: 'o-9', email: 'a@x.io' },
        { effects: { sendEmail } },
      ),
    );
    expect(message).toMatch(/redelivering e1 OrderPlaced\(o-9\) called 1 effect\(s\) again/);
    expect(message).toMatch(
      /Extra side effects on redelivery \(expected none\):\n\s+\+ sendEmail\('a@x\.io', 'Order o-9 confirmed'\)/,
    );
  });

  test('plain arrays work as effect recorders', async () => {
    const outbox: unknown[] = [];
    const handler = (event: { id: string }): void => void outbox.push({ ref: event.id });
    const message = await failureOf(expect(handler).toBeIdempotent({ id: 'x' }, { effects: [outbox] }));
    expect(message).toMatch(/\+ effects\[0\]\(\{ ref: 'x' \}\)/);
  });

  test('catches the check-then-act race only when duplicates arrive concurrently', async () => {
    const ledger = createLedger();
    const db = {
      get: async (id: string) => ledger.seen().has(id),
      insert: async (id: string) => void ledger.seen().add(id),
    };
    const applyPayment = async (event: PaymentCaptured): Promise<void> => {
      if (await db.get(event.id)) return; // check …
      await new Promise((resolve) => setImmediate(resolve));
      await db.insert(event.id); // … then act: a second delivery can pass the check meanwhile
      ledger.credit(event.account, event.amount);
    };
    await expect(applyPayment).toBeIdempotent(captured('evt-1'), { state: ledger.state, reset: ledger.reset });
    const message = await failureOf(
      expect(applyPayment).toBeIdempotent(captured('evt-1'), {
        state: ledger.state,
        reset: ledger.reset,
        concurrent: true,
      }),
    );
    expect(message).toMatch(
      /not idempotent: redelivering e1 PaymentCaptured\(evt-1\) changed the state \(delivery #2, 2 concurrent deliveries\)/,
    );
  });

  test('with several events, names the first whose redelivery diverges', async () => {
    const ledger = createLedger();
    // Planted bug: dedupes on the account instead of the event id, so e2 (same account) is dropped
    // the first time but e1 is safe; a correct dedupe would be on `id`.
    const seenByAmount = new Set<number>();
    const applyPayment = (event: PaymentCaptured): void => {
      if (event.amount > 10 && seenByAmount.has(event.amount)) return;
      seenByAmount.add(event.amount);
      ledger.credit(event.account, event.amount);
    };
    const message = await failureOf(
      expect(applyPayment).toBeIdempotent([captured('evt-1', 50), captured('evt-2', 5)], { state: ledger.state }),
    );
    expect(message).toMatch(/redelivering e2 PaymentCaptured\(evt-2\) \(after delivering e1 once\) changed the state/);
  });

  test('tells a nondeterministic handler apart from a non-idempotent one (with reset)', async () => {
    let rows: { id: string; receivedAt: number }[] = [];
    let tick = 0;
    const record = (event: { id: string }): void => {
      if (rows.some((r) => r.id === event.id)) return;
      rows.push({ id: event.id, receivedAt: ++tick });
    };
    const message = await failureOf(
      expect(record).toBeIdempotent({ id: 'e' }, { state: () => rows, reset: () => void (rows = []) }),
    );
    expect(message).toMatch(/handler "record" is nondeterministic, so idempotence cannot be judged/);
    expect(message).toMatch(/Hint: generate ids and timestamps deterministically/);
    await expect(record).toBeIdempotent(
      { id: 'e' },
      { state: () => rows, reset: () => void (rows = []), ignore: ['*.receivedAt'] },
    );
  });

  test('reports a handler that throws as such, not as divergence', async () => {
    const seen = new Set<string>();
    const strict = (event: { id: string }): void => {
      if (seen.has(event.id))
        throw new Error(`duplicate key value violates unique constraint "events_pkey" (${event.id})`);
      seen.add(event.id);
    };
    const message = await failureOf(expect(strict).toBeIdempotent({ id: 'k1' }, { state: () => [...seen] }));
    expect(message).toMatch(
      /handler "strict" threw on delivery #2 of e1 .*k1.*; that is reported as a failure of its own, not as divergence/,
    );
    expect(message).toMatch(/Error: duplicate key value violates unique constraint/);
    expect(message).toMatch(/Hint: a handler that rejects a duplicate by throwing/);
  });

  test('bad input is a TypeError naming the argument', async () => {
    await expect(async () => expect(() => {}).toBeIdempotent({ id: 1 })).rejects.toThrow(
      /give `state` .* or `effects`/,
    );
    await expect(async () => expect(() => {}).toBeIdempotent([], { state: () => 1 })).rejects.toThrow(
      /the event list is empty/,
    );
    await expect(async () => expect(() => {}).toBeIdempotent({}, { state: () => 1, concurrent: true })).rejects.toThrow(
      /`concurrent: true` needs `reset`/,
    );
    await expect(async () => expect(() => {}).toBeIdempotent({}, { state: () => 1, times: 1 })).rejects.toThrow(
      /`times` must be a whole number >= 2/,
    );
    await expect(async () => expect(42).toBeIdempotent({}, { state: () => 1 })).rejects.toThrow(
      /expected the handler under test, a function/,
    );
    await expect(async () =>
      expect(() => {}).toBeIdempotent({}, { state: () => 1, effects: [42] } as never),
    ).rejects.toThrow(/`effects\[0\]` must be a vi\.fn\(\)\/jest\.fn\(\) mock/);
  });
});

describe('.not.toBeIdempotent', () => {
  test('passes for a handler that is not idempotent (a negative control)', async () => {
    const ledger = createLedger();
    await expect((event: PaymentCaptured) => void ledger.credit(event.account, event.amount)).not.toBeIdempotent(
      captured('evt-1'),
      { state: ledger.state },
    );
  });

  test('fails for an idempotent handler', async () => {
    const seen = new Set<string>();
    const message = await failureOf(
      expect((event: { id: string }) => void seen.add(event.id)).not.toBeIdempotent(
        { id: 'a' },
        { state: () => [...seen] },
      ),
    );
    expect(message).toMatch(/Expected the handler not to be idempotent, but all 2 deliveries/);
  });
});

describe('.toBeIdempotent is bounded', () => {
  /** A few real turns of the event loop: enough for anything still scheduled to run. */
  const turns = async (n = 5): Promise<void> => {
    for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
  };

  test('a redelivery that never settles fails with its own message, naming the delivery and event, before the test times out', async () => {
    const ledger = createLedger();
    const applyPayment = (event: PaymentCaptured): unknown => {
      if (ledger.seen().has(event.id)) return new Promise(() => {}); // the duplicate waits on a lock forever
      ledger.seen().add(event.id);
      return undefined;
    };
    const started = monotonicNow();
    const message = await failureOf(
      expect(applyPayment).toBeIdempotent(captured('evt-9'), { state: () => [...ledger.seen()] }),
    );
    expect(monotonicNow() - started).toBeLessThan(2_000);
    expect(message).toMatch(
      /handler "applyPayment" was not shown to be idempotent: stopped after \d+(\.\d+)? m?s, 250 ms before the test's own 2000 ms timeout \(0 of 1 event checked\); delivery #2 of e1 PaymentCaptured\(evt-9\) was still running when the deadline came\. A stopped check is never a pass/,
    );
  }, 2_000);

  test('deliveryTimeout bounds one delivery, and the message says which one hung', async () => {
    const seen = new Set<string>();
    const applyPayment = (event: PaymentCaptured): unknown =>
      event.id === 'evt-2' ? new Promise(() => {}) : void seen.add(event.id);
    const message = await failureOf(
      expect(applyPayment).toBeIdempotent([captured('evt-1'), captured('evt-2')], {
        state: () => [...seen],
        deliveryTimeout: 25,
      }),
    );
    expect(message).toMatch(
      /handler "applyPayment" did not settle: delivery #1 of e2 PaymentCaptured\(evt-2\) was still running after deliveryTimeout: 25 ms\. It was abandoned, and nothing was called after it \(1 of 2 events checked\)\./,
    );
  });

  test('a hung concurrent delivery is named, and the others are not waited for', async () => {
    const ledger = createLedger();
    let started = 0;
    const applyPayment = (event: PaymentCaptured): unknown => {
      ledger.seen().add(event.id);
      return ++started === 3 ? new Promise(() => {}) : Promise.resolve();
    };
    const message = await failureOf(
      expect(applyPayment).toBeIdempotent(captured('evt-1'), {
        state: () => [...ledger.seen()],
        reset: ledger.reset,
        concurrent: true,
        times: 3,
        deliveryTimeout: 25,
      }),
    );
    // Deliveries 1 and 2 are the nondeterminism check; the 3rd call is the first concurrent delivery.
    expect(message).toMatch(
      /did not settle: delivery #1 of e1 PaymentCaptured\(evt-1\) was still running after deliveryTimeout: 25 ms/,
    );
  });

  test('calls no handler after it returned, even when an abandoned delivery settles later', async () => {
    let calls = 0;
    let release: () => void = () => {};
    const applyPayment = (): unknown =>
      ++calls === 2 ? new Promise<void>((resolve) => (release = resolve)) : undefined;
    // The state: whether the payment was applied (the first call applies it).
    const message = await failureOf(
      expect(applyPayment).toBeIdempotent(captured('evt-1'), {
        state: () => Math.min(calls, 1),
        times: 4,
        deliveryTimeout: 20,
      }),
    );
    expect(message).toMatch(
      /delivery #2 of e1 PaymentCaptured\(evt-1\) was still running after deliveryTimeout: 20 ms/,
    );
    expect(calls).toBe(2);
    release();
    await turns();
    expect(calls).toBe(2);
  });

  test('20 000 events ending at the deadline say how far they got (with reset, each event replays its history)', async () => {
    const ledger = createLedger();
    const applyPayment = (event: PaymentCaptured): void => {
      if (ledger.seen().has(event.id)) return;
      ledger.seen().add(event.id);
      ledger.credit(event.account, event.amount);
    };
    const many = Array.from({ length: 20_000 }, (_, i) => captured(`evt-${i}`, 1));
    const started = monotonicNow();
    const message = await failureOf(
      expect(applyPayment).toBeIdempotent(many, { state: ledger.state, reset: ledger.reset }),
    );
    expect(monotonicNow() - started).toBeLessThan(3_000);
    expect(message).toMatch(
      /was not shown to be idempotent: stopped after \d\.\d\d s, 250 ms before the test's own 3000 ms timeout \(\d+ of 20000 events checked\); .* when the deadline came/,
    );
    expect(message.length).toBeLessThan(2_000);
  }, 3_000);

  test('20 000 events without reset (each delivered `times` times) pass well before the deadline', async () => {
    const ledger = createLedger();
    const applyPayment = (event: PaymentCaptured): void => {
      if (ledger.seen().has(event.id)) return;
      ledger.seen().add(event.id);
      ledger.credit(event.account, event.amount);
    };
    const started = monotonicNow();
    await expect(applyPayment).toBeIdempotent(
      Array.from({ length: 20_000 }, (_, i) => captured(`evt-${i}`, 1)),
      { state: ledger.state },
    );
    expect(monotonicNow() - started).toBeLessThan(5_000);
  });

  test('keeps real time under fake timers: a hung delivery still ends at deliveryTimeout', async () => {
    runner.useFakeTimers();
    try {
      const message = await failureOf(
        expect(() => new Promise(() => {})).toBeIdempotent(captured('evt-1'), { state: () => 0, deliveryTimeout: 20 }),
      );
      expect(message).toMatch(
        /the handler did not settle: delivery #1 of e1 PaymentCaptured\(evt-1\) was still running after deliveryTimeout: 20 ms/,
      );
    } finally {
      runner.useRealTimers();
    }
  });

  test('bad deliveryTimeout is a TypeError naming the option', async () => {
    await expect(async () =>
      expect(() => {}).toBeIdempotent({}, { state: () => 1, deliveryTimeout: Number.NaN }),
    ).rejects.toThrow(/`deliveryTimeout` must be a finite number of milliseconds > 0, got NaN/);
  });
});
