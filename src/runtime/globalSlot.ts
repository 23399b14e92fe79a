/**
 * One engine per process. tsup bundles each entry point (`unflake`, `unflake/vitest`, `unflake/jest`,
 * `unflake/matchers`, `unflake/clock`) and each module format separately, so module-level state and classes
 * are duplicated: a test may import `stop` from the ESM `unflake` while its matchers were registered from the
 * CJS `unflake/jest`. Every piece of state the copies must agree on lives in a slot on `globalThis`, keyed by
 * a registered symbol, and every class the engine recognises carries a `Symbol.for` brand (see brand.ts).
 */
export function globalSlot<T>(name: string, create: () => T): T {
  const key = Symbol.for(`unflake.${name}`);
  const g = globalThis as Record<symbol, T | undefined>;
  return (g[key] ??= create());
}
