/** The report contract: a failure message is built from a PollResult and a printer alone. */
import { eventually } from '../../src/index.ts';
import type { FailReason, PollResult } from '../../src/poll/PollResult.ts';
import { formatFailure, plainPrinter } from '../../src/report/formatFailure.ts';
import { failureOf } from '../support/failure.ts';

const failed = (reason: FailReason, extra: Partial<PollResult> = {}): PollResult =>
  ({
    passed: false,
    reason,
    attempts: 4,
    elapsed: 300,
    virtual: false,
    window: 300,
    windowName: 'for',
    timeline: [
      {
        firstAt: 0,
        lastAt: 290,
        firstAttempt: 1,
        lastAttempt: 4,
        count: 4,
        kind: 'value',
        summary: "'good'",
        held: true,
      },
    ],
    droppedEntries: 0,
    hasValue: true,
    lastValue: 'good',
    lastError: undefined,
    lastValueError: undefined,
    value: 'good',
    inFlightAtEnd: false,
    ...extra,
  }) as PollResult;

describe('formatFailure on literal results', () => {
  test.each<[string, FailReason, string, RegExp]>([
    [
      'a timeout',
      { kind: 'timeout', limit: 'window', window: 300, windowName: 'timeout' },
      'eventually',
      /Timed out after 300 ms \(timeout: 300 ms\): the condition never held in 4 attempts\./,
    ],
    [
      'a window cut by the test',
      { kind: 'timeout', limit: 'test', window: 9000, windowName: 'for', testTimeout: 5000, margin: 250 },
      'always',
      /250 ms before the test's own 5000 ms timeout .*it was not watched for the whole window, so it cannot pass/,
    ],
    [
      'a window that saw no value',
      { kind: 'no-value', window: 300, windowName: 'for' },
      'always',
      /the probe never returned a value: every one of 4 attempts threw or did not settle/,
    ],
    [
      'a stopped-holding window',
      { kind: 'stopped-holding', attempt: 4 },
      'always',
      /It stopped holding at attempt 4 after 300 ms; it had to hold for 300 ms \(`for`\)\./,
    ],
    [
      'the test ending',
      { kind: 'test-ended' },
      'eventually',
      /The test ended while it was still running after 300 ms: it was stopped, and a stopped poll is never a pass\./,
    ],
    [
      'a misuse',
      { kind: 'misuse', error: new TypeError('stop(): `reason` must be a non-empty string') },
      'eventually',
      /unflake's API was misused inside the probe or check \(stop\(\): `reason` must be a non-empty string\)/,
    ],
  ])('%s', (_, reason, goal, pattern) => {
    const message = formatFailure({ hint: 'hint', goal: goal as never, result: failed(reason), printer: plainPrinter });
    expect(message.split('\n\n')[0]).toBe('hint');
    expect(message).toMatch(pattern);
  });

  test('the fingerprint comes from the result, not from the environment', () => {
    const message = formatFailure({
      hint: 'hint',
      goal: 'eventually',
      result: failed({ kind: 'max-attempts', maxAttempts: 4 }, { fingerprint: 'Run: trace abc · worker w9' }),
      printer: plainPrinter,
    });
    expect(message.endsWith('Run: trace abc · worker w9')).toBe(true);
    expect(
      formatFailure({
        hint: 'hint',
        goal: 'eventually',
        result: failed({ kind: 'max-attempts', maxAttempts: 4 }),
        printer: plainPrinter,
      }),
    ).not.toMatch(/Run:/);
  });

  test('dropped timeline entries are counted truly: 301 distinct values read as 301', async () => {
    let n = 0;
    const message = await failureOf(
      eventually(
        () => ++n,
        (v) => v > 10_000,
        { maxAttempts: 301, interval: 0 },
      ),
    );
    expect(message).toMatch(/Timeline \(301 attempts, 301 distinct observations\):/);
    expect(message).toMatch(/… 290 more distinct observations …/);
  });
});
