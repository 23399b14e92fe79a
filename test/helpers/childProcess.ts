/** Runs Node 24 (this process's own binary) on the repository, as the runners' child tests do. */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('../..', import.meta.url));

export function runNode(
  args: string[],
  env: Record<string, string | undefined> = {},
  timeout = 90_000,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const childEnv: Record<string, string | undefined> = { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1', ...env };
    // A child runner must pick its own worker ids and run id, not inherit this worker's.
    for (const key of ['VITEST_POOL_ID', 'VITEST_WORKER_ID', 'JEST_WORKER_ID', 'VITEST', 'UNFLAKE_RUN_ID'])
      if (!(key in env)) delete childEnv[key];
    execFile(
      process.execPath,
      args,
      { cwd: root, env: childEnv as NodeJS.ProcessEnv, timeout, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
      },
    );
  });
}

export const vitestArgs = (config: string, ...rest: string[]): string[] => [
  'node_modules/vitest/vitest.mjs',
  'run',
  '--config',
  config,
  ...rest,
];
export const jestArgs = (config: string, ...rest: string[]): string[] => [
  '--experimental-vm-modules',
  '--no-warnings',
  'node_modules/jest/bin/jest.js',
  '--config',
  config,
  ...rest,
];
