/**
 * `node --import unflake/clock/register app.js`: makes an unmodified process follow the shared
 * TestClock named by UNFLAKE_CLOCK_URL / UNFLAKE_CLOCK_TOKEN (a test's `share.env`). Its Date, timers,
 * performance.now, process.hrtime, AbortSignal.timeout and node:timers/promises (ESM named imports
 * included) run on the leader's time; UNFLAKE_CLOCK_FAKE (a comma list of Date, setTimeout,
 * clearTimeout, setInterval, clearInterval, setImmediate, clearImmediate, performance, hrtime,
 * AbortSignal.timeout, timers/promises) picks which. By default setImmediate (the global and
 * timers/promises') stays real: Node code uses it to yield to I/O, not to wait. UNFLAKE_CLOCK_NAME names the follower (default: the script's name).
 *
 * Without UNFLAKE_CLOCK_URL it does nothing: the process runs on real time. If the leader cannot be
 * reached the process fails to start, rather than silently running on real time.
 * `clockFromEnv()` in the same thread returns this clock.
 */
import { setFollowerFromEnv } from './clockFromEnv.ts';
import { DEFAULT_TO_FAKE, type FakeableGlobal } from './installGlobals.ts';
import { connectClock } from './share/follower.ts';

const DEFAULT_REGISTER_FAKE: readonly FakeableGlobal[] = DEFAULT_TO_FAKE.filter(
  (name) => name !== 'setImmediate' && name !== 'clearImmediate',
);

function toFakeFromEnv(value: string | undefined): readonly FakeableGlobal[] {
  if (value === undefined || value.trim() === '') return DEFAULT_REGISTER_FAKE;
  const names = value
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  for (const name of names) {
    if (!DEFAULT_TO_FAKE.includes(name as FakeableGlobal)) {
      throw new TypeError(
        `unflake/clock/register: UNFLAKE_CLOCK_FAKE names \`${name}\`; it takes a comma list of ${DEFAULT_TO_FAKE.join(', ')}.`,
      );
    }
  }
  return names as FakeableGlobal[];
}

const url = process.env.UNFLAKE_CLOCK_URL;
if (url) {
  const toFake = toFakeFromEnv(process.env.UNFLAKE_CLOCK_FAKE);
  const name = process.env.UNFLAKE_CLOCK_NAME;
  const clock = await connectClock(url, name ? { name } : {});
  clock.install({ toFake });
  setFollowerFromEnv(clock);
}
