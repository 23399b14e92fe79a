/**
 * configure() layers (issue 19 item 7): inside a test it is that test's alone, and a restore removes its
 * own change and nothing else, in whatever order restores come. Checked on generated sequences of
 * configure() and restore calls spread over the running test and two concurrent tests, against a small
 * reference model (each scope's list of layers, merged in order). The inner-run proof with real
 * concurrent Vitest tests is test/verdicts/fixtures/h4/vitest/configure.fixture.mjs.
 */
import fc from 'fast-check';
import { configure, configuredDefaults } from '../../src/options/configure.ts';
import { beginTest, currentTestState, endTest, runInTest, type TestState } from '../../src/runner/testState.ts';
import { keptBack } from '../../src/runner/testWindow.ts';

type Scope = 'running' | 'a' | 'b';
type Key = 'timeout' | 'for';
type Op = { kind: 'configure'; scope: Scope; key: Key; value: number } | { kind: 'restore'; index: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('configure' as const),
    scope: fc.constantFrom<Scope>('running', 'a', 'b'),
    key: fc.constantFrom<Key>('timeout', 'for'),
    value: fc.integer({ min: 1, max: 9_999 }),
  }),
  fc.record({ kind: fc.constant('restore' as const), index: fc.nat({ max: 30 }) }),
);

interface ModelLayer {
  id: number;
  scope: Scope;
  key: Key;
  value: number;
}

/**
 * The reference: a scope sees the file's layers, then its own, each in the order made. The running
 * (outer) code is a test of its own when the setup entry gave it one: then its layers are its alone.
 */
function modelView(layers: ModelLayer[], scope: Scope, runningIsTest: boolean): Partial<Record<Key, number>> {
  const view: Partial<Record<Key, number>> = {};
  for (const layer of layers)
    if (layer.scope === scope || (layer.scope === 'running' && !runningIsTest)) view[layer.key] = layer.value;
  return view;
}

function pick(defaults: Record<string, unknown>): Partial<Record<Key, number>> {
  const view: Partial<Record<Key, number>> = {};
  for (const key of ['timeout', 'for'] as const) if (defaults[key] !== undefined) view[key] = defaults[key] as number;
  return view;
}

describe('configure() layers', () => {
  test('a restore undoes only its own change, and a test’s configure() is seen by that test only (generated sequences vs a reference model)', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 30 }), (ops) => {
        const tests: Record<'a' | 'b', TestState> = {
          a: beginTest({ runner: 'vitest', name: 'a' }),
          b: beginTest({ runner: 'vitest', name: 'b' }),
        };
        const inScope = <R>(scope: Scope, fn: () => R): R => (scope === 'running' ? fn() : runInTest(tests[scope], fn));
        const restores: Array<{ id: number; restore: () => void }> = [];
        let model: ModelLayer[] = [];
        const before = pick(configuredDefaults() as Record<string, unknown>);
        const runningIsTest = currentTestState() !== undefined;
        const baseline = Object.fromEntries(
          (['running', 'a', 'b'] as const).map((scope) => [
            scope,
            inScope(scope, () => pick(configuredDefaults() as Record<string, unknown>)),
          ]),
        );
        try {
          ops.forEach((step, id) => {
            if (step.kind === 'configure') {
              restores.push({ id, restore: inScope(step.scope, () => configure({ [step.key]: step.value })) });
              model.push({ id, scope: step.scope, key: step.key, value: step.value });
            } else if (restores.length > 0) {
              // Any restore, in any scope, whenever: it removes its own layer only (twice is a no-op).
              const { id: made, restore } = restores[step.index % restores.length]!;
              restore();
              model = model.filter((layer) => layer.id !== made);
            }
            for (const scope of ['running', 'a', 'b'] as const) {
              expect({
                scope,
                view: inScope(scope, () => pick(configuredDefaults() as Record<string, unknown>)),
              }).toEqual({
                scope,
                view: { ...baseline[scope], ...modelView(model, scope, runningIsTest) },
              });
            }
          });
        } finally {
          for (const { restore } of restores) restore();
          endTest(tests.a);
          endTest(tests.b);
        }
        expect(pick(configuredDefaults() as Record<string, unknown>)).toEqual(before);
      }),
      { numRuns: 300 },
    );
  });

  test('a test’s configure() that is never restored ends with the test', () => {
    const test = beginTest({ runner: 'vitest', name: 'forgets' });
    runInTest(test, () => configure({ timeout: 7 }));
    expect(runInTest(test, () => configuredDefaults().timeout)).toBe(7);
    endTest(test);
    const next = beginTest({ runner: 'vitest', name: 'next' });
    expect(runInTest(next, () => configuredDefaults().timeout)).toBeUndefined();
    endTest(next);
  });
});

describe('the margin before a test’s deadline', () => {
  test('is the configured margin, at most a quarter of the test’s timeout (generated timeouts and margins)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 600_000 }), fc.integer({ min: 0, max: 10_000 }), (timeout, margin) => {
        const kept = keptBack({ runner: 'vitest', timeout, deadline: 0 }, margin);
        expect(kept).toBeLessThanOrEqual(timeout / 4);
        expect(kept).toBeLessThanOrEqual(margin);
        // A test long enough for the whole margin keeps it whole; a shorter one keeps a quarter of itself.
        expect(kept).toBe(timeout >= 4 * margin ? margin : Math.floor(timeout / 4));
      }),
      { numRuns: 1_000 },
    );
  });
});
