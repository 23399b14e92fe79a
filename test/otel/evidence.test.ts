/**
 * Evidence unflake already knows, on a failure's span without being asked (issue 21 item 5): an installed fake clock
 * with timers pending while a real-time wait timed out, and the faults a faultProxy has switched on (also events on
 * the test's span: injected, healed), and a shared clock's pending timers and its followers' state. Vitest and Jest.
 */
import { createServer, type Server } from 'node:net';
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { TracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { TestClock } from '../../clock/TestClock.ts';
import { connectClock } from '../../clock/index.ts';
import { eventually } from '../../src/eventually.ts';
import { faultProxy } from '../../src/faults/faultProxy.ts';
import { activeFaults } from '../../src/otel/faults.ts';
import { failureEvidence, formatEvidence } from '../../src/otel/evidence.ts';
import { failureOf } from '../support/failure.ts';

// Ended spans kept as they end: the SDK's SimpleSpanProcessor may wait on a timer, which an installed TestClock holds.
const ended: ReadableSpan[] = [];
const keep = {
  onStart: () => undefined,
  onEnd: (span: ReadableSpan) => void ended.push(span),
  forceFlush: async () => undefined,
  shutdown: async () => undefined,
};
const provider = new TracerProvider({ spanProcessors: [keep] });
let server: Server;
let port: number;

// Registered as a setup file would (before the hooks run): Jest wraps its test bodies only when a provider is there.
trace.setGlobalTracerProvider(provider);
beforeAll(async () => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  server = createServer((socket) => socket.on('data', () => undefined).on('error', () => undefined));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
});

afterAll(async () => {
  trace.disable();
  context.disable();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => void ended.splice(0));

const evidenceOf = (span: ReadableSpan | undefined): string[] =>
  (span?.events ?? [])
    .filter((event) => event.name === 'unflake.evidence')
    .map((event) => String(event.attributes?.['unflake.evidence']));

async function pollSpan(): Promise<ReadableSpan | undefined> {
  return ended.find((span) => span.name.startsWith('unflake.poll '));
}

describe('a failure’s evidence', () => {
  test('an installed clock with a timer pending while a real-time wait times out', async () => {
    const clock = new TestClock();
    const installed = clock.install();
    try {
      clock.setTimeout(() => undefined, 60_000);
      await failureOf(
        eventually(
          () => 'queued',
          (v) => v === 'sent',
          { timeout: 40, interval: 5 },
        ),
      );
    } finally {
      installed.uninstall();
    }
    expect(evidenceOf(await pollSpan())).toEqual([
      'the installed clock has 1 timer pending, the next due in 60 s of virtual time, while this wait ran in real time: did you mean to `advanceAsync` it, or to pass it as the `clock` option?',
    ]);
  });

  test('without an installed clock, or with none of its timers pending, there is no such line', async () => {
    await failureOf(
      eventually(
        () => 'queued',
        (v) => v === 'sent',
        { timeout: 30, interval: 5 },
      ),
    );
    expect(evidenceOf(await pollSpan())).toEqual([]);
    const clock = new TestClock();
    const installed = clock.install();
    try {
      expect(failureEvidence(true)).toEqual([]);
      clock.setTimeout(() => undefined, 500);
      expect(failureEvidence(true)).toEqual([expect.stringContaining('1 timer pending, the next due in 500 ms')]);
      expect(failureEvidence(false)).toEqual([]);
      // The failure message's section (for formatFailure): only for a failed wait, the clock line only for a real-time timeout.
      expect(formatEvidence({ passed: false, virtual: false, reason: { kind: 'timeout' } })).toMatch(
        /^Also seen when it failed:\n {2}- the installed clock has 1 timer pending/,
      );
      expect(formatEvidence({ passed: false, virtual: true, reason: { kind: 'timeout' } })).toBeUndefined();
      expect(formatEvidence({ passed: true, virtual: false, reason: { kind: 'passed' } })).toBeUndefined();
    } finally {
      installed.uninstall();
    }
  });

  test('a partitioned proxy: on the failure’s span, and injected/healed events on the test span', async () => {
    const testSpan = trace.getActiveSpan() as unknown as ReadableSpan;
    const proxy = await faultProxy({ target: port, name: 'replica' });
    try {
      proxy.partition();
      expect(activeFaults()).toEqual([expect.stringMatching(/^`replica` partitioned since \d+ ms$/)]);
      await failureOf(
        eventually(
          () => 'stale',
          (v) => v === 'fresh',
          { timeout: 30, interval: 5 },
        ),
      );
      expect(evidenceOf(await pollSpan())).toEqual([
        expect.stringMatching(/^fault: `replica` partitioned since \d+ ms$/),
      ]);
      proxy.heal();
      expect(activeFaults()).toEqual([]);
    } finally {
      await proxy.close();
    }
    const events = testSpan.events.filter((event) => event.name.startsWith('unflake.fault.'));
    expect(
      events.map((event) => [
        event.name,
        event.attributes?.['unflake.fault.proxy'],
        event.attributes?.['unflake.fault.kind'] ?? event.attributes?.['unflake.fault.kinds'],
      ]),
    ).toEqual([
      ['unflake.fault.injected', 'replica', 'partition'],
      ['unflake.fault.healed', 'replica', ['partition']],
    ]);
  });

  test('a shared clock: its timers pending on any participant, and each follower’s state', async () => {
    const clock = new TestClock();
    const share = await clock.share();
    const follower = await connectClock(share.url, { name: 'mailer', token: share.env.UNFLAKE_CLOCK_TOKEN });
    try {
      await share.waitForFollowers(1);
      expect(failureEvidence(true)).toEqual([
        `followers of the shared clock ${share.url}: "mailer" (pid ${process.pid}) no timer pending`,
      ]);
      follower.setTimeout(() => undefined, 60_000);
      await clock.waitForTimers(1);
      ended.splice(0);
      await failureOf(
        eventually(
          () => 'queued',
          (v) => v === 'sent',
          { timeout: 40, interval: 5 },
        ),
      );
      const lines = [
        `the shared clock ${share.url} has 1 timer pending, the next due in 60 s of virtual time, while this wait ran in real time: did you mean to \`advanceAsync\` it?`,
        `followers of the shared clock ${share.url}: "mailer" (pid ${process.pid}) 1 timer pending, the next due in 60 s`,
      ];
      expect(evidenceOf(await pollSpan())).toEqual(lines);
      // Not timed out in real time: the pending timers are beside the point, the followers still are.
      expect(failureEvidence(false)).toEqual([lines[1]]);
      expect(formatEvidence({ passed: false, virtual: false, reason: { kind: 'timeout' } })).toBe(
        `Also seen when it failed:\n${lines.map((line) => `  - ${line}`).join('\n')}`,
      );
    } finally {
      await follower.close();
      await share.close();
    }
    expect(failureEvidence(true)).toEqual([]);
  });

  test('a shared clock nobody follows says so; installed, it is described once, as shared', async () => {
    const clock = new TestClock();
    const share = await clock.share();
    const installed = clock.install();
    try {
      const none = `the shared clock ${share.url} has no follower attached (did the child get its env and start with --import unflake/clock/register?)`;
      expect(failureEvidence(false)).toEqual([none]);
      clock.setTimeout(() => undefined, 500);
      expect(failureEvidence(true)).toEqual([
        `the shared clock ${share.url} has 1 timer pending, the next due in 500 ms of virtual time, while this wait ran in real time: did you mean to \`advanceAsync\` it?`,
        none,
      ]);
    } finally {
      installed.uninstall();
      await share.close();
    }
  });
});
