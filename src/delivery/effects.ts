/**
 * Side-effect recorders, normalised: a `vi.fn`/`jest.fn` mock, an array the code pushes to, or a
 * function returning the calls so far. Named by key (when given a record), mock name, or position.
 */
export interface EffectRecorder {
  name: string;
  /** The calls (argument lists or recorded items) so far. */
  calls(): readonly unknown[];
}

/**
 * One side effect to watch: a `vi.fn()`/`jest.fn()` mock, an array the code pushes to, or a function
 * returning the calls so far. Read synchronously: a function must return the array, not a Promise of it.
 */
export type EffectSource =
  | {
      /** The mock's record of calls (Vitest and Jest mocks). */
      mock: {
        /** One argument list per call. */
        calls: readonly unknown[];
      };
      /** The mock's name, used in the failure when the effect is not given one by key. */
      getMockName?: () => string;
    }
  | unknown[]
  | (() => readonly unknown[]);
/** The side effects a delivery matcher watches: a list, or a record whose keys name them in the failure (`{ sendEmail }`). */
export type Effects = readonly EffectSource[] | Record<string, EffectSource>;

type MockLike = { (...args: never[]): unknown; mock: { calls: readonly unknown[] }; getMockName?: () => string };

function isMock(value: unknown): value is MockLike {
  return typeof value === 'function' && Array.isArray((value as unknown as { mock?: { calls?: unknown } }).mock?.calls);
}

export function toRecorders(where: string, effects: unknown): EffectRecorder[] {
  if (effects === undefined) return [];
  const entries: [string | undefined, unknown][] = Array.isArray(effects)
    ? effects.map((source) => [undefined, source])
    : effects !== null && typeof effects === 'object'
      ? Object.entries(effects)
      : (() => {
          throw new TypeError(
            `${where}: \`effects\` must be an array or a record of vi.fn()/jest.fn() mocks, arrays or () => calls functions, got ${typeof effects}.`,
          );
        })();
  return entries.map(([key, source], i) => {
    if (isMock(source)) {
      const mockName = source.getMockName?.();
      const fnName = source.name && !['mockConstructor', 'spy', 'fn'].includes(source.name) ? source.name : undefined;
      const name =
        key ??
        (mockName && !['jest.fn()', 'vi.fn()', 'spy'].includes(mockName) ? mockName : (fnName ?? `effects[${i}]`));
      return { name, calls: () => source.mock.calls };
    }
    if (Array.isArray(source)) return { name: key ?? `effects[${i}]`, calls: () => source };
    if (typeof source === 'function') {
      return {
        name: key ?? (source.name || `effects[${i}]`),
        calls: () => {
          const calls = (source as () => unknown)();
          if (!Array.isArray(calls)) {
            // Recorders are read synchronously, between deliveries: an async one is the likely mistake, so name it.
            const got =
              typeof (calls as { then?: unknown } | null)?.then === 'function'
                ? 'a Promise (recorders are synchronous: return the calls so far)'
                : typeof calls;
            throw new TypeError(
              `${where}: the effect recorder \`${key ?? source.name ?? i}\` must return an array of calls, got ${got}.`,
            );
          }
          return calls;
        },
      };
    }
    throw new TypeError(
      `${where}: \`effects${key ? `.${key}` : `[${i}]`}\` must be a vi.fn()/jest.fn() mock, an array, or a function returning the calls so far, got ${source === null ? 'null' : typeof source}.`,
    );
  });
}

/** How many calls each recorder has seen: a baseline to diff later calls against. */
export function countCalls(recorders: readonly EffectRecorder[]): number[] {
  return recorders.map((recorder) => recorder.calls().length);
}

export interface ExtraEffect {
  name: string;
  calls: readonly unknown[];
}

/** Calls made since `baseline`, per recorder that has any. */
export function callsSince(recorders: readonly EffectRecorder[], baseline: readonly number[]): ExtraEffect[] {
  return recorders
    .map((recorder, i) => ({ name: recorder.name, calls: recorder.calls().slice(baseline[i] ?? 0) }))
    .filter((extra) => extra.calls.length > 0);
}
