/**
 * Starts server.ts in a child process and waits until it is ready, with unflake's `waitForReady`
 * (a contract: GET /health says UP), never with a sleep. With a shared clock's `env`, the child runs
 * under `--import unflake/clock/register` and follows the test's TestClock.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { waitForReady } from 'unflake';

export interface TokenService {
  readonly url: string;
  readonly process: ChildProcess;
  /** stdout and stderr so far. */
  output(): string;
  stop(): Promise<void>;
}

const live = new Set<ChildProcess>();
let hooked = false;

export async function startTokenService(
  options: { clockEnv?: Record<string, string>; env?: Record<string, string> } = {},
): Promise<TokenService> {
  if (!hooked) {
    hooked = true;
    process.on('exit', () => live.forEach((child) => child.kill('SIGKILL')));
  }
  const server = fileURLToPath(new URL('./server.ts', import.meta.url));
  const args = options.clockEnv ? ['--import', 'unflake/clock/register', server] : [server];
  const child = spawn(process.execPath, args, {
    // Node resolves `--import unflake/clock/register` from the working directory: the package's own root
    // here (a self-reference), or any project that has unflake installed.
    cwd: fileURLToPath(new URL('../..', import.meta.url)),
    env: {
      ...process.env,
      ...options.clockEnv,
      ...options.env,
      PORT: '0',
      EXIT_ON_STDIN_END: '1',
      UNFLAKE_CLOCK_NAME: 'token-service',
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  live.add(child);
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk));

  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const kill = setTimeout(() => child.kill('SIGKILL'), 2_000);
    child.kill('SIGTERM');
    await exited;
    clearTimeout(kill);
    live.delete(child);
  };

  try {
    const port = await new Promise<number>((resolve, reject) => {
      const onData = () => {
        const match = /listening on (\d+)/.exec(output);
        if (match) {
          child.stdout!.off('data', onData);
          resolve(Number(match[1]));
        }
      };
      child.stdout!.on('data', onData);
      child.once('exit', (code, signal) =>
        reject(new Error(`the token service exited (${code ?? signal}) before listening:\n${output}`)),
      );
    });
    const url = `http://127.0.0.1:${port}`;
    await waitForReady(`${url}/health`, { timeout: 10_000 });
    return { url, process: child, output: () => output, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
