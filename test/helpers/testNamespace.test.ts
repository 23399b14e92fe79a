import { currentWorker, runId, workerNamespace } from '../../src/helpers/workerNamespace.ts';
import { testNamespace } from '../../src/helpers/testNamespace.ts';
import { runFixture } from './fixtures/isolationRun.ts';

const SAFE = /^[a-z][a-z0-9-]*$/;
let outside: unknown;

beforeAll(() => {
  try {
    testNamespace();
  } catch (error) {
    outside = error;
  }
});

describe('testNamespace', () => {
  test('<prefix>-<run id>-w<worker>-<token>: [a-z0-9-], at most 40, the same object for a prefix within the test', () => {
    const ns = testNamespace('orders');
    expect(ns.id).toMatch(new RegExp(`^orders-${runId()}-w${currentWorker().index}-[a-z0-9]{8}$`));
    expect(ns.id).toMatch(SAFE);
    expect(testNamespace('orders')).toBe(ns);
    const billing = testNamespace('billing');
    expect(billing.id).not.toBe(ns.id);
    // One token per test: the prefixes differ, the test part does not.
    expect(billing.id.slice(-8)).toBe(ns.id.slice(-8));
    expect(ns.id.startsWith(`${workerNamespace('orders').id}-`)).toBe(true);
    const long = testNamespace('x'.repeat(100));
    expect(long.id.length).toBeLessThanOrEqual(40);
    expect(long.id.slice(-8)).toBe(ns.id.slice(-8));
  });

  test('name() and sqlName() as for workerNamespace, with its messages', () => {
    const ns = testNamespace('it');
    expect(ns.name('Order Events')).toBe(`${ns.id}-order-events`);
    expect(ns.sqlName('read model')).toBe(`${ns.id}_read_model`.replace(/-/g, '_'));
    expect(() => ns.name('%%%')).toThrow(
      'testNamespace().name(): `suffix` must be a non-empty string with at least one letter or digit, got "%%%".',
    );
    expect(() => ns.name('y'.repeat(40))).toThrow(
      /testNamespace\(\)\.name\(\): ".+" is \d+ characters; names are at most 63/,
    );
    expect(() => testNamespace(7 as never)).toThrow(
      new TypeError('testNamespace(): `prefix` must be a string, got number.'),
    );
  });

  test('outside a test it throws, pointing to workerNamespace', () => {
    expect(outside).toBeInstanceOf(Error);
    expect((outside as Error).message).toMatch(
      /^testNamespace\(\): no test is running\. .*For a name shared by the whole worker \(beforeAll, globalSetup, a fixture file\), use workerNamespace\(\)\./,
    );
  });

  test('unique per test and per attempt, the same in the hooks, concurrent tests apart; a retry keeps its seed', async () => {
    const run = await runFixture('testNamespace.fixture.ts');
    expect({
      code: run.code,
      retried: run.tests.get('retried')?.status,
      first: run.tests.get('first')?.status,
    }).toEqual({ code: 0, retried: 'passed', first: 'passed' });
    const byName = new Map(run.records.map((r) => [r.name as string, r]));
    expect([...byName.keys()].sort()).toEqual([
      'concurrent-a',
      'concurrent-b',
      'first',
      'hook',
      'retried-1',
      'retried-2',
      'second',
    ]);
    const seen = ['first', 'second', 'concurrent-a', 'concurrent-b', 'retried-1', 'retried-2'].map((n) =>
      byName.get(n)!,
    );
    for (const r of seen) {
      expect(r.again).toBe(r.id);
      expect(r.id).toMatch(/^orders-[a-z0-9]+-w\d+-[a-z0-9]{8}$/);
      expect(r.outside).toMatch(/^testNamespace\(\): no test is running/);
    }
    expect(new Set(seen.map((r) => r.id)).size).toBe(6);
    expect(new Set(seen.map((r) => r.other)).size).toBe(6);
    expect(byName.get('hook')!.fromHook).toBe(byName.get('hook')!.id);
    // A retry: a fresh namespace, the same seed (the data did not change, so a pass says it was not the data).
    const [one, two] = [byName.get('retried-1')!, byName.get('retried-2')!];
    expect(two.id).not.toBe(one.id);
    expect(two.seed).toBe(one.seed);
    expect(byName.get('first')!.seed).not.toBe(byName.get('second')!.seed);
  }, 90_000);
});
