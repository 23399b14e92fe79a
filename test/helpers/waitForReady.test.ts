import { ReadinessError, waitForReady } from '../../src/helpers/waitForReady.ts';
import { testTrace } from '../../src/helpers/testTrace.ts';
import { runner } from '../support/runner.ts';
import { closedPort, ipv6Available, startHealthServer, type HealthServer } from './healthServer.ts';

const NEW = '9f8e7d6c5b4a39281706f5e4d3c2b1a098765432';
const OLD = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';
const fast = { interval: 1 } as const;

let servers: HealthServer[] = [];
const serve = async (...args: Parameters<typeof startHealthServer>): Promise<HealthServer> => {
  const s = await startHealthServer(...args);
  servers.push(s);
  return s;
};
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

async function readinessErrorOf(promise: Promise<unknown>): Promise<ReadinessError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ReadinessError) return error;
    throw error;
  }
  throw new Error('expected waitForReady to fail, but it resolved');
}

describe('waitForReady against a real HTTP health server', () => {
  test('waits through down → degraded → wrong build → ready, and resolves with the build', async () => {
    const s = await serve([
      'reset',
      { status: 503, body: { status: 'DOWN', components: { db: { status: 'DOWN' }, broker: { status: 'DOWN' } } } },
      {
        status: 200,
        body: {
          status: 'UP',
          components: {
            db: { status: 'UP' },
            broker: { status: 'DOWN', details: { error: 'connection refused kafka:9092' } },
          },
        },
      },
      {
        status: 200,
        body: { status: 'UP', components: { db: { status: 'UP' }, broker: { status: 'UP' } } },
        headers: { 'x-build-id': OLD },
      },
      {
        status: 200,
        body: { status: 'UP', components: { db: { status: 'UP' }, broker: { status: 'UP' } } },
        headers: { 'x-build-id': NEW },
      },
    ]);
    const ready = await waitForReady(s.url(), { expectedBuild: NEW.slice(0, 7), timeout: 10_000, ...fast });
    expect(ready.attempts).toBe(5);
    expect(ready.build).toBe(NEW);
    expect(s.requests).toHaveLength(5);
  });

  test('never ready: the report has the stale build, the failing check with its details, the timeline and the last body', async () => {
    const s = await serve([
      {
        status: 503,
        body: {
          status: 'DOWN',
          components: { db: { status: 'DOWN', details: { error: 'FATAL: the database system is starting up' } } },
        },
      },
      {
        status: 200,
        body: {
          status: 'UP',
          releaseId: OLD.slice(0, 7),
          components: {
            db: { status: 'UP' },
            broker: { status: 'DOWN', details: { error: 'connection refused kafka:9092' } },
          },
        },
      },
    ]);
    const error = await readinessErrorOf(
      waitForReady(s.url(), { expectedBuild: NEW.slice(0, 7), timeout: 1_000, ...fast }),
    );
    const m = error.message;
    // 1 s, not less: the grouped repeats (#2-N ×N) need more than one attempt after the first even on a loaded machine.
    expect(m).toMatch(
      new RegExp(
        `^waitForReady\\(${s.url().replace(/[.?]/g, '\\$&')}\\) timed out after [\\d.]+ m?s \\(timeout: 1000 ms\\): never ready in \\d+ attempts`,
      ),
    );
    expect(m).toContain(`Stale build: the service reports ${OLD.slice(0, 7)} (releaseId), expected ${NEW.slice(0, 7)}`);
    expect(m).toContain('Not ready: failing: broker DOWN.');
    expect(m).toContain('Last response (attempt #');
    expect(m).toContain('checks  db: UP · broker: DOWN');
    expect(m).toMatch(
      /Failing checks:\n {2}broker: DOWN {2}\{ details: \{ error: 'connection refused kafka:9092' \} \}/,
    );
    expect(m).toMatch(
      /Attempts \(\d+\):\n\s+\d+ ms {2}#1 +503 {2}status DOWN {2}failing: db DOWN {2}no build id \(expected 9f8e7d6\)\n\s+\d+ ms {2}#2-\d+ +200 {2}status UP {2}failing: broker DOWN {2}stale build a1b2c3d ≠ expected 9f8e7d6 {2}×\d+/,
    );
    expect(m).toMatch(/Last body \(attempt #\d+, HTTP 200\):\n {2}\{\n {4}"status": "UP",/);
    expect(m).toContain(`Run: trace ${testTrace().traceId}`);
    expect(error.attempts.length).toBeGreaterThan(2);
    expect(error.last?.reasons.map((r) => r.kind)).toEqual(['checks-failing', 'stale-build']);
    expect(error.reason).toMatchObject({ kind: 'timeout', limit: 'window' });
  });

  test('connection refused is "not yet", and is what the report says when nothing ever answered', async () => {
    const port = await closedPort();
    const error = await readinessErrorOf(waitForReady(`http://127.0.0.1:${port}/health`, { timeout: 150, ...fast }));
    expect(error.message).toContain(`Unreachable: ECONNREFUSED 127.0.0.1:${port}.`);
    expect(error.message).toMatch(
      new RegExp(`#1-\\d+ +unreachable \\(ECONNREFUSED 127\\.0\\.0\\.1:${port}\\) {2}×\\d+`),
    );
    expect(error.message).not.toContain('Last body');
  });

  test('localhost is tried on 127.0.0.1 and ::1: a server bound to ::1 only is found', async () => {
    if (!(await ipv6Available())) {
      console.warn('skipped: no IPv6 loopback on this machine');
      return;
    }
    const s = await serve([{ status: 200, body: { status: 'pass', releaseId: NEW } }], '::1');
    const ready = await waitForReady(`http://localhost:${s.port}/health`, {
      expectedBuild: NEW,
      timeout: 5_000,
      ...fast,
    });
    expect(ready.attempts).toBe(1);
    expect(s.requests[0]?.headers.host).toBe(`localhost:${s.port}`);
  });

  test('localhost on 127.0.0.1 only: the ::1 refusal is shown beside it while it is down', async () => {
    const port = await closedPort();
    const error = await readinessErrorOf(waitForReady(`http://localhost:${port}/`, { timeout: 100, ...fast }));
    expect(error.last?.address).toBe(`127.0.0.1:${port}`);
    expect(error.last?.alsoTried?.[0]).toMatch(new RegExp(`^\\[::1\\]:${port}: E[A-Z]+`));
  });

  test('`checks` requires only the named checks, even when the aggregate is DOWN (503)', async () => {
    const s = await serve([
      { status: 503, body: { status: 'DOWN', components: { db: { status: 'UP' }, mail: { status: 'DOWN' } } } },
    ]);
    await expect(waitForReady(s.url(), { checks: ['db'], timeout: 2_000, ...fast })).resolves.toMatchObject({
      attempts: 1,
    });
    const error = await readinessErrorOf(waitForReady(s.url(), { checks: ['db', 'broker'], timeout: 100, ...fast }));
    expect(error.message).toContain('Not ready: missing check: broker.');
  });

  test('HTTP 200 with { "healthy": false } or { "ok": false } is not ready: it waits until every health field says yes', async () => {
    const s = await serve([
      { status: 200, body: { healthy: false } },
      { status: 200, body: { ok: false, version: '1.2.3' } },
      { status: 200, body: { status: 'UP', ready: false } },
      { status: 200, body: { healthy: true, ok: 1 } },
    ]);
    await expect(waitForReady(s.url(), { timeout: 10_000, ...fast })).resolves.toMatchObject({ attempts: 4 });
    const never = await serve([{ status: 200, body: { ok: false } }]);
    const error = await readinessErrorOf(waitForReady(never.url(), { timeout: 100, ...fast }));
    expect(error.message).toContain('HTTP 200, status ok=false');
  });

  test('a 200 with no build id when one is expected says where it looked', async () => {
    const s = await serve([{ status: 200, body: { status: 'ok' } }]);
    const error = await readinessErrorOf(waitForReady(s.url(), { expectedBuild: NEW, timeout: 100, ...fast }));
    expect(error.message).toContain(
      `No build id in the response, expected ${NEW} (looked at buildSha, gitSha, commitSha, sha, commit, revision, git.sha, git.commit, git.commit.id, build.sha, build.commit, releaseId, buildId, build.id, build, version, build.version, info.git.commit.id, info.build.version and the x-build-id / x-release-id headers).`,
    );
  });

  test('reads the build from { status, checks, buildSha }, and a stale one is reported with that field', async () => {
    const s = await serve([
      { status: 200, body: { status: 'ok', checks: { db: 'ok' }, buildSha: OLD } },
      { status: 200, body: { status: 'ok', checks: { db: 'ok' }, buildSha: NEW } },
    ]);
    const ready = await waitForReady(s.url(), { expectedBuild: NEW.slice(0, 7), timeout: 5_000, ...fast });
    expect(ready).toMatchObject({ attempts: 2, build: NEW });
    expect(ready.health?.builds).toEqual([{ value: NEW, source: 'buildSha' }]);
    const stale = await serve([{ status: 200, body: { status: 'ok', checks: { db: 'ok' }, buildSha: OLD } }]);
    const error = await readinessErrorOf(waitForReady(stale.url(), { expectedBuild: NEW, timeout: 100, ...fast }));
    expect(error.message).toContain(`Stale build: the service reports ${OLD} (buildSha), expected ${NEW}.`);
    expect(error.message).toContain(`build   ${OLD} (buildSha)`);
  });

  test('buildField as a dotted path: only that field counts, and the report names it when it is missing', async () => {
    const s = await serve((n) => ({
      status: 200,
      body: { status: 'UP', buildSha: NEW, ...(n >= 1 ? { meta: { release: { sha: NEW } } } : {}) },
    }));
    // buildSha matches, but the wait holds out for meta.release.sha: attempt 1 has none.
    const ready = await waitForReady(s.url(), {
      expectedBuild: NEW,
      buildField: 'meta.release.sha',
      timeout: 5_000,
      ...fast,
    });
    expect(ready).toMatchObject({ attempts: 2, build: NEW });
    const without = await serve([{ status: 200, body: { status: 'UP', buildSha: NEW } }]);
    const error = await readinessErrorOf(
      waitForReady(without.url(), { expectedBuild: NEW, buildField: 'meta.release.sha', timeout: 100, ...fast }),
    );
    expect(error.message).toContain(
      `No build id in the response, expected ${NEW} (looked at meta.release.sha, as buildField says).`,
    );
    expect(error.message).not.toContain('buildSha,');
  });

  test('buildField as a function reads the body and the headers; when it throws, the report says so', async () => {
    const s = await serve([
      { status: 200, body: { status: 'UP', deploys: [{ sha: OLD }, { sha: NEW }] }, headers: { 'x-git-commit': NEW } },
    ]);
    const fromBody = await waitForReady(s.url(), {
      expectedBuild: NEW,
      buildField: (body) => (body as { deploys: { sha: string }[] }).deploys.at(-1)?.sha,
      ...fast,
    });
    expect(fromBody.health?.builds).toEqual([{ value: NEW, source: 'buildField()' }]);
    const fromHeader = await waitForReady(s.url(), {
      expectedBuild: NEW,
      buildField: (_body, headers) => headers['x-git-commit'],
      ...fast,
    });
    expect(fromHeader.build).toBe(NEW);
    const text = await serve([{ status: 200, body: 'OK' }]);
    const error = await readinessErrorOf(
      waitForReady(text.url(), {
        expectedBuild: NEW,
        buildField: (body) => (body as { meta: { sha: string } }).meta.sha,
        timeout: 100,
        ...fast,
      }),
    );
    expect(error.message).toMatch(
      new RegExp(
        `No build id in the response, expected ${NEW} \\(buildField\\(\\) threw: [^\\n]*(undefined|sha)[^\\n]*\\)\\.`,
      ),
    );
    expect(error.message).toMatch(
      /#1-\d+ +200 {2}status OK {2}no build id \(expected 9f8e7d6c[0-9a-f]*; buildField\(\) threw: /,
    );
  });

  test('a buildField function that returns something other than a string fails at once with a TypeError', async () => {
    const s = await serve([{ status: 200, body: { status: 'UP', build: { sha: NEW } } }]);
    const started = performance.now();
    await expect(
      waitForReady(s.url(), {
        expectedBuild: NEW,
        buildField: (body) => (body as { build: never }).build,
        timeout: 30_000,
        ...fast,
      }),
    ).rejects.toThrow(
      new TypeError('waitForReady(): `buildField` must return a string (the build id) or undefined, got an object.'),
    );
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(s.requests).toHaveLength(1);
  });

  test('sends the headers it is given', async () => {
    const s = await serve([{ status: 200, body: 'OK' }]);
    await waitForReady(s.url(), { headers: { authorization: 'Bearer t0k' }, ...fast });
    expect(s.requests[0]?.headers.authorization).toBe('Bearer t0k');
  });

  test('a response slower than attemptTimeout is "not yet", recorded as a timeout', async () => {
    const s = await serve((n) => (n === 0 ? { status: 200 } : { status: 200, body: { status: 'UP' } }));
    // The first request is held open until the second arrives.
    let release: (() => void) | undefined;
    s.server.removeAllListeners('request');
    s.server.on('request', (req, res) => {
      s.requests.push(req);
      if (s.requests.length === 1) {
        release = () => res.end('{"status":"UP"}');
        return;
      }
      release?.();
      res.writeHead(200, { 'content-type': 'application/json', connection: 'close' }).end('{"status":"UP"}');
    });
    const ready = await waitForReady(s.url(), { attemptTimeout: 50, timeout: 5_000, ...fast });
    expect(ready.attempts).toBe(2);
  });

  test('runs on real time under fake timers', async () => {
    const s = await serve([
      { status: 503, body: { status: 'DOWN' } },
      { status: 200, body: { status: 'UP' } },
    ]);
    runner.useFakeTimers();
    try {
      await expect(waitForReady(s.url(), { timeout: 5_000, interval: 10 })).resolves.toMatchObject({ attempts: 2 });
    } finally {
      runner.useRealTimers();
    }
  });

  test('an aborted signal ends the wait with the report', async () => {
    const s = await serve([{ status: 503, body: { status: 'DOWN' } }]);
    const controller = new AbortController();
    const waiting = waitForReady(s.url(), { timeout: 30_000, ...fast, signal: controller.signal });
    s.server.on('request', () => controller.abort(new Error('CI job cancelled')));
    const error = await readinessErrorOf(waiting);
    expect(error.message).toMatch(/was aborted after \d+ ms: CI job cancelled/);
  });
});

describe('waitForReady with a probe', () => {
  test('throwing means not yet; a response-like object is judged like HTTP', async () => {
    let n = 0;
    const ready = await waitForReady(
      () => {
        n++;
        if (n === 1) throw Object.assign(new Error('connect ECONNREFUSED 10.0.0.7:8080'), { code: 'ECONNREFUSED' });
        if (n === 2)
          return {
            status: 200,
            body: { status: 'pass', checks: { 'db:responseTime': [{ status: 'warn', observedValue: 900 }] } },
          };
        return {
          status: 200,
          body: {
            status: 'pass',
            version: '1',
            releaseId: 'rel-42',
            checks: { 'db:responseTime': [{ status: 'pass' }] },
          },
        };
      },
      { expectedBuild: 'rel-42', ...fast },
    );
    expect(ready).toMatchObject({ url: 'probe', attempts: 3, build: 'rel-42' });
  });

  test('accepts a fetch Response', async () => {
    const s = await serve([{ status: 200, body: { status: 'UP' }, headers: { 'x-release-id': 'r7' } }]);
    await expect(
      waitForReady(() => fetch(s.url(), { headers: { connection: 'close' } }), { expectedBuild: 'r7', ...fast }),
    ).resolves.toMatchObject({ build: 'r7' });
  });

  test('a probe returning something that is not a response fails at once with a TypeError', async () => {
    await expect(waitForReady(() => 'ok' as never, fast)).rejects.toThrow(
      /waitForReady\(\): the probe must return \{ status: number, body\?, headers\? \}/,
    );
  });

  test('the probe error is in the timeline', async () => {
    const error = await readinessErrorOf(
      waitForReady(() => Promise.reject(new Error('getaddrinfo EAI_AGAIN orders')), { timeout: 60, ...fast }),
    );
    expect(error.message).toMatch(/#1-\d+ +probe threw: getaddrinfo EAI_AGAIN orders/);
  });
});

describe('waitForReady input', () => {
  test.each([
    [42, undefined, /the first argument must be a health URL or a probe function/],
    ['localhost:8080/health', undefined, /`url` must use http: or https:, got localhost:/],
    ['http://', undefined, /`url` must be an absolute http\(s\) URL/],
    ['ftp://x/health', undefined, /must use http: or https:/],
    ['http://x/health', { timout: 5 }, /unknown option `timout`/],
    ['http://x/health', { expectedBuild: '' }, /`expectedBuild` must be a non-empty string/],
    ['http://x/health', { checks: 'db' }, /`checks` must be an array of check names/],
    ['http://x/health', { timeout: -1 }, /`timeout`/],
    [
      'http://x/health',
      { buildField: 42 },
      /`buildField` must be a dotted path into the body such as 'meta\.release\.sha', or a function \(body\) => string \| undefined, got number 42\./,
    ],
    ['http://x/health', { buildField: 'meta..sha' }, /`buildField` must be a dotted path .*, got "meta\.\.sha"\./],
    ['http://x/health', { buildField: '' }, /`buildField` must be a dotted path .*, got ""\./],
  ])('%j %j is a TypeError', async (target, options, message) => {
    await expect(waitForReady(target as never, options as never)).rejects.toThrow(message);
    await expect(waitForReady(target as never, options as never)).rejects.toBeInstanceOf(TypeError);
  });
});

describe('waitForReady honours Retry-After', () => {
  test('a 503 with Retry-After: 1 makes the next attempt wait at least 1 s, whatever the interval', async () => {
    const s = await serve([
      { status: 503, body: { status: 'DOWN' }, headers: { 'retry-after': '1' } },
      { status: 200, body: { status: 'UP' } },
    ]);
    const ready = await waitForReady(s.url(), { timeout: 10_000, ...fast });
    expect(ready.attempts).toBe(2);
    expect(s.times[1]! - s.times[0]!).toBeGreaterThanOrEqual(995);
  });

  test('a 429 with Retry-After as an HTTP date waits until that date', async () => {
    // An HTTP date has whole seconds: the next whole second at least 1.5 s away.
    const date = new Date(Math.ceil((Date.now() + 1_500) / 1_000) * 1_000).toUTCString();
    const s = await serve([
      { status: 429, body: 'Too Many Requests', headers: { 'retry-after': date } },
      { status: 200, body: 'OK' },
    ]);
    const ready = await waitForReady(s.url(), { timeout: 10_000, ...fast });
    expect(ready.attempts).toBe(2);
    expect(s.times[1]! - s.times[0]!).toBeGreaterThanOrEqual(1_400);
  });

  test('a probe response with Retry-After is honoured too', async () => {
    const at: number[] = [];
    const ready = await waitForReady(
      () => {
        at.push(performance.now());
        return at.length === 1
          ? { status: 503, headers: { 'Retry-After': '1' } }
          : { status: 200, body: { status: 'UP' } };
      },
      { timeout: 10_000, ...fast },
    );
    expect(ready.attempts).toBe(2);
    expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(995);
  });

  test('never past the deadline: a Retry-After longer than the window still ends at the timeout, and the timeline shows it', async () => {
    const s = await serve([{ status: 429, body: 'slow down', headers: { 'retry-after': '120' } }]);
    const started = performance.now();
    const error = await readinessErrorOf(waitForReady(s.url(), { timeout: 400, ...fast }));
    expect(performance.now() - started).toBeLessThan(3_000);
    expect(error.reason).toMatchObject({ kind: 'timeout', limit: 'window', window: 400 });
    // interval: 1 would have sent hundreds of requests; the service asked for none before 2 minutes.
    expect(s.requests.length).toBeLessThanOrEqual(2);
    expect(error.attempts[0]?.retryAfter).toEqual({ ms: 120_000, header: '120' });
    expect(error.message).toMatch(
      /^waitForReady\(\S+\) timed out after \d+ ms \(timeout: 400 ms\): never ready in [12] attempts?/,
    );
    expect(error.message).toMatch(/#1(-2)? +429 {2}retry after 2\.0 min \(Retry-After: 120\)/);
  });
});
