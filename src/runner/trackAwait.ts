/**
 * Knowing whether a test awaited the promise an assertion returned, so a forgotten `await` fails the
 * test even when the poll had already passed or failed by the time the test ended.
 *
 * The runners wrap a matcher's promise synchronously (`promise.then(...)`, `.catch(...)`) before handing
 * their own to the test. Promise subclassing makes every promise derived from ours an `Awaitable` too
 * (`then` creates the child through the species constructor), so we see each `then` on the chain. The
 * test's `await` (or `return`, `Promise.all`, a later `.then`) reaches the chain in a later microtask than
 * the call itself; the runners' own wrapping happens within the call. So: a `then` after the call's
 * synchronous part means the result was awaited.
 *
 * Every promise of the chain also gets a silent rejection handler: an un-awaited failure is reported on
 * its own test (testState.ts), never as a file-level unhandled rejection. An awaited one still rejects
 * for the code awaiting it.
 */
import type { TrackedWork } from './testState.ts';
import { firstLine } from '../report/firstLine.ts';

const owners = new WeakMap<Promise<unknown>, Tracker>();

interface Tracker {
  work: TrackedWork;
  /** Set one microtask after the call: `then`s from here on are the caller's. */
  callReturned: boolean;
}

const ignore = (): void => {};
const resolved = Promise.resolve();

function silence(promise: Promise<unknown>): void {
  // The base `then`: not counted as an await, and its own child is not tracked.
  Promise.prototype.then.call(promise, undefined, ignore);
}

class Awaitable<T> extends Promise<T> {
  override then<A = T, B = never>(onFulfilled?: ((value: T) => A | PromiseLike<A>) | null, onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null): Promise<A | B> {
    const tracker = owners.get(this);
    if (tracker?.callReturned) tracker.work.awaited = true;
    const child = super.then(onFulfilled, onRejected);
    if (tracker) {
      owners.set(child, tracker);
      silence(child);
    }
    return child;
  }
}

/**
 * Wraps the promise of `work` (started just now, synchronously in the caller's call) so that awaiting
 * it marks the work as awaited, and records how it settled (`outcome` says passed or failed).
 */
export function trackAwait<T>(work: TrackedWork, promise: Promise<T>, outcome: (value: T) => { passed: boolean; failure?: string }): Promise<T> {
  const tracker: Tracker = { work, callReturned: false };
  // A promise job, not queueMicrotask: Jest's modern fake timers fake queueMicrotask.
  void resolved.then(() => {
    tracker.callReturned = true;
  });
  const tracked = new Awaitable<T>((resolve, reject) => {
    promise.then(
      (value) => {
        const { passed, failure } = outcome(value);
        work.outcome = passed ? 'passed' : 'failed';
        if (failure !== undefined) work.failure = failure;
        resolve(value);
      },
      (error: unknown) => {
        work.outcome = 'failed';
        work.failure = firstLine(error);
        reject(error);
      },
    );
  });
  owners.set(tracked, tracker);
  silence(tracked);
  return tracked;
}
