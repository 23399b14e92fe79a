/**
 * One engine per process: classes are recognised by brand, so two copies of the library (ESM and CJS,
 * or two entry points) agree. The built package is checked by test/verdicts; here, the brand itself.
 */
import {
  ConsistentlyError,
  EventuallyError,
  PollError,
  StopError,
  consistently,
  eventually,
  stop,
} from '../../src/index.ts';
import { errorOf } from '../support/failure.ts';

const fromAnotherCopy = (...brands: string[]): object => {
  const error = new Error('made by another copy of unflake');
  for (const name of brands) Object.defineProperty(error, Symbol.for(`unflake.brand.${name}`), { value: true });
  return error;
};

test('instanceof works across copies, for each class and its parents', async () => {
  expect(fromAnotherCopy('stop')).toBeInstanceOf(StopError);
  expect(fromAnotherCopy('EventuallyError', 'PollError')).toBeInstanceOf(EventuallyError);
  expect(fromAnotherCopy('EventuallyError', 'PollError')).toBeInstanceOf(PollError);
  expect(fromAnotherCopy('EventuallyError', 'PollError')).not.toBeInstanceOf(ConsistentlyError);
  expect(new Error('plain')).not.toBeInstanceOf(StopError);
  const eventual = await errorOf(eventually(() => false, { timeout: 10 }));
  expect(eventual).toBeInstanceOf(EventuallyError);
  expect(eventual).toBeInstanceOf(PollError);
  expect(eventual).not.toBeInstanceOf(ConsistentlyError);
  const always = await errorOf(
    consistently(
      () => false,
      (v) => v,
      { for: 10 },
    ),
  );
  expect(always).toBeInstanceOf(ConsistentlyError);
  expect(always).toBeInstanceOf(PollError);
});

test("a StopError thrown by another copy stops this copy's poll", async () => {
  let calls = 0;
  const error = await errorOf<EventuallyError>(
    eventually(
      () => {
        calls++;
        throw Object.assign(fromAnotherCopy('stop'), { reason: 'the order was cancelled' });
      },
      { timeout: 2000, interval: 5 },
    ),
  );
  expect(calls).toBe(1);
  expect(error.message).toMatch(/Stopped by stop\(\) at attempt 1 .*: the order was cancelled/);
});

test('stop() wrapped in another error as its cause still stops', async () => {
  let calls = 0;
  const error = await errorOf<EventuallyError>(
    eventually(
      () => {
        calls++;
        try {
          stop('terminal state');
        } catch (inner) {
          throw new Error('repository call failed', { cause: inner });
        }
      },
      { timeout: 2000, interval: 5 },
    ),
  );
  expect(calls).toBe(1);
  expect(error.message).toMatch(/Stopped by stop\(\) at attempt 1 .*: terminal state/);
});
