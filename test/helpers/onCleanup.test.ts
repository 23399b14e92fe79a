import { isGone, onCleanup } from '../../src/helpers/onCleanup.ts';
import { runFixture, type FixtureRun } from './fixtures/isolationRun.ts';

let outside: unknown;
beforeAll(() => {
  try {
    onCleanup(() => undefined);
  } catch (error) {
    outside = error;
  }
});

describe('onCleanup', () => {
  test('bad input: a TypeError naming the function and the argument', () => {
    expect(() => onCleanup('rm -rf' as never)).toThrow(
      new TypeError("onCleanup(): `fn` must be a function (the teardown to run after the test), got 'rm -rf'."),
    );
    expect(() => onCleanup(() => 1, { gone: 404 as never })).toThrow(
      new TypeError('onCleanup(): `gone` must be a function (error) => boolean, got 404.'),
    );
    expect(() => onCleanup(() => 1, { gnoe: () => true } as never)).toThrow(/onCleanup\(\).*gnoe/);
  });

  test('outside a test it throws, pointing to afterAll', () => {
    expect((outside as Error).message).toBe(
      'onCleanup(): no test is running. It registers teardown for one test; call it inside a test, a beforeEach or another cleanup. For teardown of a whole file, use afterAll.',
    );
  });

  test('"already gone" by default: HTTP 404/410 (fetch, axios, AWS SDK), ENOENT, NotFound names; nothing else', () => {
    for (const gone of [
      { status: 404 },
      { statusCode: 410 },
      { response: { status: 404 } },
      { $metadata: { httpStatusCode: 404 } },
      { code: 'ENOENT' },
      { name: 'NotFoundError' },
      { name: 'ResourceNotFoundException' },
      { code: 'NotFound' },
      { status: () => 404 },
    ]) {
      expect({ gone, is: isGone(gone) }).toEqual({ gone, is: true });
    }
    for (const other of [
      { status: 500 },
      { status: 403 },
      { code: 'EACCES' },
      new Error('boom'),
      'not found',
      undefined,
      null,
      { status: '404' },
    ]) {
      expect({ other, is: isGone(other) }).toEqual({ other, is: false });
    }
  });
});

describe('onCleanup in a real runner', () => {
  let run: FixtureRun;
  beforeAll(async () => {
    run = await runFixture('onCleanup.fixture.ts');
  }, 90_000);

  const events = (): string[] => run.records.map((r) => r.event as string);

  test('runs after the test and its afterEach, last registered first, each awaited; a cleanup can register more', () => {
    expect(run.tests.get('order')?.status).toBe('passed');
    const order = events().filter((e) => ['test body', 'afterEach'].includes(e) || /^cleanup /.test(e));
    expect(order).toEqual([
      'test body',
      'afterEach',
      'cleanup 3',
      'cleanup 2',
      'cleanup 2b, registered by cleanup 2',
      'cleanup 1',
    ]);
  });

  test('"already gone" passes: a 404 thrown or returned, ENOENT, a NotFound name, and what a custom `gone` accepts', () => {
    expect(run.tests.get('already gone')).toEqual({ status: 'passed', failureMessages: [] });
  });

  test('any other error fails the test, naming the cleanup and where it was registered; the other cleanups still run', () => {
    const failed = run.tests.get('a failing cleanup')!;
    expect(failed.status).toBe('failed');
    const message = failed.failureMessages.join('\n');
    expect(message).toContain(
      'unflake: 2 cleanups failed after the test (cleanups run last registered first; each ran):',
    );
    expect(message).toMatch(
      / {2}onCleanup #3 registered at .*onCleanup\.fixture\.ts:\d+:\d+: Error: the cleanup's request returned HTTP 500\n/,
    );
    expect(message).toMatch(
      / {2}onCleanup #2 \(dropTopic\) registered at .*onCleanup\.fixture\.ts:\d+:\d+: Error: 503 broker unavailable/,
    );
    expect(events()).toContain('earlier cleanup still ran');
    // A custom `gone` replaces the default: a 404 it rejects fails.
    expect(run.tests.get('a 404 that the custom gone does not accept')!.failureMessages.join('\n')).toContain(
      'unflake: a cleanup failed after the test',
    );
  });

  test.each(['a failing test and a failing cleanup', 'a failing concurrent test and a failing cleanup'])(
    "%s: the test's own error first, then the cleanup's",
    (name) => {
      const failed = run.tests.get(name)!;
      expect(failed.status).toBe('failed');
      const message = failed.failureMessages.join('\n');
      expect(message).toContain('TEST OWN ERROR');
      expect(message).toMatch(/onCleanup #1 registered at .*onCleanup\.fixture\.ts:\d+:\d+: Error: CLEANUP ERROR/);
      expect(message.indexOf('TEST OWN ERROR')).toBeLessThan(message.indexOf('CLEANUP ERROR'));
    },
  );

  test("a poll inside a cleanup runs to its end, in the test's own context", () => {
    expect(run.tests.get('a poll inside a cleanup runs')?.status).toBe('passed');
    const poll = run.records.find((r) => r.event === 'poll in cleanup');
    expect(poll?.attempts).toBe(3);
    expect(poll?.namespace).toBe(run.records.find((r) => r.event === 'poll test namespace')?.namespace);
  });

  test('concurrent tests keep their own cleanups', () => {
    const mine = run.records.filter((r) => r.event === 'concurrent cleanup');
    expect(mine.map((r) => r.test).sort()).toEqual(['a', 'b']);
    for (const r of mine) expect(r.nsInCleanup).toBe(r.ns);
    expect(mine[0]!.ns).not.toBe(mine[1]!.ns);
  });
});
