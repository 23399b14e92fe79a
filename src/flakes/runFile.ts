/**
 * One run file read in pieces: its header (everything but `tests`) and then its test records in chunks
 * of about 16 kB, each parsed on its own. Parsing a whole 10 000-test file makes one object graph that
 * lives while the window folds it, so the collector promotes it to the old generation and the heap grows
 * to hundreds of MB of garbage between full collections; chunks die young. The bytes are scanned for the
 * `tests` array's elements (strings skipped with indexOf; UTF-8 never puts a quote or bracket byte
 * inside a multi-byte character), and JSON.parse still checks every byte of every piece.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { checkRunHeader, checkTestRecord } from './history.ts';
import type { RunReport, TestRecord } from './schema.ts';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const CHUNK_BYTES = 16 * 1024;
/** Bytes that end a number, `true`, `false` or `null`: white space, `,`, `}`, `]`. */
const ENDS_SCALAR = new Set([0x20, 0x0a, 0x0d, 0x09, 0x2c, 0x7d, 0x5d]);

class Scanner {
  at = 0;
  readonly bytes: Buffer;
  constructor(bytes: Buffer) {
    this.bytes = bytes;
  }

  fail(what: string): never {
    throw new SyntaxError(`${what} at byte ${this.at}`);
  }

  space(): number {
    const b = this.bytes;
    while (
      this.at < b.length &&
      (b[this.at] === 0x20 || b[this.at] === 0x0a || b[this.at] === 0x0d || b[this.at] === 0x09)
    )
      this.at++;
    return this.at < b.length ? b[this.at]! : -1;
  }

  /** Past a string whose opening quote is at `at`; returns where its content starts. */
  string(): number {
    const start = ++this.at;
    for (;;) {
      const quote = this.bytes.indexOf(QUOTE, this.at);
      if (quote < 0) this.fail('unterminated string');
      let backslashes = 0;
      while (this.bytes[quote - 1 - backslashes] === BACKSLASH) backslashes++;
      this.at = quote + 1;
      if (backslashes % 2 === 0) return start;
    }
  }

  /** Past one value of any kind (its content is left for JSON.parse to check). */
  value(): void {
    const first = this.space();
    if (first === QUOTE) return void this.string();
    if (first !== 0x7b && first !== 0x5b) {
      const b = this.bytes;
      while (this.at < b.length && !ENDS_SCALAR.has(b[this.at]!)) this.at++;
      return;
    }
    let depth = 0;
    do {
      const c = this.bytes[this.at];
      if (c === undefined) this.fail('unterminated value');
      if (c === QUOTE) {
        this.string();
        continue;
      }
      if (c === 0x7b || c === 0x5b) depth++;
      else if (c === 0x7d || c === 0x5d) depth--;
      this.at++;
    } while (depth > 0);
  }
}

/** Where the `tests` array's elements are, as chunks [start, end) of whole elements separated by commas. */
interface Layout {
  /** The `tests` array from `[` to past `]`, or undefined when the file has none (the header check says so). */
  array?: [number, number];
  chunks: [number, number][];
}

function layout(bytes: Buffer): Layout {
  const s = new Scanner(bytes);
  const found: Layout = { chunks: [] };
  if (s.space() !== 0x7b) return found;
  s.at++;
  while (s.space() === QUOTE) {
    const keyStart = s.string();
    const key = bytes.toString('utf8', keyStart, s.at - 1);
    if (s.space() !== 0x3a) s.fail('expected ":"');
    s.at++;
    if (key === 'tests' && s.space() === 0x5b) {
      const open = s.at++;
      elements(s, found.chunks);
      found.array = [open, s.at];
    } else s.value();
    if (s.space() !== 0x2c) break;
    s.at++;
  }
  return found;
}

/** The elements of an array whose `[` was just passed, grouped into chunks; leaves `at` past its `]`. */
function elements(s: Scanner, chunks: [number, number][]): void {
  let start = -1;
  let end = -1;
  for (;;) {
    if (s.space() === 0x5d) break;
    const from = s.at;
    s.value();
    if (start < 0) start = from;
    end = s.at;
    if (end - start >= CHUNK_BYTES) {
      chunks.push([start, end]);
      start = -1;
    }
    const next = s.space();
    if (next === 0x2c) s.at++;
    else if (next !== 0x5d) s.fail('expected "," or "]" in tests');
  }
  s.at++;
  if (start >= 0) chunks.push([start, end]);
}

/** A run file's bytes (gzipped when the name ends in `.gz`). */
export function runFileBytes(path: string): Buffer {
  const bytes = readFileSync(path);
  if (!path.endsWith('.gz')) return bytes;
  const plain = gunzipSync(bytes);
  release(bytes);
  return plain;
}

/**
 * Frees a large buffer's memory now, not at the next full collection: a buffer that lived through a
 * file's reading is in the old generation, and 300 of them awaiting collection were half the reader's
 * RSS. Detaching its ArrayBuffer drops the memory at once; only a buffer that owns its whole
 * ArrayBuffer (never a slice of Node's shared pool) and that nothing else holds.
 */
function release(bytes: Buffer): void {
  if (bytes.byteOffset === 0 && bytes.buffer.byteLength === bytes.byteLength && bytes.byteLength >= 64 * 1024)
    (bytes.buffer as ArrayBuffer & { transfer?(length: number): ArrayBuffer }).transfer?.(0);
}

/** A run file as its header (`tests` empty) and its records, chunk by chunk: all checked as readRunReport checks them. */
export interface RunFile {
  header: RunReport;
  chunks(): Generator<TestRecord[]>;
}

function parse(path: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new TypeError(`${path}: not JSON (${(error as Error).message.slice(0, 200)}).`, { cause: error });
  }
}

export function openRunFile(path: string): RunFile {
  const bytes = runFileBytes(path);
  let found: Layout;
  try {
    found = layout(bytes);
  } catch (error) {
    throw new TypeError(`${path}: not JSON (${(error as Error).message.slice(0, 200)}).`, { cause: error });
  }
  const array = found.array;
  const text = array
    ? `${bytes.toString('utf8', 0, array[0])}[]${bytes.toString('utf8', array[1])}`
    : bytes.toString('utf8');
  const header = checkRunHeader(parse(path, text), path);
  return {
    header,
    *chunks() {
      let index = 0;
      for (const [start, end] of found.chunks) {
        const records = parse(path, `[${bytes.toString('utf8', start, end)}]`) as unknown[];
        for (const r of records) checkTestRecord(r, index++, path);
        yield records as TestRecord[];
      }
      release(bytes);
    },
  };
}
