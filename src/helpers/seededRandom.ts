/**
 * Seeded random data (pure-rand's xoroshiro128+): the same seed gives the same values in the test, in
 * a worker thread and in a child process, and `install()` makes `Math.random` and
 * `crypto.randomUUID` follow it until the test ends.
 */
import type * as NodeCrypto from 'node:crypto';
import type * as Xoroshiro from 'pure-rand/generator/xoroshiro128plus';
import type * as UniformInt from 'pure-rand/distribution/uniformInt';
import type * as UniformFloat64 from 'pure-rand/distribution/uniformFloat64';
import { lazyRequire } from '../lazyRequire.ts';
import { crypto as nodeCrypto, inspect, nodeModule } from '../runtime/builtins.ts';
import { globalSlot } from '../runtime/globalSlot.ts';
import { currentTestState } from '../runner/testState.ts';
import { hash32, testSeed } from './testSeed.ts';

/** A pseudo-random generator that replays the same sequence from the same seed (see `seededRandom()`). */
export interface SeededRandom {
  /** The seed it was made from. */
  readonly seed: number;
  /** A float in [0, 1), like `Math.random()`. */
  next(): number;
  /** A whole number from `min` to `max`, both included. */
  int(min: number, max: number): number;
  /** One element of a non-empty array. */
  pick<T>(list: readonly T[]): T;
  /** A version 4 UUID, like `crypto.randomUUID()`. */
  uuid(): string;
  /**
   * Makes `Math.random`, `crypto.randomUUID` (the global and `node:crypto`'s) follow this generator
   * until the test ends, for the running test only (a concurrent test keeps its own); outside a test,
   * until the returned function is called. Returns that function (restore early).
   */
  install(): () => void;
}

// Loaded on first use, not when unflake is imported (issue 20): node:crypto (runtime/builtins.ts) and pure-rand.
const loadXoroshiro = lazyRequire<typeof Xoroshiro>('pure-rand/generator/xoroshiro128plus');
const loadUniformInt = lazyRequire<typeof UniformInt>('pure-rand/distribution/uniformInt');
const loadUniformFloat64 = lazyRequire<typeof UniformFloat64>('pure-rand/distribution/uniformFloat64');

const INSTALLED_KEY = 'seededRandom.installed';
type Uuid = () => string;

interface Installs {
  /** What was there before the first install, restored after the last. */
  original: { random: () => number; webUuid: PropertyDescriptor | undefined; nodeUuid: Uuid } | undefined;
  active: number;
  /** Installs made outside any test, latest last. */
  outside: SeededRandom[];
}

const installs = (): Installs =>
  globalSlot('seededRandom.installs.v1', (): Installs => ({ original: undefined, active: 0, outside: [] }));

function checkSeed(seed: unknown): number {
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed))
    throw new TypeError(
      `seededRandom(): \`seed\` must be an integer (e.g. testSeed(), or one a failure printed), got ${inspect(seed, { depth: 0 })}.`,
    );
  // xoroshiro128+ takes 32 bits: larger or negative seeds are folded, never silently truncated to one another.
  return seed >= 0 && seed <= 0xffff_ffff ? seed : hash32(`seed:${seed}`);
}

/**
 * xoroshiro128+ seeded with a small number starts near 1.0 (seed 42 first gives 0.99999937): murmur3's
 * finaliser, a bijection on 32 bits, spreads every seed first, so distinct seeds stay distinct.
 */
function mixSeed(seed: number): number {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}

function checkInt(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value))
    throw new TypeError(
      `seededRandom().int(): \`${name}\` must be a safe integer, got ${inspect(value, { depth: 0 })}.`,
    );
  return value;
}

function formatUuid(words: number[]): string {
  const bytes = words.flatMap((w) => [w >>> 24, (w >>> 16) & 0xff, (w >>> 8) & 0xff, w & 0xff]);
  bytes[6] = (bytes[6]! & 0x0f) | 0x40; // version 4
  bytes[8] = (bytes[8]! & 0x3f) | 0x80; // RFC 9562 variant
  const hex = bytes.map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The generator `Math.random` follows now: the running test's install, else an outside one. */
function installedNow(): SeededRandom | undefined {
  const own = currentTestState()?.values.get(INSTALLED_KEY) as SeededRandom[] | undefined;
  return own?.at(-1) ?? installs().outside.at(-1);
}

function webCrypto(): { randomUUID?: Uuid } | undefined {
  const crypto = (globalThis as { crypto?: { randomUUID?: Uuid } }).crypto;
  return crypto && typeof crypto === 'object' ? crypto : undefined;
}

function patchGlobals(): void {
  const s = installs();
  const web = webCrypto();
  s.original = {
    random: Math.random,
    webUuid: web && Object.getOwnPropertyDescriptor(web, 'randomUUID'),
    nodeUuid: nodeCrypto().randomUUID,
  };
  const original = s.original;
  Math.random = () => {
    const rng = installedNow();
    return rng ? rng.next() : original.random();
  };
  const uuid = (): string => {
    const rng = installedNow();
    return rng ? rng.uuid() : original.nodeUuid();
  };
  if (web) Object.defineProperty(web, 'randomUUID', { value: uuid, configurable: true, writable: true });
  nodeCrypto().randomUUID = uuid as typeof NodeCrypto.randomUUID;
  // `import { randomUUID } from 'node:crypto'` (native ESM) sees the change only after this.
  nodeModule().syncBuiltinESMExports();
}

function restoreGlobals(): void {
  const s = installs();
  const original = s.original;
  if (!original) return;
  s.original = undefined;
  Math.random = original.random;
  const web = webCrypto();
  if (web) {
    if (original.webUuid) Object.defineProperty(web, 'randomUUID', original.webUuid);
    else delete web.randomUUID;
  }
  nodeCrypto().randomUUID = original.nodeUuid as typeof NodeCrypto.randomUUID;
  nodeModule().syncBuiltinESMExports();
}

function install(rng: SeededRandom): () => void {
  const s = installs();
  if (s.active++ === 0) patchGlobals();
  const state = currentTestState();
  const list = state ? ((state.values.get(INSTALLED_KEY) as SeededRandom[] | undefined) ?? []) : s.outside;
  list.push(rng);
  if (state) state.values.set(INSTALLED_KEY, list);
  let done = false;
  const restore = (): void => {
    if (done) return;
    done = true;
    const at = list.lastIndexOf(rng);
    if (at >= 0) list.splice(at, 1);
    if (--s.active === 0) restoreGlobals();
  };
  // Undone when the test ends, among its cleanups (so a cleanup registered after install() still sees it).
  state?.cleanups.push({ label: () => 'seededRandom().install()', run: restore, gone: () => false });
  return restore;
}

/**
 * A seeded generator: the same `seed` always gives the same sequence, in any process. The default
 * seed is `testSeed()`: the same for a test and its retries, reproduced by a failure's `UNFLAKE_SEED`.
 *
 * @example const rng = seededRandom(); const order = { id: rng.uuid(), qty: rng.int(1, 5), sku: rng.pick(skus) }
 */
export function seededRandom(seed: number = testSeed()): SeededRandom {
  const value = checkSeed(seed);
  const generator = loadXoroshiro().xoroshiro128plus(mixSeed(value));
  const { uniformInt } = loadUniformInt();
  const { uniformFloat64 } = loadUniformFloat64();
  const rng: SeededRandom = Object.freeze({
    seed: value,
    next: () => uniformFloat64(generator),
    int: (min: number, max: number) => {
      checkInt('min', min);
      checkInt('max', max);
      if (min > max)
        throw new TypeError(`seededRandom().int(): \`min\` (${min}) must not be greater than \`max\` (${max}).`);
      return uniformInt(generator, min, max);
    },
    pick: <T>(list: readonly T[]): T => {
      if (!Array.isArray(list) || list.length === 0)
        throw new TypeError(
          `seededRandom().pick(): \`list\` must be a non-empty array, got ${inspect(list, { depth: 0 })}.`,
        );
      return list[uniformInt(generator, 0, list.length - 1)] as T;
    },
    uuid: () => formatUuid([generator.next(), generator.next(), generator.next(), generator.next()]),
    install: () => install(rng),
  });
  return rng;
}
