/**
 * An HTTP token service in its own process, on the test's clock: tokens live 30 minutes and a cleanup
 * job runs every hour. The test shares its TestClock with the service (`clock.share()`, the child started
 * with `--import unflake/clock/register`), moves 1.5 hours ahead with `advanceAsync` and checks expiry and
 * cleanup, in milliseconds of real time. The service's code is unmodified: it uses Date.now() and setInterval.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { TestClock, type SharedClock } from 'unflake/clock';
import { startTokenService, type TokenService } from './startService.ts';

const MINUTE = 60_000;
const T0 = Date.UTC(2030, 0, 1, 9, 0);

let clock: TestClock;
let share: SharedClock;
let service: TokenService;

beforeAll(async () => {
  clock = new TestClock({ now: T0 });
  share = await clock.share();
  service = await startTokenService({ clockEnv: share.env });
  await share.waitForFollowers(1);
}, 20_000);

afterAll(async () => {
  await service?.stop();
  await share?.close();
});

async function issue(): Promise<string> {
  const response = await fetch(`${service.url}/tokens`, { method: 'POST' });
  expect(response.status).toBe(201);
  return ((await response.json()) as { token: string }).token;
}
const me = async (token: string) =>
  (await fetch(`${service.url}/me`, { headers: { authorization: `Bearer ${token}` } })).status;
const table = async () =>
  (await (await fetch(`${service.url}/admin/tokens`)).json()) as {
    count: number;
    cleanups: number;
    lastCleanupAt: string | null;
    now: string;
  };

test('a token expires after 30 minutes and the hourly cleanup removes it: 1.5 h in milliseconds', async () => {
  const started = performance.now();
  expect((await table()).now).toBe(new Date(T0).toISOString()); // the service runs on the test's clock

  const token = await issue();
  expect(await me(token)).toBe(200);

  await clock.advanceAsync(30 * MINUTE - 1);
  expect(await me(token)).toBe(200); // one millisecond before expiry
  await clock.advanceAsync(1);
  expect(await me(token)).toBe(401); // expired in the service, at the same instant as in the test
  expect(await table()).toMatchObject({ count: 1, cleanups: 0 }); // …but still in the table: no cleanup yet

  await clock.advanceAsync(60 * MINUTE); // now 1.5 h after T0; the cleanup job was due at 1 h
  expect(await table()).toEqual({
    count: 0,
    cleanups: 1,
    removed: 1,
    lastCleanupAt: new Date(T0 + 60 * MINUTE).toISOString(),
    now: new Date(T0 + 90 * MINUTE).toISOString(),
  });

  const realMs = performance.now() - started;
  console.log(`token-service: 1.5 h of service time in ${realMs.toFixed(1)} ms of real time`);
});

test('the cleanup keeps tokens that are still valid', async () => {
  // The clock carries on from the previous test: now T0 + 1.5 h; the next cleanup is due at T0 + 2 h.
  const fresh = await issue(); // valid until T0 + 2 h
  await clock.advanceAsync(29 * MINUTE); // T0 + 1 h 59 min: no cleanup yet, the token still works
  expect(await me(fresh)).toBe(200);
  await clock.advanceAsync(MINUTE); // T0 + 2 h: it expires exactly as the cleanup runs, and is removed
  expect(await me(fresh)).toBe(401);
  expect(await table()).toMatchObject({
    count: 0,
    cleanups: 2,
    lastCleanupAt: new Date(T0 + 120 * MINUTE).toISOString(),
  });

  const late = await issue(); // issued at T0 + 2 h, valid until T0 + 2 h 30
  await clock.advanceAsync(60 * MINUTE); // the cleanup at T0 + 3 h removes it
  expect(await table()).toMatchObject({ count: 0, cleanups: 3, removed: 3 });
  expect(await me(late)).toBe(401);
});
