import { configure } from '../../src/options/configure.ts';
import { eventually } from '../../src/eventually.ts';
import { gitSha, runFingerprint } from '../../src/helpers/fingerprint.ts';
import { testNamespace } from '../../src/helpers/testNamespace.ts';
import { runSeed, testSeed } from '../../src/helpers/testSeed.ts';
import { testTrace } from '../../src/helpers/testTrace.ts';
import { defaultNamespaceId, workerNamespace } from '../../src/helpers/workerNamespace.ts';
import { failureOf } from '../support/failure.ts';

const runLine = (message: string): string | undefined => message.split('\n').find((line) => line.startsWith('Run: '));
const fails = (): Promise<string> =>
  failureOf(expect(() => 'stale').toEventuallyEqual('fresh', { timeout: 20, interval: 5 }));

/** Sets environment variables for one test body, then puts back what was there. */
async function withEnv(vars: Record<string, string | undefined>, body: () => Promise<void> | void): Promise<void> {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  const set = (values: Record<string, string | undefined>): void => {
    for (const [k, v] of Object.entries(values)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
  set(vars);
  try {
    await body();
  } finally {
    set(saved);
  }
}

const NO_SHA = {
  UNFLAKE_GIT_SHA: undefined,
  UNFLAKE_SHA: undefined,
  GITHUB_SHA: undefined,
  CI_COMMIT_SHA: undefined,
  BUILDKITE_COMMIT: undefined,
  CIRCLE_SHA1: undefined,
  GIT_COMMIT: undefined,
  BITBUCKET_COMMIT: undefined,
};

describe('the run fingerprint', () => {
  test('names the namespaces the test created, in order, instead of the default one', async () => {
    const before = runLine(await fails());
    expect(before).toContain(` · namespace ${defaultNamespaceId()}`);
    const tenant = testNamespace('tenant');
    const topics = workerNamespace('topics');
    const field = runLine(await fails())!
      .split(' · ')
      .find((part) => part.startsWith('namespace'));
    expect(field).toBe(`namespaces ${tenant.id}, ${topics.id}`);
  });

  test('the seed to rerun with, once the test used its seed', async () => {
    expect(runLine(await fails())).not.toContain('UNFLAKE_SEED');
    testSeed();
    expect(runLine(await fails())).toMatch(
      new RegExp(`^Run: trace ${testTrace().traceId} · worker .+ · namespace \\S+ · UNFLAKE_SEED ${runSeed()}( · |$)`),
    );
  });

  test('the commit from the CI variables (UNFLAKE_GIT_SHA first), 12 hex digits', async () => {
    await withEnv({ ...NO_SHA, GITHUB_SHA: 'A3F9C1E27B4D8E6F0A1B2C3D4E5F60718293A4B5' }, async () => {
      expect(runLine(await fails())).toMatch(/ · sha a3f9c1e27b4d( · |$)/);
      process.env.UNFLAKE_GIT_SHA = '0123456789abcdef';
      expect(runLine(await fails())).toMatch(/ · sha 0123456789ab( · |$)/);
    });
    for (const name of [
      'CI_COMMIT_SHA',
      'BUILDKITE_COMMIT',
      'CIRCLE_SHA1',
      'GIT_COMMIT',
      'UNFLAKE_SHA',
      'BITBUCKET_COMMIT',
    ]) {
      expect(gitSha({ ...NO_SHA, [name]: 'deadbeefcafe1234' })).toBe('deadbeefcafe');
    }
    expect(gitSha({ ...NO_SHA, GIT_COMMIT: 'release 2.4\n(tagged)' })).toBe('release 2.4 (tagged)');
    expect(gitSha({ ...NO_SHA })).toBeUndefined();
    await withEnv(NO_SHA, async () => expect(runLine(await fails())).not.toContain(' · sha '));
  });

  test('configure({ fingerprint }) fields, after the built-in ones; undefined leaves one out', async () => {
    const restore = configure({
      fingerprint: { region: 'eu-west-1', image: 'orders:1.4.2', canary: true, tenant: undefined, note: 'two\nlines' },
    });
    try {
      const line = runLine(await fails())!;
      expect(line).toMatch(/ · region eu-west-1 · image orders:1\.4\.2 · canary true · note two lines$/);
      expect(line).not.toContain('tenant');
      const plain = await failureOf(
        eventually(
          () => 1,
          (n) => n === 2,
          { timeout: 20, interval: 5 },
        ),
      );
      expect(runLine(plain)).toContain(' · region eu-west-1');
    } finally {
      restore();
    }
    expect(runLine(await fails())).not.toContain('region');
  });

  test('configure({ fingerprint }) bad input: a TypeError saying what a field must be', () => {
    expect(() => configure({ fingerprint: 'eu-west-1' as never })).toThrow(
      /^configure\(\): `fingerprint` must be an object of fields for the "Run:" line/,
    );
    expect(() => configure({ fingerprint: { sha: 'x' } })).toThrow(
      new TypeError(
        'configure(): `fingerprint.sha` is already part of the "Run:" line (set UNFLAKE_GIT_SHA to override the commit); use another name.',
      ),
    );
    expect(() => configure({ fingerprint: { 'my region': 'x' } })).toThrow(/field names must start with a letter/);
    expect(() => configure({ fingerprint: { region: { name: 'eu' } as never } })).toThrow(
      "configure(): `fingerprint.region` must be a string, number or boolean (or undefined to leave it out), got { name: 'eu' }.",
    );
    expect(() =>
      configure({ fingerprint: Object.fromEntries(Array.from({ length: 13 }, (_, i) => [`f${i}`, i])) }),
    ).toThrow(/at most 12 fit/);
  });

  test('bounded: at most 4 namespaces shown, long values cut', async () => {
    for (let i = 0; i < 6; i++) testNamespace(`n${i}`);
    const restore = configure({ fingerprint: { image: 'x'.repeat(500) } });
    try {
      const line = runLine(await fails())!;
      expect(line).toMatch(/ · namespaces n0-\S+, n1-\S+, n2-\S+, n3-\S+ \(\+2 more\) · /);
      expect(line).toContain(` · image ${'x'.repeat(79)}…`);
      expect(line.length).toBeLessThan(500);
      expect(runFingerprint().namespaces).toHaveLength(6);
    } finally {
      restore();
    }
  });

  test("a matcher's own seed comes last, as before", async () => {
    const state: string[] = [];
    const append = (e: string): void => void state.push(e);
    const message = await failureOf(
      expect(append).toConvergeInAnyOrder(['a', 'b', 'c'], {
        state: () => [...state],
        reset: () => void state.splice(0),
        seed: 42,
      }),
    );
    expect(runLine(message)).toMatch(/^Run: trace [0-9a-f]{32} · worker .+ · seed 42$/);
  });
});
