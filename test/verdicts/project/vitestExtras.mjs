// Copied into each inner Vitest project by ../runFixture.ts. The json reporter leaves out two things the
// verdict tests need: errors no test owned ("Unhandled Errors") and how many times each test was retried.
import { writeFileSync } from 'node:fs';
import { relative } from 'node:path';

function fullName(testCase) {
  const names = [testCase.name];
  for (let parent = testCase.parent; parent && parent.type === 'suite'; parent = parent.parent)
    names.unshift(parent.name);
  return names.join(' ');
}

function describeError(error) {
  const text = error && typeof error === 'object' ? error.stack || error.message || String(error) : String(error);
  return text.length > 4000 ? `${text.slice(0, 4000)}…` : text;
}

export default class VitestExtras {
  onTestRunEnd(testModules, unhandledErrors) {
    const retries = {};
    for (const testModule of testModules) {
      const file = relative(process.cwd(), testModule.moduleId);
      for (const testCase of testModule.children.allTests()) {
        retries[`${file} > ${fullName(testCase)}`] = testCase.diagnostic()?.retryCount ?? 0;
      }
    }
    writeFileSync('extras.json', JSON.stringify({ unhandledErrors: unhandledErrors.map(describeError), retries }));
  }
}
