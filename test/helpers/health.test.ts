import fc from 'fast-check';
import { BUILD_PATHS, buildMatches, checkBuildField, normalizeStatus, readHealth } from '../../src/helpers/health.ts';
import { judge } from '../../src/helpers/waitForReady.ts';

/**
 * A reference model of "which body fields mean health" (issue 18 item 7), written from the formats'
 * own documentation rather than from health.ts: each field comes with values labelled good or bad by
 * the format that uses them. A body is not ready when any labelled field is bad, ready when at least one
 * is good, and has no status (the HTTP status decides) when it has none.
 */
type Meaning = 'good' | 'bad';
const WORDS: [unknown, Meaning][] = [
  ['UP', 'good'],
  ['DOWN', 'bad'],
  ['OUT_OF_SERVICE', 'bad'],
  ['UNKNOWN', 'bad'], // Spring Actuator, MicroProfile
  ['pass', 'good'],
  ['fail', 'bad'],
  ['warn', 'bad'],
  ['ok', 'good'],
  ['error', 'bad'], // IETF health+json
  ['Healthy', 'good'],
  ['Degraded', 'bad'],
  ['Unhealthy', 'bad'], // ASP.NET Core
  ['Success', 'good'],
  ['Failure', 'bad'], // Kubernetes Status
  ['SERVING', 'good'],
  ['NOT_SERVING', 'bad'], // gRPC health
  ['passing', 'good'],
  ['critical', 'bad'],
  ['green', 'good'],
  ['yellow', 'bad'],
  ['red', 'bad'], // Consul, Elasticsearch
  ['starting', 'bad'],
  ['running-ish', 'bad'],
  [200, 'good'],
  [503, 'bad'],
  [true, 'good'],
  [false, 'bad'],
];
const FLAGS: [unknown, Meaning][] = [
  [true, 'good'],
  [false, 'bad'],
  [1, 'good'],
  [0, 'bad'],
  ['true', 'good'],
  ['false', 'bad'],
  ['ok', 'good'],
  ['down', 'bad'],
];
const WORD_FIELDS = ['status', 'state', 'health', 'Status'];
const FLAG_FIELDS = ['healthy', 'ok', 'up', 'ready', 'alive', 'live', 'Healthy'];
/** Fields that say nothing about health, whatever they hold. */
const NOISE = fc.dictionary(
  fc.constantFrom('message', 'version', 'uptime', 'service', 'timestamp', 'description', 'data'),
  fc.constantFrom<unknown>('ok', 'DOWN', false, 0, 'fail', null, { status: 'DOWN' }),
);

const casing = (value: unknown) =>
  fc.constantFrom(
    value,
    typeof value === 'string' ? ` ${value.toLowerCase()} ` : value,
    typeof value === 'string' ? value.toUpperCase() : value,
  );
const labelled = (fields: string[], values: [unknown, Meaning][]) =>
  fc
    .tuple(fc.constantFrom(...fields), fc.constantFrom(...values))
    .chain(([field, [value, meaning]]) => casing(value).map((v) => ({ field, value: v, meaning })));
const healthField = fc.oneof(
  labelled(WORD_FIELDS, WORDS),
  labelled(FLAG_FIELDS, FLAGS),
  fc.constantFrom('status', 'healthy', 'ok').map((field) => ({ field, value: null, meaning: undefined })),
);

function expectedStatus(fields: { meaning: Meaning | undefined }[]): 'ok' | 'not-ok' | 'absent' {
  if (fields.some((f) => f.meaning === 'bad')) return 'not-ok';
  return fields.some((f) => f.meaning === 'good') ? 'ok' : 'absent';
}

describe('which body fields mean health: generated bodies against a reference model', () => {
  const bodies = fc
    .tuple(fc.uniqueArray(healthField, { selector: (f) => f.field, maxLength: 4 }), NOISE)
    .map(([fields, noise]) => ({
      fields,
      body: { ...noise, ...Object.fromEntries(fields.map((f) => [f.field, f.value])) } as Record<string, unknown>,
    }));

  test('the overall status, and HTTP 200 is ready exactly when the model says the body is not unhealthy (2000 bodies)', () => {
    fc.assert(
      fc.property(bodies, ({ fields, body }) => {
        const expected = expectedStatus(fields);
        expect(readHealth(body).status).toBe(expected);
        const ready = judge(200, body, {}, {}).reasons.length === 0;
        expect(ready).toBe(expected !== 'not-ok');
      }),
      { numRuns: 2_000 },
    );
  });

  test('each check entry is read by the same rule (Spring components, IETF checks, ASP.NET entries; 1000 bodies)', () => {
    fc.assert(
      fc.property(bodies, fc.constantFrom('components', 'checks', 'entries'), ({ fields, body }, where) => {
        const { checks } = readHealth({ status: 'UP', [where]: { db: body } });
        // A check with no status at all is not a passing check.
        expect(checks.map((c) => c.ok)).toEqual([expectedStatus(fields) === 'ok']);
      }),
      { numRuns: 1_000 },
    );
  });

  test('mutation: turning any one good field of a ready body bad makes HTTP 200 not ready (1000 bodies)', () => {
    const good = fc
      .uniqueArray(healthField, { selector: (f) => f.field, minLength: 1, maxLength: 4 })
      .filter((fields) => expectedStatus(fields) === 'ok');
    fc.assert(
      fc.property(good, fc.nat(), (fields, pick) => {
        const body = Object.fromEntries(fields.map((f) => [f.field, f.value]));
        expect(judge(200, body, {}, {}).reasons).toEqual([]);
        const goods = fields.filter((f) => f.meaning === 'good');
        const target = goods[pick % goods.length]!;
        const flipped = { ...body, [target.field]: FLAG_FIELDS.includes(target.field) ? false : 'DOWN' };
        expect(judge(200, flipped, {}, {}).reasons).toContainEqual(expect.objectContaining({ kind: 'status-not-ok' }));
      }),
      { numRuns: 1_000 },
    );
  });

  test('the report names the field that said no: HTTP 200 { "healthy": false } and { "ok": false }', () => {
    expect(judge(200, { healthy: false }, {}, {}).reasons).toEqual([
      { kind: 'status-not-ok', status: 'healthy=false' },
    ]);
    expect(judge(200, { ok: false, version: '1.2.3' }, {}, {}).reasons).toEqual([
      { kind: 'status-not-ok', status: 'ok=false' },
    ]);
    expect(judge(200, { status: 'UP', ready: false }, {}, {}).reasons).toEqual([
      { kind: 'status-not-ok', status: 'ready=false' },
    ]);
    expect(readHealth({ ok: 1 }).status).toBe('ok');
  });
});

describe('health formats', () => {
  test('status words: UP/up/ok/pass/healthy are ok; DOWN/fail/error/warn/degraded/unknown words are not', () => {
    for (const word of ['UP', 'up', 'ok', 'OK', 'pass', 'healthy', 'Ready', true])
      expect(normalizeStatus(word)).toBe('ok');
    for (const word of ['DOWN', 'fail', 'error', 'warn', 'degraded', 'OUT_OF_SERVICE', 'UNKNOWN', 'starting', false])
      expect(normalizeStatus(word)).toBe('not-ok');
    expect(normalizeStatus(undefined)).toBe('absent');
  });

  test('Spring Boot Actuator, nested components flattened as parent.child', () => {
    const reading = readHealth({
      status: 'DOWN',
      components: {
        db: { status: 'UP', details: { database: 'PostgreSQL' } },
        broker: {
          status: 'DOWN',
          components: { kafka1: { status: 'UP' }, kafka2: { status: 'DOWN', details: { error: 'timeout' } } },
        },
      },
    });
    expect(reading.status).toBe('not-ok');
    expect(reading.checks.map((c) => [c.name, c.ok])).toEqual([
      ['db', true],
      ['broker', false],
      ['broker.kafka1', true],
      ['broker.kafka2', false],
    ]);
    expect(reading.checks[3]?.details).toEqual({ details: { error: 'timeout' } });
  });

  test('IETF health draft: component:measurement keys merge per component; warn is not ok; releaseId is the build', () => {
    const reading = readHealth({
      status: 'pass',
      version: '1',
      releaseId: '1.2.2',
      checks: {
        'db:responseTime': [{ status: 'pass', observedValue: 250 }],
        'db:connections': [{ status: 'warn', observedValue: 99 }],
        uptime: [{ status: 'pass' }],
      },
    });
    expect(reading.status).toBe('ok');
    expect(reading.checks.map((c) => [c.name, c.ok, c.status])).toEqual([
      ['db', false, 'warn'],
      ['uptime', true, 'pass'],
    ]);
    expect(reading.builds[0]).toEqual({ value: '1.2.2', source: 'releaseId' });
  });

  test('{ status, checks } with checks as an array (MicroProfile) or as an object of words', () => {
    expect(
      readHealth({
        status: 'UP',
        checks: [
          { name: 'db', status: 'UP' },
          { name: 'cache', status: 'DOWN', data: { hits: 0 } },
        ],
      }).checks,
    ).toEqual([
      { name: 'db', ok: true, status: 'UP', details: undefined },
      { name: 'cache', ok: false, status: 'DOWN', details: { hits: 0 } },
    ]);
    expect(readHealth({ status: 'ok', checks: { db: 'ok', queue: 'error' } }).checks.map((c) => c.ok)).toEqual([
      true,
      false,
    ]);
  });

  test('build ids: body paths in order, then x-build-id / x-release-id headers', () => {
    expect(readHealth({ info: { git: { commit: { id: 'abc1234' } } } }).builds).toEqual([
      { value: 'abc1234', source: 'info.git.commit.id' },
    ]);
    expect(
      readHealth({ git: { commit: { id: 'def5678' } } }, { 'x-release-id': 'r1' }).builds.map((b) => b.source),
    ).toEqual(['git.commit.id', 'header x-release-id']);
    expect(readHealth('OK', { 'x-build-id': 'b9' }).builds).toEqual([{ value: 'b9', source: 'header x-build-id' }]);
  });

  test('build ids under the common names: { status, checks, buildSha } and the others, a SHA before a version', () => {
    expect(readHealth({ status: 'ok', checks: { db: 'ok' }, buildSha: 'a1b2c3d' }).builds).toEqual([
      { value: 'a1b2c3d', source: 'buildSha' },
    ]);
    const one = (body: object): string | undefined => readHealth(body).builds[0]?.source;
    expect(one({ gitSha: 'x' })).toBe('gitSha');
    expect(one({ commitSha: 'x' })).toBe('commitSha');
    expect(one({ sha: 'x' })).toBe('sha');
    expect(one({ commit: 'x' })).toBe('commit');
    expect(one({ revision: 'x' })).toBe('revision');
    expect(one({ git: { sha: 'x' } })).toBe('git.sha');
    expect(one({ git: { commit: 'x' } })).toBe('git.commit');
    expect(one({ build: { sha: 'x' } })).toBe('build.sha');
    expect(one({ build: { id: 'x' } })).toBe('build.id');
    expect(one({ buildId: 'x' })).toBe('buildId');
    expect(one({ build: 'x' })).toBe('build');
    expect(one({ version: '1.4.0' })).toBe('version');
    // The order is the documented one: the SHA first, the version (shared by many builds) last.
    expect(
      readHealth({ version: '1.4.0', releaseId: 'rel-9', buildSha: 'a1b2c3d' }).builds.map((b) => b.source),
    ).toEqual(['buildSha', 'releaseId', 'version']);
    expect(BUILD_PATHS.indexOf('buildSha')).toBeLessThan(BUILD_PATHS.indexOf('version'));
  });

  test('default names match ignoring case, "_" and "-", and the report keeps the body\'s spelling', () => {
    expect(readHealth({ git_sha: 'a1' }).builds).toEqual([{ value: 'a1', source: 'git_sha' }]);
    expect(readHealth({ BUILD_SHA: 'b2' }).builds).toEqual([{ value: 'b2', source: 'BUILD_SHA' }]);
    expect(readHealth({ Git: { 'commit-sha': 'c3', Sha: 'd4' } }).builds).toEqual([{ value: 'd4', source: 'Git.Sha' }]);
    // Not a build id: objects, empty strings, booleans.
    expect(readHealth({ sha: '', commit: { message: 'fix' }, build: true }).builds).toEqual([]);
  });

  test('buildField as a dotted path reads only that path, with exact keys', () => {
    const body = { buildSha: 'ignored', meta: { release: { sha: 'e5f6a7b' } } };
    expect(readHealth(body, {}, 'meta.release.sha').builds).toEqual([{ value: 'e5f6a7b', source: 'meta.release.sha' }]);
    const absent = readHealth({ meta: { Release: { sha: 'x' } } }, { 'x-build-id': 'h' }, 'meta.release.sha');
    expect([absent.builds, absent.buildProblem]).toEqual([[], undefined]);
    expect(readHealth({ meta: { release: { sha: { full: 'x' } } } }, {}, 'meta.release.sha')).toMatchObject({
      builds: [],
      buildProblem: 'meta.release.sha is an object, not a build id',
    });
    expect(readHealth({ meta: { release: 42 } }, {}, 'meta.release').builds).toEqual([
      { value: '42', source: 'meta.release' },
    ]);
  });

  test('buildField as a function gets the body and the headers; a throw is "no id yet" and says why', () => {
    expect(
      readHealth({ deploy: ['x', 'f00ba47'] }, {}, (body) => (body as { deploy: string[] }).deploy[1]).builds,
    ).toEqual([{ value: 'f00ba47', source: 'buildField()' }]);
    expect(readHealth(undefined, { 'x-git-commit': 'h1' }, (_body, headers) => headers['x-git-commit']).builds).toEqual(
      [{ value: 'h1', source: 'buildField()' }],
    );
    const none = readHealth({ status: 'UP' }, {}, () => undefined);
    expect([none.builds, none.buildProblem]).toEqual([[], undefined]);
    const thrown = readHealth('Service Unavailable', {}, (body) => (body as { meta: { sha: string } }).meta.sha);
    expect(thrown.builds).toEqual([]);
    expect(thrown.buildProblem).toMatch(/^buildField\(\) threw: .*(undefined|sha)/);
    expect(() => readHealth({}, {}, () => ({ sha: 'x' }) as never)).toThrow(
      new TypeError('waitForReady(): `buildField` must return a string (the build id) or undefined, got an object.'),
    );
  });

  test('a bad buildField is a TypeError naming it and what it takes', () => {
    for (const bad of ['', 'meta..sha', '.sha', 'sha.', 42, null, { path: 'sha' }, ['sha']]) {
      expect(() => checkBuildField('waitForReady()', bad)).toThrow(TypeError);
      expect(() => checkBuildField('waitForReady()', bad)).toThrow(
        /^waitForReady\(\): `buildField` must be a dotted path into the body such as 'meta\.release\.sha', or a function \(body\) => string \| undefined, got /,
      );
    }
    expect(() => checkBuildField('waitForReady()', 'meta..sha')).toThrow(/got "meta\.\.sha"\.$/);
    expect(checkBuildField('waitForReady()', 'meta.release.sha')).toBe('meta.release.sha');
    expect(checkBuildField('waitForReady()', undefined)).toBeUndefined();
  });

  test('a short SHA matches its full SHA; other ids must be equal', () => {
    expect(buildMatches('9f8e7d6c5b4a39281706f5e4d3c2b1a098765432', '9f8e7d6')).toBe(true);
    expect(buildMatches('9F8E7D6', '9f8e7d6c5b4a')).toBe(true);
    expect(buildMatches('a1b2c3d', '9f8e7d6')).toBe(false);
    expect(buildMatches('1.2', '1.2.3')).toBe(false);
  });

  test('judge: a body without any status relies on the HTTP status', () => {
    expect(judge(200, 'OK', {}, {}).reasons).toEqual([]);
    expect(judge(204, undefined, {}, {}).reasons).toEqual([]);
    expect(judge(500, 'oops', {}, {}).reasons).toEqual([{ kind: 'http-status', status: 500 }]);
  });
});
