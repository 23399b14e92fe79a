/** Helpers for the shared-clock tests: child followers, a handle tracker, a raw protocol client. */
import { createHook } from 'node:async_hooks';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const here = dirname(fileURLToPath(import.meta.url));
export const repo = join(here, '..', '..', '..');
export const register = join(repo, 'clock', 'register.ts');
export const fixture = (name: string): string => join(here, 'fixtures', name);

export interface Child {
  child: ChildProcess;
  pid: number;
  /** Resolves when the process has exited, by itself or by a signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stdout: () => string;
  stderr: () => string;
  /** Resolves with the first stdout line matching `pattern`. */
  line: (pattern: RegExp) => Promise<RegExpMatchArray>;
}

/** `node --import clock/register.ts <fixture> ...args` with the share's env. */
export function spawnFollower(
  script: string,
  args: string[],
  env: Record<string, string>,
  options: { preload?: boolean } = {},
): Child {
  const argv = [...(options.preload === false ? [] : ['--import', register]), fixture(script), ...args];
  const child = spawn(process.execPath, argv, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const waiters: { pattern: RegExp; resolve: (m: RegExpMatchArray) => void }[] = [];
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
    for (const w of [...waiters]) {
      const m = out.match(w.pattern);
      if (m) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(m);
      }
    }
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    pid: child.pid!,
    exited,
    stdout: () => out,
    stderr: () => err,
    line: (pattern) =>
      new Promise((resolve, reject) => {
        const m = out.match(pattern);
        if (m) return resolve(m);
        waiters.push({ pattern, resolve });
        void exited.then(({ code, signal }) =>
          reject(new Error(`child exited (${code ?? signal}) before printing ${pattern}; stderr:\n${err}`)),
        );
      }),
  };
}

/** Kills what is still running (cleanup only). */
export async function reap(...children: Child[]): Promise<void> {
  for (const c of children) if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill('SIGKILL');
  await Promise.all(children.map((c) => c.exited));
}

/** A log file both sides append to synchronously: its order is the global order of the events. */
export function sharedLog(): {
  path: string;
  lines: () => string[];
  append: (line: string) => void;
  remove: () => void;
} {
  const dir = mkdtempSync(join(tmpdir(), 'unflake-share-'));
  const path = join(dir, 'events.log');
  writeFileSync(path, '');
  return {
    path,
    lines: () => readFileSync(path, 'utf8').split('\n').filter(Boolean),
    append: (line) => writeFileSync(path, `${line}\n`, { flag: 'a' }),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

const SOCKET_TYPES = new Set([
  'TCPWRAP',
  'TCPSERVERWRAP',
  'PIPEWRAP',
  'PIPESERVERWRAP',
  'TCPCONNECTWRAP',
  'PIPECONNECTWRAP',
]);

/**
 * Every socket/server handle created while it is on, including unref'd ones (which
 * process.getActiveResourcesInfo() does not list), and whether each has been destroyed since.
 */
export function trackSocketHandles(): {
  open: () => string[];
  settled: (timeout?: number) => Promise<string[]>;
  stop: () => void;
} {
  const live = new Map<number, string>();
  let onChange: (() => void) | undefined;
  const hook = createHook({
    init(id, type) {
      if (SOCKET_TYPES.has(type)) live.set(id, type);
    },
    destroy(id) {
      if (live.delete(id)) onChange?.();
    },
  }).enable();
  const open = (): string[] => [...live.values()];
  return {
    open,
    /** Resolves with the handles still open once none is, or after `timeout` real ms with those left. */
    settled: (timeout = 2_000) =>
      new Promise((resolve) => {
        if (live.size === 0) return resolve([]);
        const timer = setTimeout(() => finish(), timeout);
        const finish = (): void => {
          clearTimeout(timer);
          onChange = undefined;
          resolve(open());
        };
        onChange = () => {
          if (live.size === 0) finish();
        };
      }),
    stop: () => hook.disable(),
  };
}

/** A raw protocol client: writes whatever it is told, collects the frames it gets back. */
export function rawClient(url: string): {
  socket: Socket;
  received: () => string[];
  closed: Promise<void>;
  send: (text: string) => void;
} {
  const parsed = new URL(url);
  const socket =
    parsed.protocol === 'unix:'
      ? connect({ path: parsed.pathname })
      : connect({ host: parsed.hostname, port: Number(parsed.port) });
  let text = '';
  socket.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
  socket.on('error', () => {});
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  return { socket, received: () => text.split('\n').filter(Boolean), closed, send: (t) => void socket.write(t) };
}
