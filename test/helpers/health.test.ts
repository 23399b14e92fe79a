import { buildMatches, normalizeStatus, readHealth } from '../../src/helpers/health.ts';
import { judge } from '../../src/helpers/waitForReady.ts';

describe('health formats', () => {
  test('status words: UP/up/ok/pass/healthy are ok; DOWN/fail/error/warn/degraded/unknown words are not', () => {
    for (const word of ['UP', 'up', 'ok', 'OK', 'pass', 'healthy', 'Ready', true]) expect(normalizeStatus(word)).toBe('ok');
    for (const word of ['DOWN', 'fail', 'error', 'warn', 'degraded', 'OUT_OF_SERVICE', 'UNKNOWN', 'starting', false]) expect(normalizeStatus(word)).toBe('not-ok');
    expect(normalizeStatus(undefined)).toBe('absent');
  });

  test('Spring Boot Actuator, nested components flattened as parent.child', () => {
    const reading = readHealth({
      status: 'DOWN',
      components: { db: { status: 'UP', details: { database: 'PostgreSQL' } }, broker: { status: 'DOWN', components: { kafka1: { status: 'UP' }, kafka2: { status: 'DOWN', details: { error: 'timeout' } } } } },
    });
    expect(reading.status).toBe('not-ok');
    expect(reading.checks.map((c) => [c.name, c.ok])).toEqual([['db', true], ['broker', false], ['broker.kafka1', true], ['broker.kafka2', false]]);
    expect(reading.checks[3]?.details).toEqual({ details: { error: 'timeout' } });
  });

  test('IETF health draft: component:measurement keys merge per component; warn is not ok; releaseId is the build', () => {
    const reading = readHealth({
      status: 'pass',
      version: '1',
      releaseId: '1.2.2',
      checks: { 'db:responseTime': [{ status: 'pass', observedValue: 250 }], 'db:connections': [{ status: 'warn', observedValue: 99 }], 'uptime': [{ status: 'pass' }] },
    });
    expect(reading.status).toBe('ok');
    expect(reading.checks.map((c) => [c.name, c.ok, c.status])).toEqual([['db', false, 'warn'], ['uptime', true, 'pass']]);
    expect(reading.builds[0]).toEqual({ value: '1.2.2', source: 'releaseId' });
  });

  test('{ status, checks } with checks as an array (MicroProfile) or as an object of words', () => {
    expect(readHealth({ status: 'UP', checks: [{ name: 'db', status: 'UP' }, { name: 'cache', status: 'DOWN', data: { hits: 0 } }] }).checks).toEqual([
      { name: 'db', ok: true, status: 'UP', details: undefined },
      { name: 'cache', ok: false, status: 'DOWN', details: { hits: 0 } },
    ]);
    expect(readHealth({ status: 'ok', checks: { db: 'ok', queue: 'error' } }).checks.map((c) => c.ok)).toEqual([true, false]);
  });

  test('build ids: body paths in order, then x-build-id / x-release-id headers', () => {
    expect(readHealth({ info: { git: { commit: { id: 'abc1234' } } } }).builds).toEqual([{ value: 'abc1234', source: 'info.git.commit.id' }]);
    expect(readHealth({ git: { commit: { id: 'def5678' } } }, { 'x-release-id': 'r1' }).builds.map((b) => b.source)).toEqual(['git.commit.id', 'header x-release-id']);
    expect(readHealth('OK', { 'x-build-id': 'b9' }).builds).toEqual([{ value: 'b9', source: 'header x-build-id' }]);
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
