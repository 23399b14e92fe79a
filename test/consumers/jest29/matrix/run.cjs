'use strict';
// The Jest 29 column of the runner matrix (docs/runners.md, "Jest 29 and 30"): the fixtures of
// test/verdicts/fixtures/h5, run by this consumer's Jest 29 against the installed (packed) unflake, and
// judged by the same expected.json and check.cjs as test/verdicts/jestFeatures.test.ts on Jest 30.
// run.sh sets UNFLAKE_REPO (the repo root). The three runs go side by side; each prints PASS or FAIL.
const { spawn } = require('node:child_process');
const { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const repo = process.env.UNFLAKE_REPO;
if (!repo) throw new Error('matrix/run.cjs: set UNFLAKE_REPO to the unflake repo root (run.sh does)');
const fixtures = join(repo, 'test', 'verdicts', 'fixtures', 'h5');
const { expected, checkRun, checkIds, testsOfJestReport, fileErrorsOfJestReport } = require(
  join(fixtures, 'check.cjs'),
);
const root = join(__dirname, '..');
const jestBin = join(root, 'node_modules', 'jest', 'bin', 'jest.js');

function project(name, run) {
  const dir = join(root, 'matrix-work', name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'h5'), { recursive: true });
  for (const file of run.files) copyFileSync(join(fixtures, file), join(dir, 'h5', file));
  const ids = name === 'cjs';
  if (ids) copyFileSync(join(fixtures, 'quarantine.json'), join(dir, 'quarantine.json'));
  const config = {
    rootDir: dir,
    testEnvironment: 'node',
    transform: {},
    testMatch: ['<rootDir>/h5/*.fixture.cjs', '<rootDir>/h5/*.fixture.mjs'],
    setupFilesAfterEnv: ['unflake/jest'],
    maxWorkers: 2,
    ...(run.config || {}),
    ...(ids
      ? {
          reporters: [
            'default',
            [
              'unflake/reporter',
              { quarantine: join(dir, 'quarantine.json'), outputFile: join(dir, 'flake-report.json') },
            ],
          ],
        }
      : {}),
  };
  writeFileSync(join(dir, 'jest.config.json'), JSON.stringify(config));
  return dir;
}

function jest(dir, esm) {
  const args = [
    ...(esm ? ['--experimental-vm-modules', '--no-warnings'] : []),
    jestBin,
    '--config',
    join(dir, 'jest.config.json'),
    '--json',
    `--outputFile=${join(dir, 'report.json')}`,
    '--ci',
  ];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1' },
    });
    let output = '';
    child.stdout.on('data', (c) => (output += c));
    child.stderr.on('data', (c) => (output += c));
    child.on('close', (code) => resolve({ code, output }));
  });
}

async function check(name) {
  const run = expected.runs[name];
  const dir = project(name, run);
  const { code, output } = await jest(dir, run.format === 'esm');
  const reportFile = join(dir, 'report.json');
  if (!existsSync(reportFile)) return [`no report (exit ${code}): ${output.slice(-2000)}`];
  const report = JSON.parse(readFileSync(reportFile, 'utf8'));
  const unhandled = output.split('\n').filter((line) => /unhandled ?rejection|uncaughtException/i.test(line));
  const problems = checkRun(name, testsOfJestReport(report), [
    ...fileErrorsOfJestReport(report),
    ...unhandled.map((l) => `unhandled: ${l}`),
  ]);
  if (code !== 1) problems.push(`jest exited ${code}, expected 1 (the must-fail tests)`);
  if (name === 'cjs') {
    const flakeFile = join(dir, 'flake-report.json');
    problems.push(
      ...(existsSync(flakeFile) ? checkIds(JSON.parse(readFileSync(flakeFile, 'utf8'))) : ['no flake-report.json']),
    );
  }
  return problems;
}

(async () => {
  const names = Object.keys(expected.runs);
  const results = await Promise.all(names.map(async (name) => [name, await check(name)]));
  let failed = 0;
  for (const [name, problems] of results) {
    if (problems.length === 0) console.log(`PASS matrix ${name}: every fixture test ended as expected.json says`);
    else {
      failed++;
      console.log(`FAIL matrix ${name}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    }
  }
  process.exitCode = failed ? 1 : 0;
})();
