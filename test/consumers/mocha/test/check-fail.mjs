// Runs mocha with the plugin on test/fail.spec.mjs and its JSON reporter, prints each failure (for
// ../run.sh's needles), and checks each test's verdict. Exits 1 (the suite must fail); the last line
// says whether every check held (test/fail.expect requires it).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const mocha = require.resolve('mocha/bin/mocha.js');
const out = 'mocha-report.json';
const run = spawnSync(
  process.execPath,
  [
    mocha,
    '--require',
    'unflake/mocha',
    '--reporter',
    'json',
    '--reporter-option',
    `output=${out}`,
    'test/fail.spec.mjs',
  ],
  {
    encoding: 'utf8',
  },
);
const report = JSON.parse(readFileSync(out, 'utf8'));
for (const t of report.failures) console.log(`--- ${t.title} (${t.duration} ms)\n${t.err.message}\n`);

const find = (title) => {
  const passed = report.passes.find((t) => t.title === title);
  return { passed: passed !== undefined, test: passed ?? report.failures.find((t) => t.title === title) };
};
const problems = [];
const check = (ok, what) => void (ok || problems.push(what));
const forgot = find('forgets an await');
check(
  !forgot.passed && /unflake: an assertion was never awaited/.test(forgot.test?.err?.message ?? ''),
  'the forgotten await fails its own test with unflake’s report',
);
const slow = find('a 3 s test with a default 4 s poll');
const slowMessage = slow.test?.err?.message ?? '';
check(
  !slow.passed && /before the test's own 3000 ms timeout/.test(slowMessage),
  'the 3 s test ends in unflake’s message, naming the test’s timeout',
);
check(
  !/Timeout of 3000ms exceeded/.test(slowMessage) && slow.test?.duration < 3000,
  'the 3 s test ends before mocha’s own timeout',
);
check(
  find('then the poll does not run into the next test').passed,
  'the stopped poll’s probe is not called in the next test',
);
check(
  run.status !== 0 && report.stats.failures === 3 && report.stats.passes === 1,
  `3 failures and 1 pass (got ${report.stats.failures} and ${report.stats.passes}, exit ${run.status})`,
);
console.log(
  problems.length === 0 ? 'mocha-json: all checks passed' : `mocha-json: CHECKS FAILED: ${problems.join('; ')}`,
);
process.exit(1);
