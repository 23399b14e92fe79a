/**
 * Issue 18, proof 2: mutation properties for the delivery matchers. For generated state shapes
 * (test/delivery/shapes.ts: numbers, Map, Set, Date, typed arrays, class instances, objects with methods, Maps of
 * arrays, cycles; nested; returned live or in a fresh wrapper with methods) a generated handler that
 * is NOT idempotent, or NOT order-independent, always fails, for the right reason; its idempotent or
 * order-independent twin (the same operation behind a dedupe, or an overwrite) always passes.
 * The matchers run as registered in the runner (`expect(handler).toBeIdempotent(…)`).
 */
import fc from 'fast-check';
import { failureOf } from '../support/failure.ts';
import { caseArbitrary, describeCase, storeOf, type Case, type Store } from '../delivery/shapes.ts';

/** Generated cases per property (each case is one matcher call on a fresh store). */
export const CASES = { notIdempotent: 150, idempotent: 150, orderDependent: 80, orderIndependent: 80 };

interface Event {
  id: string;
  seq: number;
  /** 1…20, distinct within a case: a change is always visible, and no two events write the same. */
  amount: number;
}

const eventsArbitrary = (min: number, max: number): fc.Arbitrary<Event[]> =>
  fc
    .uniqueArray(fc.integer({ min: 1, max: 20 }), { minLength: min, maxLength: max })
    .chain((amounts) =>
      fc
        .shuffledSubarray(
          amounts.map((_, i) => i + 1),
          { minLength: amounts.length, maxLength: amounts.length },
        )
        .map((seqs) => ({ amounts, seqs })),
    )
    .map(({ amounts, seqs }) => amounts.map((amount, i) => ({ id: `evt-${i}`, seq: seqs[i]!, amount })));

type Handler = (store: Store) => (e: Event) => void;

/** Each changes the state again at every delivery, or depends on the order of arrival. */
const notIdempotent: Record<string, Handler> = {
  'adds at every delivery': (s) => (e) => s.add(e.amount),
  // The dedupe mark is written only on the second delivery (say, after a retried commit).
  'adds until its dedupe mark is written': (s) => (e) =>
    void ((s.firstTime(`${e.id}:attempt`) || s.firstTime(e.id)) && s.add(e.amount)),
};
const idempotent: Record<string, Handler> = {
  'adds once per event id': (s) => (e) => void (s.firstTime(e.id) && s.add(e.amount)),
  'overwrites with the event': (s) => (e) => s.assign(e.amount),
};
const orderDependent: Record<string, { handler: Handler; duplicates: boolean }> = {
  'adds without a dedupe (redelivered)': { handler: (s) => (e) => s.add(e.amount), duplicates: true },
  'last write by arrival wins': { handler: (s) => (e) => s.assign(e.amount), duplicates: false },
  'first write by arrival wins': {
    handler: (s) => (e) => void (s.read() === 0 && s.assign(e.amount)),
    duplicates: false,
  },
  'doubles, then adds': { handler: (s) => (e) => s.assign(s.read() * 2 + e.amount), duplicates: false },
};
const orderIndependent = (c: Case): Record<string, Handler> => ({
  ...(c.shape.ordered ? {} : { 'adds once per event id': idempotent['adds once per event id']! }),
  'newest by sequence number wins': (s) => (e) => void (s.firstTime(e.id) && s.newer(e.seq) && s.assign(e.amount)),
});

const label = (c: Case, handler: string, extra = ''): string => `${handler} on ${describeCase(c)}${extra}`;

describe('delivery matchers: mutation properties over generated state shapes', () => {
  test(`toBeIdempotent fails every handler that is not idempotent (${CASES.notIdempotent} cases)`, async () => {
    await fc.assert(
      fc.asyncProperty(
        caseArbitrary,
        fc.constantFrom(...Object.keys(notIdempotent)),
        eventsArbitrary(1, 3),
        fc.boolean(),
        fc.integer({ min: 2, max: 4 }),
        async (c, name, events, withReset, times) => {
          const store = storeOf(c);
          const handler = notIdempotent[name]!(store);
          const message = await failureOf(
            expect(handler).toBeIdempotent(events, {
              state: store.state,
              times,
              ...(withReset ? { reset: store.reset } : {}),
            }),
          );
          if (!/is not idempotent: redelivering e1 /.test(message))
            throw new Error(`${label(c, name)}: failed for another reason:\n${message}`);
        },
      ),
      { numRuns: CASES.notIdempotent },
    );
  });

  test(`toBeIdempotent passes every idempotent twin (${CASES.idempotent} cases)`, async () => {
    await fc.assert(
      fc.asyncProperty(
        caseArbitrary,
        fc.constantFrom(...Object.keys(idempotent)),
        eventsArbitrary(1, 3),
        fc.boolean(),
        fc.integer({ min: 2, max: 4 }),
        async (c, name, events, withReset, times) => {
          const store = storeOf(c);
          await expect(idempotent[name]!(store)).toBeIdempotent(events, {
            state: store.state,
            times,
            ...(withReset ? { reset: store.reset } : {}),
          });
        },
      ),
      { numRuns: CASES.idempotent },
    );
  });

  test(`toConvergeInAnyOrder fails every handler that depends on delivery order (${CASES.orderDependent} cases)`, async () => {
    await fc.assert(
      fc.asyncProperty(
        caseArbitrary,
        fc.constantFrom(...Object.keys(orderDependent)),
        eventsArbitrary(2, 4),
        fc.integer(),
        async (c, name, events, seed) => {
          const store = storeOf(c);
          const { handler, duplicates } = orderDependent[name]!;
          const message = await failureOf(
            expect(handler(store)).toConvergeInAnyOrder(events, {
              reset: store.reset,
              state: store.state,
              duplicates,
              seed,
            }),
          );
          if (!/final state depends on delivery order/.test(message))
            throw new Error(`${label(c, name, ` (seed ${seed})`)}: failed for another reason:\n${message}`);
        },
      ),
      { numRuns: CASES.orderDependent },
    );
  });

  test(`toConvergeInAnyOrder passes every order-independent twin (${CASES.orderIndependent} cases)`, async () => {
    await fc.assert(
      fc.asyncProperty(
        caseArbitrary.chain((c) =>
          fc.record({ c: fc.constant(c), name: fc.constantFrom(...Object.keys(orderIndependent(c))) }),
        ),
        eventsArbitrary(2, 4),
        fc.integer(),
        async ({ c, name }, events, seed) => {
          const store = storeOf(c);
          await expect(orderIndependent(c)[name]!(store)).toConvergeInAnyOrder(events, {
            reset: store.reset,
            state: store.state,
            seed,
            runs: 50,
          });
        },
      ),
      { numRuns: CASES.orderIndependent },
    );
  });
});
