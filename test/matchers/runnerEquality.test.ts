/**
 * Equality is the runner's (issue 18, item 1 and proof 1): each eventual matcher's verdict on a constant
 * probe equals its immediate twin's verdict in the same runner, and `.not` equals the twin's negation, for
 * generated pairs (runnerEquality.properties.ts), with a custom equality tester on and asymmetric matchers
 * in the expected value. Runs under Vitest and Jest with their own `expect`, and with Playwright's `expect`
 * (`unflake/playwright`, whose plain matchers run outside a Playwright test: no step is recorded there).
 */
import fc from 'fast-check';
import { expect as playwrightExpect } from '../../matchers/playwright.ts';
import { runner } from '../support/runner.ts';
import { Money, pair, withAsymmetric, type AsymmetricSource, type Pair } from './runnerEquality.properties.ts';

/** Cases per property (per runner, per matcher): the window cases wait a few ms each, so not thousands. */
const RUNS = Number(process.env.UNFLAKE_PROPERTY_RUNS ?? 60);
const WINDOW_MS = 6;

type Twin = 'toEqual' | 'toStrictEqual' | 'toBe' | 'toMatchObject';
type Eventual =
  | 'toEventuallyEqual'
  | 'toEventuallyStrictEqual'
  | 'toEventuallyBe'
  | 'toEventuallyMatchObject'
  | 'toConsistentlyEqual'
  | 'toEventually';
type AnyExpect = ((
  value: unknown,
) => Record<string, (...args: unknown[]) => unknown> & { not: Record<string, (...args: unknown[]) => unknown> }) &
  AsymmetricSource;

const twins: Array<[Eventual, Twin]> = [
  ['toEventuallyEqual', 'toEqual'],
  ['toEventuallyStrictEqual', 'toStrictEqual'],
  ['toEventuallyBe', 'toBe'],
  ['toEventuallyMatchObject', 'toMatchObject'],
  ['toConsistentlyEqual', 'toEqual'],
];

// Neither runner can remove a tester once added: it answers only while the properties run, and only for two Money values.
let moneyTesterOn = false;
expect.addEqualityTesters([
  (a: unknown, b: unknown) =>
    moneyTesterOn && a instanceof Money && b instanceof Money
      ? a.cents === b.cents && a.currency === b.currency
      : undefined,
]);

/** The twin's verdict through the runner's public `expect`; 'refused' when it throws a matcher error instead (Jest's toMatchObject on a non-object). */
function twinVerdict(e: AnyExpect, twin: Twin, { received, expected }: Pair): boolean | 'refused' {
  try {
    e(received)[twin]!(expected);
    return true;
  } catch (error) {
    return /Matcher error/.test(String((error as Error).message)) ? 'refused' : false;
  }
}

/** The eventual matcher's verdict on a probe that always returns `received`. */
async function eventualVerdict(
  e: AnyExpect,
  name: Eventual,
  { received, expected }: Pair,
  not: boolean,
): Promise<boolean> {
  const window = name === 'toConsistentlyEqual' || not;
  const options =
    name === 'toConsistentlyEqual' ? { for: WINDOW_MS } : window ? { timeout: WINDOW_MS } : { maxAttempts: 1 };
  const subject = e(() => received);
  try {
    await (not ? subject.not : subject)[name]!(expected, options);
    return true;
  } catch (error) {
    if (error instanceof TypeError) throw error;
    return false;
  }
}

/** How often the twin said each verdict: a property where it always says the same proves little. */
const seen = { true: 0, false: 0, refused: 0 };

async function agrees(e: AnyExpect, name: Eventual, twin: Twin, p: Pair): Promise<void> {
  const t = twinVerdict(e, twin, p);
  seen[String(t) as keyof typeof seen]++;
  const positive = await eventualVerdict(e, name, p, false);
  const negative = await eventualVerdict(e, name, p, true);
  // A value the twin refuses is never a match; under `.not` the twin has no verdict to compare with.
  const expected = t === 'refused' ? { positive: false, negative } : { positive: t, negative: !t };
  if (positive !== expected.positive || negative !== expected.negative) {
    throw new Error(
      `${name} disagrees with ${twin} (${p.how}): twin ${String(t)}, ${name} ${positive}, .not.${name} ${negative}`,
    );
  }
}

const sides: Array<{ label: string; expect: () => AnyExpect; testers: boolean }> = [
  { label: `${runner.name}'s expect`, expect: () => expect as unknown as AnyExpect, testers: true },
  {
    label: "Playwright's expect (unflake/playwright)",
    expect: () => playwrightExpect as unknown as AnyExpect,
    testers: false,
  },
];

describe.each(sides)('the runner’s equality: $label', ({ expect: expectOf, testers }) => {
  beforeEach(() => Object.assign(seen, { true: 0, false: 0, refused: 0 }));
  afterEach(() => {
    // Both verdicts were exercised, each in at least a tenth of the cases. (A sixth failed about once in twenty runs
    // for toBe, whose "true" comes only from the same object or equal primitives: ~30 % of pairs, 60 runs.)
    const total = seen.true + seen.false + seen.refused;
    if (total > 0)
      expect({ true: seen.true >= total / 10, false: seen.false >= total / 10 }).toEqual({ true: true, false: true });
  });

  test.each(twins)(
    '%s judges as %s, .not as its negation (generated pairs, custom tester on)',
    async (name, twin) => {
      moneyTesterOn = testers;
      try {
        await fc.assert(
          fc.asyncProperty(pair, (p) => agrees(expectOf(), name, twin, p)),
          { numRuns: RUNS },
        );
      } finally {
        moneyTesterOn = false;
      }
    },
    60_000,
  );

  test.each([
    ...twins.filter(([, twin]) => twin === 'toEqual' || twin === 'toMatchObject'),
    ['toEventually', 'toEqual'] as [Eventual, Twin],
  ])(
    '%s judges asymmetric matchers as %s does',
    async (name, twin) => {
      const e = expectOf();
      await fc.assert(
        fc.asyncProperty(pair, fc.nat(), (p, pick) => {
          const q = withAsymmetric(p, e, pick);
          // toEventually(check) takes the asymmetric matcher itself as its check.
          return name === 'toEventually'
            ? agrees(e, name, twin, { ...q, expected: e.anything() }).then(() =>
                agrees(e, name, twin, { ...q, expected: e.stringMatching(/^o/) }),
              )
            : agrees(e, name, twin, q);
        }),
        { numRuns: RUNS },
      );
    },
    60_000,
  );

  test('the cases users hit: a Map, a Set and their .not are compared by content', async () => {
    const e = expectOf();
    await expect(e(() => new Map())['toEventuallyEqual']!(new Map([['a', 1]]), { maxAttempts: 1 })).rejects.toThrow(
      /never held/,
    );
    await expect(e(() => new Set(['ERROR']))['toConsistentlyEqual']!(new Set(['ok']), { for: 20 })).rejects.toThrow(
      /stopped holding/,
    );
    await e(() => new Set(['ERROR'])).not['toEventuallyEqual']!(new Set(['ok']), { timeout: 20 });
    await e(() => new Map([['a', 1]]))['toEventuallyStrictEqual']!(new Map([['a', 1]]), { maxAttempts: 1 });
    await expect(
      e(() => ({ tags: new Set(['a']) }))['toEventuallyMatchObject']!({ tags: new Set(['b']) }, { maxAttempts: 1 }),
    ).rejects.toThrow(/never held/);
  });
});
