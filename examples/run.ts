/**
 * `npm run demo`: runs the examples against the built package. The passing examples must pass and
 * the DEMO variant must fail, printing unflake's diagnostics; anything else exits non-zero.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const vitest = join(dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs');

function runVitest(files: string): number {
  const result = spawnSync(process.execPath, [vitest, 'run', '--config', 'examples/vitest.config.ts', files], { cwd: root, stdio: 'inherit' });
  return result.status ?? 1;
}

console.log('\n=== unflake demo 1/2: the examples that must pass ===\n');
const passing = runVitest('examples/replica/replica.test.ts');
console.log('\n=== unflake demo 2/2: a replica that stalls, failing on purpose to show the diagnostics ===\n');
const failing = runVitest('examples/replica/replica.failing.test.ts');

if (passing !== 0) {
  console.error('\ndemo: the passing examples failed');
  process.exit(1);
}
if (failing === 0) {
  console.error('\ndemo: the DEMO variant was expected to fail, but it passed');
  process.exit(1);
}
console.log('\ndemo: passing examples passed; the DEMO failure above is intended (read its timeline: stuck, not slow).');
