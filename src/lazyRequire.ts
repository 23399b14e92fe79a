import { crypto, nodeModule } from './runtime/builtins.ts';

/**
 * A loader that requires a (CommonJS) dependency on first use, so importing unflake does not load it.
 * Not a bare `require`: the ESM build's bundler shim for it throws. tsup's `shims` gives the CJS build an
 * import.meta.url, so this serves both.
 */
export function lazyRequire<T>(name: string): () => T {
  let cached: T | undefined;
  return () => (cached ??= nodeModule().createRequire(import.meta.url)(name) as T);
}

/** node:crypto's `randomBytes`, loading node:crypto on the first call instead of at import (runtime/builtins.ts). */
export function randomBytes(size: number): Buffer {
  return crypto().randomBytes(size);
}
