/**
 * src/runner's pure parts (call sites, own frames, the test's window, test ids), pinned where the
 * mutation run (npm run mutation, docs/testing.md) found the behaviour unchecked.
 */
import { captureCallSite, findCallSite, withCallSiteStack } from '../../src/runner/callSite.ts';
import { isForeignFrame, userFrames } from '../../src/runner/ownFrames.ts';
import { keptBack, toWindow } from '../../src/runner/testWindow.ts';
import { escapeTitle, testFileOf, testIdOf, testNameOf } from '../../src/runner/testId.ts';
import { monotonicNow, wallNow } from '../../src/time/realTime.ts';

/** A frame line of this very file, exactly as the running runtime writes it (path form, file:// or not). */
function frameOfThisFile(): string {
  const line = (new Error().stack ?? '')
    .split('\n')
    .find((l) => /test[\\/]mutation[\\/]runnerFrames\.test\.ts/.test(l));
  if (!line) throw new Error('no frame of this file in the stack');
  return line;
}
/** The same frame, moved to `path` under the project root (e.g. `src/poll/poll.ts`). */
const frameAt = (path: string): string =>
  frameOfThisFile().replace(/test[\\/]mutation[\\/]runnerFrames\.test\.ts/, path);

describe('own frames: which stack lines are the library’s or the platform’s', () => {
  test.each(['src/poll/poll.ts', 'matchers/toEventually.ts', 'clock/index.ts', 'dist/index.js'])(
    'a frame in the library’s own %s is foreign to the user',
    (path) => {
      expect(isForeignFrame(frameAt(path))).toBe(true);
    },
  );

  test.each(['test/src/poll.test.ts', 'examples/src/app.ts', 'lib/src/x.ts'])(
    'a frame in the user’s %s under the same root is the user’s',
    (path) => {
      expect(isForeignFrame(frameAt(path))).toBe(false);
    },
  );

  test('a frame in another project’s src/ folder is the user’s', () => {
    expect(isForeignFrame('    at handler (/home/someone/app/src/orders.ts:3:9)')).toBe(false);
  });

  test.each([
    '    at process.processTicksAndRejections (node:internal/process/task_queues:105:5)',
    '    at EventEmitter.emit (node:events:518:28)',
    '    at run (/home/someone/app/node_modules/vitest/dist/index.js:1:1)',
  ])('node internals and node_modules are foreign: %s', (line) => {
    expect(isForeignFrame(line)).toBe(true);
  });

  test('userFrames keeps only the user’s frame lines, in order, without the message', () => {
    const user1 = '    at first (/home/someone/app/test/a.test.ts:1:1)';
    const user2 = '    at second (/home/someone/app/test/b.test.ts:2:2)';
    const stack = [
      'Error: boom',
      'a message line mentioning at (x)',
      user1,
      frameAt('src/poll/poll.ts'),
      '    at node:internal/x:1:1',
      user2,
    ].join('\n');
    expect(userFrames(stack)).toEqual([user1, user2]);
  });

  test('a line that merely mentions a path at the root’s length is not taken for an own frame', () => {
    // Whatever the root is, a line that does not contain it is no frame of the library, even when the
    // text at the root's length happens to read "src/".
    const root = /((?:file:\/\/)?\/[^():]*?\/)test[\\/]mutation[\\/]/.exec(frameOfThisFile())![1]!;
    expect(isForeignFrame(`${'y'.repeat(root.length - 1)}src/poll/poll.ts`)).toBe(false);
    expect(isForeignFrame(`${'y'.repeat(root.length)}src/poll/poll.ts`)).toBe(false);
  });

  test('userFrames takes only lines that are frames, not text that contains " at " between them', () => {
    const user = '    at first (/home/someone/app/test/a.test.ts:1:1)';
    const stack = [
      'Error: boom',
      user,
      'Caused by: a failure at (/home/someone/app/test/b.ts:2:2)',
      '[cause]: x at y',
    ].join('\n');
    expect(userFrames(stack)).toEqual([user]);
  });

  test('userFrames: anything but a string, or a stack without frames, has none', () => {
    expect(userFrames(undefined)).toEqual([]);
    expect(userFrames({ toString: () => '    at x (/a/b.ts:1:1)' })).toEqual([]);
    expect(userFrames('Error: only a message\nand a second line')).toEqual([]);
  });

  test('userFrames skips a huge message and still reads the frames after it', () => {
    const frames = Array.from({ length: 5 }, (_, i) => `    at f${i} (/home/someone/app/test/t.test.ts:${i + 1}:1)`);
    const stack = `Error: ${'x'.repeat(200_000)}\n${frames.join('\n')}`;
    expect(userFrames(stack)).toEqual(frames);
  });

  test('userFrames reads a bounded amount of frame text (64 KiB), not an unbounded one', () => {
    const frame = (i: number): string => `    at f${i} (/home/someone/app/test/t.test.ts:${i}:1)`;
    const many = Array.from({ length: 5_000 }, (_, i) => frame(i + 1));
    const read = userFrames(`Error: m\n${many.join('\n')}`);
    expect(read.length).toBeGreaterThan(100);
    expect(read.length).toBeLessThan(many.length);
    expect(read[0]).toBe(many[0]);
  });
});

describe('call sites', () => {
  test('findCallSite is the first user frame, without its "at "', () => {
    const stack = [
      'Error: x',
      frameAt('src/poll/poll.ts'),
      '    at   userTest (/home/someone/app/test/a.test.ts:7:3)  ',
      '    at other (/home/someone/app/test/b.ts:1:1)',
    ].join('\n');
    expect(findCallSite(stack)).toBe('userTest (/home/someone/app/test/a.test.ts:7:3)');
  });

  test('findCallSite of a stack with no user frame is undefined', () => {
    expect(findCallSite(['Error: x', frameAt('src/poll/poll.ts')].join('\n'))).toBeUndefined();
    expect(findCallSite(undefined)).toBeUndefined();
  });

  test('captureCallSite keeps a bounded number of frames and restores the runtime’s limit', () => {
    const before = Error.stackTraceLimit;
    Error.stackTraceLimit = 100;
    try {
      const deep = (n: number): Error => (n === 0 ? captureCallSite('where') : deep(n - 1));
      const error = deep(60);
      expect(error.message).toBe('where');
      const frames = (error.stack ?? '').split('\n').filter((l) => /^\s+at /.test(l));
      expect(frames.length).toBe(16);
      expect(Error.stackTraceLimit).toBe(100);
    } finally {
      Error.stackTraceLimit = before;
    }
  });

  test('captureCallSite(message, above) starts the stack at the caller of `above`', () => {
    function publicEntryPoint(): Error {
      return captureCallSite('at the call', publicEntryPoint);
    }
    function theUsersCode(): Error {
      return publicEntryPoint();
    }
    const stack = theUsersCode().stack ?? '';
    expect(stack).not.toMatch(/publicEntryPoint/);
    expect(stack.split('\n').find((l) => /^\s+at /.test(l))).toMatch(/theUsersCode/);
  });
});

describe('withCallSiteStack', () => {
  test('the error keeps its name and message and takes the call site’s frames', () => {
    const error = new TypeError('boom');
    const callSite = new Error('where');
    callSite.stack = 'Error: where\n    at a (/app/test/f.test.ts:1:1)\n    at b (/app/test/g.ts:2:2)';
    expect(withCallSiteStack(error, callSite)).toBe(error);
    expect(error.stack).toBe('TypeError: boom\n    at a (/app/test/f.test.ts:1:1)\n    at b (/app/test/g.ts:2:2)');
  });

  test('a call site without a stack leaves just the headline', () => {
    const error = new RangeError('r');
    const callSite = new Error('where');
    callSite.stack = undefined;
    expect(withCallSiteStack(error, callSite).stack).toBe('RangeError: r\n');
  });
});

describe('the test’s window', () => {
  test('no timing, no window', () => {
    expect(toWindow(undefined)).toBeUndefined();
  });

  test('the deadline is the runner’s start + timeout, moved onto the monotonic clock', () => {
    const window = toWindow({ runner: 'jest', timeout: 5_000, startedAt: wallNow() - 1_000 })!;
    expect(window.runner).toBe('jest');
    expect(window.timeout).toBe(5_000);
    const left = window.deadline - monotonicNow();
    expect(left).toBeGreaterThan(3_500);
    expect(left).toBeLessThanOrEqual(4_000);
  });

  test('keptBack is the asked margin, capped at a quarter of the test’s timeout (rounded down)', () => {
    const window = (timeout: number) => ({ runner: 'vitest' as const, timeout, deadline: 0 });
    expect(keptBack(window(10_000), 250)).toBe(250);
    expect(keptBack(window(200), 250)).toBe(50);
    expect(keptBack(window(201), 250)).toBe(50);
    expect(keptBack(window(1_000), 250)).toBe(250);
  });
});

describe('test ids', () => {
  test('a title keeps its text unless it holds ">" or "\\", which are escaped', () => {
    expect(escapeTitle('orders sync')).toBe('orders sync');
    expect(escapeTitle('a > b')).toBe('a \\> b');
    expect(escapeTitle('C:\\x')).toBe('C:\\\\x');
    expect(escapeTitle('>')).toBe('\\>');
    expect(escapeTitle('\\')).toBe('\\\\');
  });

  test('titles join outermost first with " > ", so two title paths never collide', () => {
    expect(testNameOf(['orders sync', 'retries'])).toBe('orders sync > retries');
    expect(testNameOf(['orders', 'sync retries'])).not.toBe(testNameOf(['orders sync', 'retries']));
    expect(testNameOf(['a>b', 'c'])).not.toBe(testNameOf(['a', 'b > c']));
  });

  test('the file part is relative to the root, and a relative file stays as given', () => {
    expect(testFileOf('/root/app/test/a.test.ts', '/root/app')).toBe('test/a.test.ts');
    expect(testFileOf('test/a.test.ts', '/elsewhere')).toBe('test/a.test.ts');
    expect(testFileOf(`${process.cwd()}/test/b.test.ts`)).toBe('test/b.test.ts');
  });

  test('the id is file > titles; without a file, the titles alone', () => {
    expect(testIdOf(`${process.cwd()}/test/a.test.ts`, ['suite', 'case'])).toBe('test/a.test.ts > suite > case');
    expect(testIdOf(undefined, ['suite', 'case'])).toBe('suite > case');
  });
});
