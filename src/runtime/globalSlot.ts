/**
 * One engine per process. tsup bundles each entry point (`unflake`, `unflake/vitest`, `unflake/jest`,
 * `unflake/matchers`, `unflake/clock`) and each module format separately, so module-level state and classes
 * are duplicated: a test may import `stop` from the ESM `unflake` while its matchers were registered from the
 * CJS `unflake/jest`. Every piece of state the copies must agree on lives in a slot on `globalThis`, keyed by
 * a registered symbol, and every class the engine recognises carries a `Symbol.for` brand (see brand.ts).
 */

// A slot, once read, is this copy's for good: `globalThis` is fixed for a module instance, and a slot is
// never replaced. Kept here so the hot path reads a Map, not the global: under Jest every `globalThis[key]`
// read goes through the vm context's interceptors (and `Symbol.for` is a registry lookup).
const slots = new Map<string, unknown>();

export function globalSlot<T>(name: string, create: () => T): T {
  let slot = slots.get(name) as T | undefined;
  if (slot === undefined) {
    const g = globalThis as Record<symbol, T | undefined>;
    slot = g[Symbol.for(`unflake.${name}`)] ??= create();
    slots.set(name, slot);
  }
  return slot;
}
