/**
 * `npm run bench`: runs the measurements inside Vitest (bench/vitest.config.ts), then prints the tables.
 * Needs Node 24 (type stripping): run it through npm, which puts the pinned node first on PATH.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { defaultOut, render } from './report.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = defaultOut();
rmSync(out, { force: true });

const vitestBin = join(dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs');
const started = Date.now();
const result = spawnSync(process.execPath, [vitestBin, 'run', '--config', 'bench/vitest.config.ts'], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, UNFLAKE_BENCH_OUT: out },
});
if (result.status !== 0) {
  console.error(`bench: vitest exited with ${result.status ?? result.signal}`);
  process.exit(result.status ?? 1);
}
console.log(`\nbench: measured in ${((Date.now() - started) / 1000).toFixed(1)} s; raw samples in ${out}\n`);
console.log(render(JSON.parse(readFileSync(out, 'utf8'))));
