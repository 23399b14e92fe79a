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
 * for the code awaiting it. (The tracked promise itself gets it when it rejects: before then it cannot
 * raise one, and an already-true assertion is spared that promise.)
 *
 * Work both settled and awaited is released from its test (testState.ts `releaseWork`) at once.
 */
import { releaseWork, type TrackedWork } from './testState.ts';
import { firstLine } from '../report/firstLine.ts';

interface Tracker {
  readonly work: TrackedWork;
  /** Set one microtask after the call: `then`s from here on are the caller's. */
  callReturned: boolean;
}

const ignore = (): void => {};
const resolved = Promise.resolve();

// The base `then`, kept: under Jest the name `Promise` is a lookup through the vm context (~0.5 µs).
const baseThen = Promise.prototype.then;

function silence(promise: Promise<unknown>): void {
  // The base `then`: not counted as an await, and its own child is not tracked.
  baseThen.call(promise, undefined, ignore);
}

class Awaitable<T> extends Promise<T> {
  /**
   * The call this promise (the tracked one, or one derived from it) belongs to: a property, not a WeakMap
   * entry, as it is read on every `then`. Declared, not initialised: a field would be defined on every
   * promise the chain derives (the silent handlers' included), which never need it.
   */
  declare tracker?: Tracker;

  override then<A = T, B = never>(
    onFulfilled?: ((value: T) => A | PromiseLike<A>) | null,
    onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    const tracker = this.tracker;
    const child = super.then(onFulfilled, onRejected) as Awaitable<A | B>;
    if (tracker) {
      if (tracker.callReturned && !tracker.work.awaited) {
        tracker.work.awaited = true;
        releaseWork(tracker.work);
      }
      child.tracker = tracker;
      silence(child);
    }
    return child;
  }
}

// Trackers whose call is still running, oldest first: each promise job scheduled by trackAwait marks the
// oldest one returned (jobs run in the order they were queued). One shared callback, no closure per call.
const returning: Tracker[] = [];
function callReturned(): void {
  const tracker = returning.shift();
  if (tracker) tracker.callReturned = true;
}

/**
 * Wraps the promise of `work` (started just now, synchronously in the caller's call) so that awaiting
 * it marks the work as awaited, and records how it settled (`outcome` says passed or failed).
 */
export function trackAwait<T>(
  work: TrackedWork,
  promise: Promise<T>,
  outcome: (value: T) => { passed: boolean; failure?: string },
): Promise<T> {
  const tracker: Tracker = { work, callReturned: false };
  // A promise job, not queueMicrotask: Jest's modern fake timers fake queueMicrotask.
  returning.push(tracker);
  void resolved.then(callReturned);
  const tracked: Awaitable<T> = new Awaitable<T>((resolve, reject) => {
    promise.then(
      (value) => {
        const { passed, failure } = outcome(value);
        work.outcome = passed ? 'passed' : 'failed';
        if (failure !== undefined) work.failure = failure;
        releaseWork(work);
        resolve(value);
      },
      (error: unknown) => {
        work.outcome = 'failed';
        work.failure = firstLine(error);
        releaseWork(work);
        silence(tracked);
        reject(error);
      },
    );
  });
  tracked.tracker = tracker;
  return tracked;
}
