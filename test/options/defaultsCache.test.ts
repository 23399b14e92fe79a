/**
 * configuredDefaults() keeps a test's merged defaults between calls (issue 20: it runs on every
 * assertion), so the merge must be redone whenever either side changes: the test's own layers (a
 * configure() or a restore inside it) or the file's (one outside every test, e.g. in a beforeAll, while
 * the test's merge is kept). Checked on generated sequences of configure() and restore calls spread over
 * the file and two tests, each followed by reads in every scope (twice: the second is a kept merge),
 * against a reference model: a test sees the file's layers, then its own, each in the order made.
 */
import fc from 'fast-check';
import { configure, configuredDefaults } from '../../src/options/configure.ts';
import { beginTest, endTest, runInTest, runOutsideTest, type TestState } from '../../src/runner/testState.ts';

type Scope = 'file' | 'a' | 'b';
type Key = 'timeout' | 'for' | 'realFloor';
type Op = { kind: 'configure'; scope: Scope; key: Key; value: number } | { kind: 'restore'; index: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('configure' as const),
    scope: fc.constantFrom<Scope>('file', 'a', 'b'),
    key: fc.constantFrom<Key>('timeout', 'for', 'realFloor'),
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

function modelView(layers: readonly ModelLayer[], scope: Scope): Partial<Record<Key, number>> {
  const view: Partial<Record<Key, number>> = {};
  for (const layer of layers) if (layer.scope === 'file') view[layer.key] = layer.value;
  for (const layer of layers) if (layer.scope === scope && scope !== 'file') view[layer.key] = layer.value;
  return view;
}

function pick(defaults: Record<string, unknown>): Partial<Record<Key, number>> {
  const view: Partial<Record<Key, number>> = {};
  for (const key of ['timeout', 'for', 'realFloor'] as const)
    if (defaults[key] !== undefined) view[key] = defaults[key] as number;
  return view;
}

describe('configuredDefaults() kept between calls', () => {
  test('a test’s kept defaults follow its own and the file’s configure() and restores (generated sequences vs a reference model)', () => {
    let runs = 0;
    fc.assert(
      fc.property(fc.array(op, { maxLength: 30 }), (ops) => {
        runs++;
        const tests: Record<'a' | 'b', TestState> = {
          a: beginTest({ runner: 'vitest', name: 'a' }),
          b: beginTest({ runner: 'vitest', name: 'b' }),
        };
        const inScope = <R>(scope: Scope, fn: () => R): R =>
          scope === 'file' ? runOutsideTest(fn) : runInTest(tests[scope], fn);
        const read = (scope: Scope): Partial<Record<Key, number>> =>
          inScope(scope, () => pick(configuredDefaults() as Record<string, unknown>));
        const baseline = read('file');
        const restores: Array<{ id: number; restore: () => void }> = [];
        let model: ModelLayer[] = [];
        try {
          ops.forEach((step, id) => {
            if (step.kind === 'configure') {
              restores.push({ id, restore: inScope(step.scope, () => configure({ [step.key]: step.value })) });
              model.push({ id, scope: step.scope, key: step.key, value: step.value });
            } else if (restores.length > 0) {
              const { id: made, restore } = restores[step.index % restores.length]!;
              restore();
              model = model.filter((layer) => layer.id !== made);
            }
            for (const scope of ['file', 'a', 'b'] as const) {
              const want = { scope, view: { ...baseline, ...modelView(model, scope) } };
              expect({ scope, view: read(scope) }).toEqual(want);
              expect({ scope, view: read(scope) }).toEqual(want);
            }
          });
        } finally {
          for (const { restore } of restores) restore();
          endTest(tests.a);
          endTest(tests.b);
        }
        expect(read('file')).toEqual(baseline);
      }),
      { numRuns: 300 },
    );
    expect(runs).toBe(300);
  });
});
