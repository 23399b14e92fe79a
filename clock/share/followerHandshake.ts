/**
 * The follower's half of the handshake: its options (name, token, connect timeout, skew), and the
 * wait for the leader's `welcome` after `hello`, bounded by the timeout. Split from follower.ts.
 */
import { basename } from 'node:path';
import type { Socket } from 'node:net';
import { isMainThread, threadId } from 'node:worker_threads';
import { clearRealTimeout, setRealTimeout } from '../../src/time/realTime.ts';
import { checkMs } from '../../src/options/checkMs.ts';
import { checkOptions } from '../../src/options/checkOptions.ts';
import { encodeFrame, type FrameReader, parseLeaderFrame, PROTOCOL_VERSION, type WelcomeFrame } from './protocol.ts';
import type { ConnectOptions } from './types.ts';
import { checkSkew, type Skew } from './skew.ts';

/** `connectClock()`'s options: ConnectOptions and `skew`, this follower's wall clock off the leader's from the start. */
export type ConnectClockOptions = ConnectOptions & { skew?: Skew | null };

const DEFAULT_CONNECT_TIMEOUT = 5_000;

export function defaultFollowerName(): string {
  const script = process.argv[1] ? basename(process.argv[1]) : basename(process.execPath);
  return isMainThread ? script : `${script}#worker${threadId}`;
}

export function readConnectOptions(options: unknown): {
  name: string;
  token: string;
  timeout: number;
  skew: { offset: number; driftPpm: number } | null;
} {
  const where = 'connectClock()';
  const o = checkOptions(where, options, ['name', 'token', 'timeout', 'skew']) as ConnectClockOptions;
  const skew = checkSkew(where, o.skew);
  const name = o.name ?? defaultFollowerName();
  if (typeof name !== 'string' || name.length === 0 || name.length > 200)
    throw new TypeError(`${where}: \`name\` must be a string of 1 to 200 characters, got ${String(o.name)}.`);
  const token = o.token ?? process.env.UNFLAKE_CLOCK_TOKEN;
  if (typeof token !== 'string' || token.length === 0)
    throw new TypeError(
      `${where}: no token: pass \`token\` or set UNFLAKE_CLOCK_TOKEN (spread the share's \`env\` into the child's environment).`,
    );
  const timeout = o.timeout ?? DEFAULT_CONNECT_TIMEOUT;
  return { name, token, timeout: checkMs(where, 'timeout', timeout, { allowZero: false }), skew };
}

/** Says `hello` and resolves with the leader's `welcome`; frames right behind it go to `early`. Rejects on a refusal, a close or the timeout. */
export function awaitWelcome(
  socket: Socket,
  reader: FrameReader,
  early: Buffer[],
  hello: { url: string; timeout: number; token: string; name: string },
): Promise<WelcomeFrame> {
  const { url, timeout, token, name } = hello;
  return new Promise<WelcomeFrame>((resolve, reject) => {
    const fail = (message: string, cause?: unknown): void => {
      cleanup();
      socket.destroy();
      reject(new Error(`connectClock(): ${message}`, cause === undefined ? undefined : { cause }));
    };
    const timer = setRealTimeout(
      () => fail(`no welcome from the shared clock at ${url} within ${timeout} ms.`),
      timeout,
    );
    const onError = (error: Error): void => fail(`cannot reach the shared clock at ${url}: ${error.message}`, error);
    const onClose = (): void =>
      fail(`the shared clock at ${url} closed the connection before welcoming this follower.`);
    const onData = (chunk: Buffer): void => {
      let lines: string[];
      try {
        lines = reader.push(chunk);
        for (let i = 0; i < lines.length; i++) {
          const frame = parseLeaderFrame(lines[i]!);
          if (frame.type === 'error') return fail(`the shared clock at ${url} refused this follower: ${frame.message}`);
          if (frame.type === 'bye') return fail(`the shared clock at ${url} is closing: ${frame.reason}`);
          if (frame.type !== 'welcome')
            return fail(`the shared clock at ${url} sent \`${frame.type}\` before \`welcome\`.`);
          if (frame.v !== PROTOCOL_VERSION)
            return fail(
              `the shared clock at ${url} speaks protocol version ${frame.v}; this follower speaks ${PROTOCOL_VERSION}.`,
            );
          // Frames right behind the welcome (a step) are replayed once the follower is set up.
          const rest = lines.slice(i + 1).map((line) => Buffer.from(`${line}\n`));
          early.push(...rest);
          cleanup();
          return resolve(frame);
        }
      } catch (error) {
        fail(`the shared clock at ${url} sent a bad frame: ${(error as Error).message}`, error);
      }
    };
    const cleanup = (): void => {
      clearRealTimeout(timer);
      socket.off('error', onError);
      socket.off('close', onClose);
      socket.off('data', onData);
    };
    socket.on('error', onError);
    socket.on('close', onClose);
    socket.on('data', onData);
    socket.write(encodeFrame({ type: 'hello', v: PROTOCOL_VERSION, token, name, pid: process.pid, now: Date.now() }));
  });
}
