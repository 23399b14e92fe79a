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

/**
 * node:crypto's `randomBytes`, loading node:crypto (about 6 ms, the largest part of importing unflake
 * once node:http is lazy) on the first call instead of at import. `process.getBuiltinModule` is
 * synchronous and the same in the ESM and CJS builds.
 */
export function randomBytes(size: number): Buffer {
  return (process.getBuiltinModule('node:crypto') as typeof import('node:crypto')).randomBytes(size);
}
