/**
 * A run file read in chunks (src/flakes/runFile.ts) against JSON.parse of the whole file (readRunReport):
 * for generated reports (titles with quotes, backslashes, `]`, `}`, commas and non-ASCII characters;
 * enough records to span several 16 kB chunks; compact and indented JSON; gzipped and plain), the header
 * and the records are the same, and a broken record anywhere is refused as the whole parse refuses it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { FolderStore } from '../../src/flakes/folderStore.ts';
import { readRunReport } from '../../src/flakes/history.ts';
import { openRunFile } from '../../src/flakes/runFile.ts';
import type { RunReport, TestRecord } from '../../src/flakes/schema.ts';
import { fixtureRun } from '../reporter/fixtures/history.ts';

const tricky = fc.string({
  unit: fc.oneof(
    fc.constantFrom('"', '\\', ']', '}', '[', '{', ',', ':', ' ', '\n', 'é', '→', '😀', '\\"', '\\\\'),
    fc.string({ minLength: 1, maxLength: 1 }),
  ),
  maxLength: 40,
});

const recordArb = fc.record({
  file: tricky,
  name: tricky,
  status: fc.constantFrom<TestRecord['status']>('passed', 'failed', 'flaky', 'skipped'),
  failure: tricky,
});

function report(records: { file: string; name: string; status: TestRecord['status']; failure: string }[]): RunReport {
  return fixtureRun(
    'r"1\\',
    Date.parse('2026-03-20T12:00:00Z'),
    records.map((r) => ({ ...r, failure: `Error: ${r.failure}` })),
  );
}

function read(path: string): RunReport {
  const file = openRunFile(path);
  return { ...file.header, tests: [...file.chunks()].flat() };
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'unflake-runfile-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('chunked reading gives what JSON.parse of the whole file gives, for generated reports', () => {
  let chunked = 0;
  fc.assert(
    fc.property(
      fc.array(recordArb, { maxLength: 30 }),
      fc.integer({ min: 0, max: 400 }),
      fc.boolean(),
      fc.boolean(),
      (records, copies, indent, gzip) => {
        // Copies make the file span several 16 kB chunks.
        const all = [...records, ...Array.from({ length: copies }, (_, i) => records[i % (records.length || 1)]!)];
        const r = report(all.filter(Boolean));
        const text = JSON.stringify(r, null, indent ? 2 : undefined);
        const path = join(dir, gzip ? 'run.json.gz' : 'run.json');
        writeFileSync(path, gzip ? gzipSync(text) : text);
        if (text.length > 32 * 1024) chunked++;
        expect(read(path)).toEqual(readRunReport(path));
      },
    ),
    { numRuns: 60 },
  );
  // The property must have crossed chunk boundaries, not only read one-chunk files.
  expect(chunked).toBeGreaterThan(5);
});

test('a broken record anywhere makes the file unreadable, as the whole parse does', () => {
  const r = report(
    Array.from({ length: 600 }, (_, i) => ({ file: 'a.ts', name: `t${i}`, status: 'passed', failure: '' })),
  );
  const text = JSON.stringify(r);
  const path = join(dir, 'broken.json');
  for (const at of [10, 300, 599]) {
    const bad = text.replace(`"name":"t${at}","status":"passed"`, `"name":"t${at}","status":"maybe"`);
    writeFileSync(path, bad);
    expect(() => readRunReport(path)).toThrow(`tests[${at}] needs a string`);
    expect(() => read(path)).toThrow(`tests[${at}] needs a string`);
    writeFileSync(path, text.replace(`"name":"t${at}"`, `"name":"t${at}",,`));
    expect(() => readRunReport(path)).toThrow('not JSON');
    expect(() => read(path)).toThrow('not JSON');
  }
  writeFileSync(path, text.slice(0, -20));
  expect(() => read(path)).toThrow('not JSON');
  writeFileSync(path, `${text} x`);
  expect(() => read(path)).toThrow('not JSON');
  writeFileSync(path, JSON.stringify({ ...r, tests: 3 }));
  expect(() => read(path)).toThrow('`tests` must be an array');
});

test('the folder store never parses a whole run file: no JSON.parse input over one chunk (so memory does not follow report size)', async () => {
  const history = join(dir, 'history');
  const store = new FolderStore(history);
  const now = Date.parse('2026-03-20T12:00:00Z');
  const tests = Array.from({ length: 3000 }, (_, i) => ({
    file: `test/area-${i % 7}.test.ts`,
    name: `case ${i}`,
    status: (i % 50 === 0 ? 'flaky' : 'passed') as TestRecord['status'],
  }));
  for (let r = 0; r < 3; r++) await store.append(fixtureRun(`r${r}`, now - r * 3_600_000, tests));
  const parse = JSON.parse;
  let longest = 0;
  JSON.parse = ((text: string, reviver?: (key: string, value: unknown) => unknown) => {
    longest = Math.max(longest, text.length);
    return parse(text, reviver);
  }) as typeof JSON.parse;
  try {
    const { window } = await store.window({ since: now - 86_400_000, until: now });
    expect(window.totals).toMatchObject({ runs: 3, testRuns: 9000, flaky: 180 });
  } finally {
    JSON.parse = parse;
  }
  // Each file is over 300 kB of JSON; a chunk is about 16 kB (plus the one record that crosses it).
  expect(longest).toBeGreaterThan(1000);
  expect(longest).toBeLessThan(24 * 1024);
});
