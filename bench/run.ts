/**
 * `npm run bench`: runs the measurements inside Vitest (bench/vitest.config.ts: the polling comparison and
 * the controllable-time bench), then the import cost of every entry in fresh processes, then the already-true
 * cost inside a real Vitest and a real Jest test (bench/inRunner.ts), then prints the tables.
 * Needs Node 24 (type stripping): run it through npm, which puts the pinned node first on PATH.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { measureImportCost } from './importCost.ts';
import { measureInRunner, renderInRunner } from './inRunner.ts';
import { runDeliveryBench } from './delivery.ts';
import { runDeliveryBoundsBench } from './deliveryBounds.ts';
import { clockOut, defaultOut, render, renderClock, type ClockData } from './report.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = defaultOut();
const outClock = clockOut();
rmSync(out, { force: true });
rmSync(outClock, { force: true });

const vitestBin = join(dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs');
const started = Date.now();
const result = spawnSync(process.execPath, [vitestBin, 'run', '--config', 'bench/vitest.config.ts'], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, UNFLAKE_BENCH_OUT: out, UNFLAKE_BENCH_CLOCK_OUT: outClock },
});
if (result.status !== 0) {
  console.error(`bench: vitest exited with ${result.status ?? result.signal}`);
  process.exit(result.status ?? 1);
}
const clockData = JSON.parse(readFileSync(outClock, 'utf8')) as ClockData;
clockData.importCost = measureImportCost(Number(process.env.UNFLAKE_BENCH_IMPORT_N ?? 15));
writeFileSync(outClock, JSON.stringify(clockData, null, 2));
// Inside a real Vitest test and a real Jest test, with unflake's setup entry from dist/ (issue 20).
const inRunner = measureInRunner();
console.log(
  `\nbench: measured in ${((Date.now() - started) / 1000).toFixed(1)} s; raw samples in ${out} and ${outClock}\n`,
);
console.log(render(JSON.parse(readFileSync(out, 'utf8'))));
console.log(`\n## Already-true cost inside the runners (from dist/)\n\n${renderInRunner(inRunner)}`);
console.log(`\n## Controllable time\n\n${renderClock(clockData)}`);
console.log(`\n## Delivery semantics\n\n${await runDeliveryBench()}`);
console.log(
  `\n## Delivery matchers under a deadline (20 000 events, a simulated 5 s test)\n\n${await runDeliveryBoundsBench()}`,
);
