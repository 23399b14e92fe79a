/** A deep copy of the state the handler left (so later deliveries cannot mutate it), minus ignored paths. */
export async function takeSnapshot(state: (() => unknown) | undefined, ignore: readonly string[]): Promise<unknown> {
  if (!state) return undefined;
  const value = await state();
  let copy: unknown;
  try {
    copy = structuredClone(value);
  } catch {
    // Functions or class instances with methods cannot be cloned: compare the value as returned.
    copy = value;
  }
  for (const path of ignore) removePath(copy, path.split('.'));
  return copy;
}

/** Removes `a.b.c`; `*` matches every key or index at that level (`ledger.*.at`). */
function removePath(target: unknown, segments: readonly string[]): void {
  if (target === null || typeof target !== 'object' || segments.length === 0) return;
  const [head, ...rest] = segments as [string, ...string[]];
  const record = target as Record<string, unknown>;
  const keys = head === '*' ? Object.keys(record) : [head];
  for (const key of keys) {
    if (!(key in record)) continue;
    if (rest.length === 0) delete record[key];
    else removePath(record[key], rest);
  }
}
