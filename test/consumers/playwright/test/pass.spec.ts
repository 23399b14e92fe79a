import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventually, onCleanup, seededRandom, testNamespace } from 'unflake';
import { test, expect } from 'unflake/playwright';

test('eventual matchers with Playwright equality: toEventuallyEqual, toEventuallyMatchObject, toConsistentlyEqual, .not', async () => {
  let status = 'pending';
  setTimeout(() => (status = 'shipped'), 30);
  await expect(() => ({ status, id: 7 })).toEventuallyEqual({ status: 'shipped', id: 7 }, { timeout: 3_000 });
  await expect(() => ({ status, extra: true })).toEventuallyMatchObject({ status: 'shipped' });
  await expect(() => [status]).toConsistentlyEqual(['shipped'], { for: 60 });
  await expect(() => status).not.toEventuallyBe('pending', { timeout: 60 });
  expect(
    await eventually(
      () => status,
      (s) => s === 'shipped',
    ),
  ).toBe('shipped');
});

test('the fixtures: namespace per test, workerNamespace from parallelIndex, seed, testTrace', async ({
  namespace,
  workerNamespace,
  seed,
  testTrace,
}, testInfo) => {
  expect(namespace.id).toMatch(/^t-[a-z0-9]+-w\d+-[a-z0-9]{8}$/);
  expect(testNamespace()).toBe(namespace);
  expect(workerNamespace.worker).toEqual({ source: 'playwright', index: testInfo.parallelIndex + 1 });
  expect(namespace.id.startsWith(`${workerNamespace.id}-`)).toBe(true);
  expect(Number.isInteger(seed)).toBe(true);
  expect(seededRandom().seed).toBe(seed);
  expect(testTrace.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
});

test('the request fixture sends the test trace', async ({ request, testTrace }) => {
  const server = createServer((req, res) => res.end(JSON.stringify({ traceparent: req.headers.traceparent ?? null })));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    const response = await request.get(`http://127.0.0.1:${port}/`);
    expect(await response.json()).toEqual({ traceparent: testTrace.traceparent });
  } finally {
    server.close();
  }
});

test.describe('cleanups', () => {
  test.describe.configure({ mode: 'serial' });
  let marker = '';
  test('registers one', async ({ namespace }, testInfo) => {
    mkdirSync(testInfo.project.outputDir, { recursive: true });
    marker = join(testInfo.project.outputDir, `${namespace.id}.cleaned`);
    onCleanup(() => writeFileSync(marker, namespace.id));
  });
  test('it ran after the test', async () => {
    expect(existsSync(marker)).toBe(true);
  });
});

test.describe('retried', () => {
  test.describe.configure({ retries: 1 });
  test('a retry gets a fresh namespace and the same seed', async ({ namespace, seed }, testInfo) => {
    mkdirSync(testInfo.project.outputDir, { recursive: true });
    const file = join(testInfo.project.outputDir, 'first-attempt.json');
    if (testInfo.retry === 0) {
      writeFileSync(file, JSON.stringify({ id: namespace.id, runId: namespace.runId, seed, pid: process.pid }));
      throw new Error('the first attempt fails on purpose');
    }
    const first = JSON.parse(readFileSync(file, 'utf8')) as { id: string; runId: string; seed: number; pid: number };
    expect(process.pid).not.toBe(first.pid); // Playwright retries in a fresh worker process...
    expect(namespace.runId).toBe(first.runId); // ...which inherits the run id
    expect(namespace.id).not.toBe(first.id);
    expect(seed).toBe(first.seed);
  });
});
