import { createRequire } from 'node:module';

/**
 * A loader that requires a (CommonJS) dependency on first use, so importing unflake does not load it.
 * Not a bare `require`: the ESM build's bundler shim for it throws. tsup's `shims` gives the CJS build an
 * import.meta.url, so this serves both.
 */
export function lazyRequire<T>(name: string): () => T {
  let cached: T | undefined;
  return () => (cached ??= createRequire(import.meta.url)(name) as T);
}
