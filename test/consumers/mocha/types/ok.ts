// Must type-check: the plugin's hooks object, expect.extend with the plain matcher object, the new helpers.
import { expect } from 'expect';
import { matchers } from 'unflake/matchers';
import { mochaHooks } from 'unflake/mocha';
import { eventually, record, type Recording } from 'unflake';
import { EventEmitter } from 'node:events';

expect.extend(matchers);
void mochaHooks.beforeEach;

const worker = new EventEmitter();
const done: Recording<string> = record(worker, 'completed', { map: (job: { id: string }) => job.id });
await expect(() => done.length).toEventuallyBe(1, { wakeOn: done, from: 0 });
const first: string | undefined = done[0]?.value;
void first;
const n: number = await eventually(
  () => 42,
  (v) => v === 42,
  { from: 0 },
);
void n;
