/**
 * The Node builtins unflake uses, got through `process.getBuiltinModule` (Node ≥ 20.16; engines says
 * ≥ 20.19), never `import`ed (issue 20: importing unflake is light). Two different costs:
 *
 * - `node:util`, `node:timers`, `node:path` and `node:async_hooks` are already loaded by Node's own bootstrap,
 *   so getting one is a lookup (~20 µs). What costs is `import … from 'node:util'`: it builds the ESM
 *   namespace, which evaluates every lazy export of util (about 3 ms on Node 24, 1 ms on Node 20, measured in
 *   a fresh process; 0.3–0.4 ms for each of the others). These getters may be called at the top of a module
 *   to read a function once for a hot path.
 * - `node:worker_threads` (~2.5 ms), `node:net` (~2.5 ms), `node:perf_hooks` (~1 ms), `node:http(s)` (tens of
 *   ms), `node:crypto`, `node:fs`, `node:module` and `node:timers/promises` are really loaded on the first call:
 *   call their getters inside the function that needs them, never at module top.
 *
 * Each getter caches the module after its first call: a hot path pays a call and a nullish check.
 * test/helpers/lightImport.test.ts checks that `import('unflake')` neither imports node:util nor loads the others.
 */
import type * as NodeAsyncHooks from 'node:async_hooks';
import type * as NodeCrypto from 'node:crypto';
import type * as NodeFs from 'node:fs';
import type * as NodeHttp from 'node:http';
import type * as NodeHttps from 'node:https';
import type * as NodeModule from 'node:module';
import type * as NodeNet from 'node:net';
import type * as NodePath from 'node:path';
import type * as NodePerfHooks from 'node:perf_hooks';
import type * as NodeTimers from 'node:timers';
import type * as NodeTimersPromises from 'node:timers/promises';
import type * as NodeUtil from 'node:util';
import type * as NodeWorkerThreads from 'node:worker_threads';

function builtin<T>(id: string): () => T {
  let cached: T | undefined;
  return () => (cached ??= process.getBuiltinModule(id) as T);
}

export const util: () => typeof NodeUtil = builtin('node:util');
export const workerThreads: () => typeof NodeWorkerThreads = builtin('node:worker_threads');
export const net: () => typeof NodeNet = builtin('node:net');
export const crypto: () => typeof NodeCrypto = builtin('node:crypto');
export const fs: () => typeof NodeFs = builtin('node:fs');
export const http: () => typeof NodeHttp = builtin('node:http');
export const https: () => typeof NodeHttps = builtin('node:https');
export const nodeModule: () => typeof NodeModule = builtin('node:module');
export const timers: () => typeof NodeTimers = builtin('node:timers');
export const timersPromises: () => typeof NodeTimersPromises = builtin('node:timers/promises');
export const perfHooks: () => typeof NodePerfHooks = builtin('node:perf_hooks');
export const asyncHooks: () => typeof NodeAsyncHooks = builtin('node:async_hooks');
export const path: () => typeof NodePath = builtin('node:path');

/**
 * `util.inspect.custom` without node:util: it is the registered symbol below (Node documents it so).
 * Typed as util's own, so `[inspectCustom]` members type-check where `inspect.custom` ones are expected.
 */
export const inspectCustom = Symbol.for('nodejs.util.inspect.custom') as typeof NodeUtil.inspect.custom;

/** `util.inspect(value, options)` (only that form: for `inspect.custom` use `inspectCustom`). */
export const inspect = (value: unknown, options?: NodeUtil.InspectOptions): string => util().inspect(value, options);
