/**
 * Names unique to one test and one attempt: a retry gets fresh tenants, topics and keys, so what the
 * failed attempt left behind cannot make the retry pass or fail.
 */
import { randomBytes } from '../lazyRequire.ts';
import { currentTestState } from '../runner/testState.ts';
import { buildNamespace, workerTail, type WorkerNamespace } from './workerNamespace.ts';

const TOKEN_KEY = 'testNamespace.token';
const CACHE_KEY = 'testNamespace.byPrefix';

/**
 * 8 base-36 characters from the OS's random source, not `Math.random` (which a seeded install may
 * replay on the retry): 2.8e12 values, so two tests of one worker in one run collide with odds of
 * about 1 in 10^5 even at 5 000 tests.
 */
function token(): string {
  return Array.from(randomBytes(8), (b) => (b % 36).toString(36)).join('');
}

/**
 * A namespace unique to the running test **and attempt**: `<prefix>-<run id>-w<worker>-<token>`, e.g.
 * `orders-k3j9x2ab-w2-7f3k9q2m`. The same object for the same prefix within the test (its hooks and
 * cleanups included); a new token for the next test and for each retry. Same characters and limits
 * as `workerNamespace` (≤ 40, `name()` ≤ 63). It appears in the test's failure fingerprint.
 *
 * @example const ns = testNamespace('tenant'); await api.createTenant(ns.id); onCleanup(() => api.deleteTenant(ns.id))
 */
export function testNamespace(prefix = 't'): WorkerNamespace {
  if (typeof prefix !== 'string')
    throw new TypeError(`testNamespace(): \`prefix\` must be a string, got ${typeof prefix}.`);
  const state = currentTestState();
  if (!state) {
    throw new Error(
      'testNamespace(): no test is running. It names things for one test and one attempt, so call it inside a test (or a beforeEach, or a cleanup). ' +
        'For a name shared by the whole worker (beforeAll, globalSetup, a fixture file), use workerNamespace(). ' +
        '(The per-test state comes from the setup entry: unflake/vitest, unflake/jest or unflake/playwright.)',
    );
  }
  let cache = state.values.get(CACHE_KEY) as Map<string, WorkerNamespace> | undefined;
  if (!cache) state.values.set(CACHE_KEY, (cache = new Map()));
  const cached = cache.get(prefix);
  if (cached) return cached;
  let own = state.values.get(TOKEN_KEY) as string | undefined;
  if (!own) state.values.set(TOKEN_KEY, (own = token()));
  const ns = buildNamespace('testNamespace()', prefix, `${workerTail()}-${own}`);
  cache.set(prefix, ns);
  return ns;
}
