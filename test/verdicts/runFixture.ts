/**
 * Runs an inner Vitest or Jest on fixture files in a throwaway project that consumes the BUILT package the
 * way users do: `node_modules/unflake` is a symlink to the package root, so `unflake`, `unflake/vitest`,
 * `unflake/jest`, `unflake/matchers` and `unflake/clock` resolve through package.json `exports` to dist/
 * (ESM or CJS by the importer's format); vitest, jest, expect and @jest/globals are the repo's own, symlinked.
 * Vitest loads unflake natively (externalised, as from node_modules), not through Vite's transform.
 *
 *   UNFLAKE_PACKAGE_ROOT=/path/to/other/checkout   run the fixtures against another build (must have dist/)
 *   KEEP_FIXTURES=1                                  keep the temp projects (their paths are in `dir`)
 */
import { spawn } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { toCommonJs } from './toCommonJs.ts';
import { parsePlaywrightReport, type PlaywrightJsonReport } from './parsePlaywrightReport.ts';
import {
  parseJestReport,
  parseVitestReport,
  type JsonReport,
  type ParsedReport,
  type TestOutcome,
  type VitestExtras,
} from './parseReport.ts';

export type { TestOutcome };

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..');
const fixturesDir = join(here, 'fixtures');
const OUTPUT_CAP = 200_000;

export interface FixtureRun {
  runner: 'vitest' | 'jest' | 'playwright';
  /**
   * Vitest only: the directory of another installed `vitest` package to run instead of the repo's (e.g.
   * Vitest 4 beside the repo's 5; see vitestPackage() in test/verdicts/vitestFeatures.test.ts).
   */
  vitest?: string;
  /** Jest only. 'esm': `--experimental-vm-modules`, as an ESM user runs Jest; 'cjs' (default): plain Node. */
  format?: 'esm' | 'cjs';
  /**
   * Paths under test/verdicts/fixtures; each is copied to the same relative path in the project (or to
   * `to`, so one fixture can run as two files). In a
   * CommonJS Jest run an `.mjs` fixture becomes its `.cjs` twin (toCommonJs.ts).
   */
  fixtures: Array<string | { from: string; to: string }>;
  /** Merged into Vitest's `test` options, the Jest config or Playwright's config (JSON values only). */
  config?: Record<string, unknown>;
  /** Files the fixtures write into the project (cwd), read back before it is removed. */
  collect?: string[];
  /** Kills the whole inner run (its process group) after this many ms. Default 45 000. */
  timeout?: number;
}

export interface FixtureReport extends ParsedReport {
  exitCode: number | null;
  timedOut: boolean;
  /** The inner runner's stdout and stderr, ANSI included, capped. */
  output: string;
  collected: Record<string, string | undefined>;
  dir: string;
  /** The one test whose name starts with `id` followed by a space (fixture names start with an id). */
  test(id: string): TestOutcome;
}

export function packageRoot(): string {
  return process.env.UNFLAKE_PACKAGE_ROOT || repo;
}

function link(project: string, name: string, target: string): void {
  const at = join(project, 'node_modules', name);
  mkdirSync(dirname(at), { recursive: true });
  symlinkSync(target, at, 'dir');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

function vitestConfig(root: string, extra: Record<string, unknown>): string {
  // unflake's dist/ is reached through a symlink, so Vite sees a path outside node_modules and would
  // transform it; externalise it so Node loads it, as it does for an installed package.
  const external = `new RegExp(${JSON.stringify(`^${escapeRegExp(join(root, 'dist'))}[\\\\/]`)})`;
  const extraJson = JSON.stringify(extra);
  return `export default {
  test: Object.assign({
    globals: true,
    include: ['**/*.fixture.mjs'],
    setupFiles: ['unflake/vitest'],
    reporters: ['default', 'json', './vitestExtras.mjs'],
    outputFile: { json: './report.json' },
    maxWorkers: 2,
    server: { deps: { external: [${external}] } },
  }, ${extraJson}),
};
`;
}

function jestConfig(extra: Record<string, unknown>): string {
  return JSON.stringify({
    testEnvironment: 'node',
    transform: {},
    testMatch: ['<rootDir>/**/*.fixture.mjs', '<rootDir>/**/*.fixture.cjs'],
    setupFilesAfterEnv: ['unflake/jest'],
    cacheDirectory: '<rootDir>/.jest-cache',
    maxWorkers: 2,
    ...extra,
  });
}

function playwrightConfig(extra: Record<string, unknown>): string {
  // API-only fixtures: no browser is started. The JSON report is read back like the other runners'.
  return `export default Object.assign(${JSON.stringify({ testMatch: '**/*.fixture.mjs', workers: 2, reporter: [['list'], ['json', { outputFile: 'report.json' }]] })}, ${JSON.stringify(extra)});\n`;
}

function vitestDir(run: FixtureRun): string {
  return run.vitest ?? join(repo, 'node_modules', 'vitest');
}

/** Writes the project: package.json, node_modules links, the runner's config, the fixtures. */
function createProject(run: FixtureRun): string {
  const root = packageRoot();
  if (!existsSync(join(root, 'dist', 'index.js')))
    throw new Error(`runFixture: ${join(root, 'dist')} has no build; run \`npm run build\` first`);
  const project = mkdtempSync(join(tmpdir(), `unflake-verdicts-${run.runner}-`));
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'verdict-fixtures', private: true }));
  link(project, 'unflake', root);
  for (const name of ['jest', 'expect', '@jest/globals', '@playwright/test', 'playwright', 'playwright-core'])
    link(project, name, join(repo, 'node_modules', name));
  link(project, 'vitest', vitestDir(run));
  if (run.runner === 'vitest') {
    writeFileSync(join(project, 'vitest.config.mjs'), vitestConfig(root, run.config ?? {}));
    copyFileSync(join(here, 'project', 'vitestExtras.mjs'), join(project, 'vitestExtras.mjs'));
  } else if (run.runner === 'playwright') {
    writeFileSync(join(project, 'playwright.config.mjs'), playwrightConfig(run.config ?? {}));
  } else {
    writeFileSync(join(project, 'jest.config.json'), jestConfig(run.config ?? {}));
  }
  for (const fixture of run.fixtures) {
    const { from, to: name } = typeof fixture === 'string' ? { from: fixture, to: fixture } : fixture;
    const cjs = run.runner === 'jest' && run.format !== 'esm';
    const to = join(project, cjs ? name.replace(/\.mjs$/, '.cjs') : name);
    mkdirSync(dirname(to), { recursive: true });
    if (cjs && from.endsWith('.mjs'))
      writeFileSync(to, toCommonJs(readFileSync(join(fixturesDir, from), 'utf8'), from));
    else copyFileSync(join(fixturesDir, from), to);
  }
  return project;
}

/** The outer runner's variables would tell the inner one it is a worker of another run. */
function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(VITEST|JEST_WORKER_ID$|UNFLAKE_|NODE_OPTIONS$|FORCE_COLOR$|TEST$|NODE_ENV$)/.test(key)) continue;
    env[key] = value;
  }
  return { ...env, NO_COLOR: '1', CI: 'true' };
}

interface Exit {
  exitCode: number | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
}

function runProcess(args: string[], cwd: string, timeout: number): Promise<Exit> {
  return new Promise((resolve, reject) => {
    // Its own process group, so a timeout ends the runner's workers too, not only the runner.
    const child = spawn(process.execPath, args, {
      cwd,
      env: childEnv(),
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => void (stdout.length < OUTPUT_CAP && (stdout += chunk.toString())));
    child.stderr.on('data', (chunk: Buffer) => void (stderr.length < OUTPUT_CAP && (stderr += chunk.toString())));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }, timeout);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (exitCode) => {
      clearTimeout(timer);
      resolve({ exitCode, timedOut, stdout, stderr });
    });
  });
}

function runnerArgs(run: FixtureRun): string[] {
  if (run.runner === 'vitest') return [join(vitestDir(run), 'vitest.mjs'), 'run', '--config', 'vitest.config.mjs'];
  if (run.runner === 'playwright')
    return [join(repo, 'node_modules', '@playwright', 'test', 'cli.js'), 'test', '--config', 'playwright.config.mjs'];
  const jest = [
    join(repo, 'node_modules', 'jest', 'bin', 'jest.js'),
    '--config',
    'jest.config.json',
    '--json',
    '--outputFile=report.json',
    '--ci',
    '--no-watchman',
  ];
  return run.format === 'esm' ? ['--experimental-vm-modules', '--no-warnings=ExperimentalWarning', ...jest] : jest;
}

function readJson<T>(file: string): T | undefined {
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as T) : undefined;
}

function finder(tests: TestOutcome[]): (id: string) => TestOutcome {
  return (id) => {
    const found = tests.filter((t) => t.name === id || t.name.startsWith(`${id} `) || t.name.includes(` ${id} `));
    if (found.length !== 1)
      throw new Error(
        `runFixture: ${found.length} tests named "${id} …"; the run reported: ${tests.map((t) => `${t.name} (${t.status})`).join('; ')}`,
      );
    return found[0]!;
  };
}

export async function runFixture(run: FixtureRun): Promise<FixtureReport> {
  const project = createProject(run);
  try {
    const exit = await runProcess(runnerArgs(run), project, run.timeout ?? 45_000);
    const output = exit.stdout + exit.stderr;
    const json = readJson<JsonReport>(join(project, 'report.json'));
    if (!json) {
      throw new Error(
        `runFixture: the inner ${run.runner} run wrote no report (exit ${exit.exitCode}${exit.timedOut ? ', killed after its timeout' : ''}):\n${output.slice(-4000)}`,
      );
    }
    const parsed =
      run.runner === 'vitest'
        ? parseVitestReport(json, readJson<VitestExtras>(join(project, 'extras.json')), project)
        : run.runner === 'playwright'
          ? parsePlaywrightReport(json as unknown as PlaywrightJsonReport)
          : parseJestReport(json, exit.stderr, project);
    const collected: Record<string, string | undefined> = {};
    for (const name of run.collect ?? [])
      collected[name] = existsSync(join(project, name)) ? readFileSync(join(project, name), 'utf8') : undefined;
    return {
      ...parsed,
      exitCode: exit.exitCode,
      timedOut: exit.timedOut,
      output,
      collected,
      dir: project,
      test: finder(parsed.tests),
    };
  } finally {
    if (!process.env.KEEP_FIXTURES) rmSync(project, { recursive: true, force: true });
  }
}
