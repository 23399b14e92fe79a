/**
 * The shared-clock wire protocol, version 2 (docs/clock-protocol.md; 2 added `skew`): newline-delimited JSON over a
 * stream socket (loopback TCP or a Unix socket), one object per line, at most 64 KiB per line.
 *
 * Every frame that crosses the wire is parsed and validated here, and nowhere else (frames.ts splits the
 * stream into lines). A frame that does not parse, has an unknown `type`, a field of the wrong type, or is
 * too long raises a ProtocolError; the side that reads it sends an `error` frame (when it still can) and
 * closes that one connection.
 *
 * Times: `now`/`to` are wall-clock epoch ms. `monotonic` and `nextDue` are on the leader's monotonic
 * timeline (ms since the leader's TestClock was created), which `set` (a wall-clock jump) never moves,
 * so a due time never changes meaning while a `set` is in flight.
 */
import { ProtocolError } from './frames.ts';

export { FrameReader, MAX_FRAME_BYTES, ProtocolError } from './frames.ts';

export const PROTOCOL_VERSION = 2;

// --- follower → leader -------------------------------------------------------------------------

/** The first frame of a follower. `now` (its real wall clock, epoch ms) is informational. */
export interface HelloFrame {
  type: 'hello';
  v: number;
  token: string;
  name: string;
  pid: number;
  now?: number;
}
/** Sent when the follower's timer set changed outside a step (coalesced). `nextDue`: monotonic ms or null. */
export interface StateFrame {
  type: 'state';
  pending: number;
  nextDue: number | null;
}
/** The answer to `step {seq}`: its due timers have fired and its microtasks drained. */
export interface AckFrame {
  type: 'ack';
  seq: number;
  pending: number;
  nextDue: number | null;
}
/** The follower leaves on purpose (its process is exiting normally, or it closed its clock). Not an error. */
export interface LeaveFrame {
  type: 'bye';
  reason: string;
}
export type FollowerFrame = HelloFrame | StateFrame | AckFrame | LeaveFrame;

// --- leader → follower -------------------------------------------------------------------------

export interface WelcomeFrame {
  type: 'welcome';
  v: number;
  now: number;
  monotonic: number;
}
/** Move to wall time `to` / monotonic `monotonic`, fire everything due up to it, drain, then `ack {seq}`. */
export interface StepFrame {
  type: 'step';
  seq: number;
  to: number;
  monotonic: number;
}
/** Jump the wall clock to `now` without firing anything; monotonic time does not move. */
export interface SetFrame {
  type: 'set';
  now: number;
}
/**
 * Skew this follower's wall clock (a fault to inject): from leader monotonic `monotonic` on, its wall
 * clock reads the leader's plus `offset` plus `driftPpm` millionths of the monotonic time since. Its
 * monotonic time and its timers' due times do not move. Zeros remove the skew.
 */
export interface SkewFrame {
  type: 'skew';
  offset: number;
  driftPpm: number;
  monotonic: number;
}
export interface ByeFrame {
  type: 'bye';
  reason: string;
}
export interface ErrorFrame {
  type: 'error';
  message: string;
}
export type LeaderFrame = WelcomeFrame | StepFrame | SetFrame | SkewFrame | ByeFrame | ErrorFrame;

// --- encoding ----------------------------------------------------------------------------------

export function encodeFrame(frame: FollowerFrame | LeaderFrame): string {
  return `${JSON.stringify(frame)}\n`;
}

// --- validation --------------------------------------------------------------------------------

type Json = Record<string, unknown>;

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string')
    return `a string (${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)})`;
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}

function parseObject(line: string): Json {
  if (line.length === 0) throw new ProtocolError('empty frame');
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    throw new ProtocolError(`frame is not JSON (${(error as Error).message})`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new ProtocolError(`frame must be a JSON object, got ${describe(value)}`);
  return value as Json;
}

function field<T>(frame: Json, key: string, check: (value: unknown) => value is T, expected: string): T {
  const value = frame[key];
  if (!check(value))
    throw new ProtocolError(
      `\`${String(frame.type)}\`: \`${key}\` must be ${expected}, got ${value === undefined ? 'nothing' : describe(value)}`,
    );
  return value;
}

const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isTime = (v: unknown): v is number => isFiniteNumber(v) && Math.abs(v) <= 8.64e15;
const isMonotonic = (v: unknown): v is number => isFiniteNumber(v) && v >= 0 && v <= 8.64e15;
const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
const isSeq = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 1;
const isNextDue = (v: unknown): v is number | null => v === null || isMonotonic(v);
const isDriftPpm = (v: unknown): v is number => isFiniteNumber(v) && Math.abs(v) <= 1e6;
const isShortString =
  (max: number) =>
  (v: unknown): v is string =>
    typeof v === 'string' && v.length <= max;

export function parseFollowerFrame(line: string): FollowerFrame {
  const frame = parseObject(line);
  switch (frame.type) {
    case 'hello': {
      const hello: HelloFrame = {
        type: 'hello',
        v: field(frame, 'v', Number.isSafeInteger as (v: unknown) => v is number, 'an integer'),
        token: field(frame, 'token', isShortString(1024), 'a string'),
        name: field(frame, 'name', isShortString(200), 'a string of at most 200 characters'),
        pid: field(frame, 'pid', isCount, 'an integer >= 0'),
      };
      if (frame.now !== undefined) hello.now = field(frame, 'now', isTime, 'epoch milliseconds');
      return hello;
    }
    case 'state':
      return {
        type: 'state',
        pending: field(frame, 'pending', isCount, 'an integer >= 0'),
        nextDue: field(frame, 'nextDue', isNextDue, 'monotonic milliseconds or null'),
      };
    case 'ack':
      return {
        type: 'ack',
        seq: field(frame, 'seq', isSeq, 'an integer >= 1'),
        pending: field(frame, 'pending', isCount, 'an integer >= 0'),
        nextDue: field(frame, 'nextDue', isNextDue, 'monotonic milliseconds or null'),
      };
    case 'bye':
      return { type: 'bye', reason: field(frame, 'reason', isShortString(4096), 'a string') };
    default:
      throw new ProtocolError(
        `unknown frame type ${frame.type === undefined ? '(no `type`)' : describe(frame.type)}; a follower sends hello, state, ack or bye`,
      );
  }
}

export function parseLeaderFrame(line: string): LeaderFrame {
  const frame = parseObject(line);
  switch (frame.type) {
    case 'welcome':
      return {
        type: 'welcome',
        v: field(frame, 'v', Number.isSafeInteger as (v: unknown) => v is number, 'an integer'),
        now: field(frame, 'now', isTime, 'epoch milliseconds'),
        monotonic: field(frame, 'monotonic', isMonotonic, 'monotonic milliseconds'),
      };
    case 'step':
      return {
        type: 'step',
        seq: field(frame, 'seq', isSeq, 'an integer >= 1'),
        to: field(frame, 'to', isTime, 'epoch milliseconds'),
        monotonic: field(frame, 'monotonic', isMonotonic, 'monotonic milliseconds'),
      };
    case 'set':
      return { type: 'set', now: field(frame, 'now', isTime, 'epoch milliseconds') };
    case 'skew':
      return {
        type: 'skew',
        offset: field(frame, 'offset', isTime, 'milliseconds'),
        driftPpm: field(frame, 'driftPpm', isDriftPpm, 'parts per million, from -1e6 to 1e6'),
        monotonic: field(frame, 'monotonic', isMonotonic, 'monotonic milliseconds'),
      };
    case 'bye':
      return { type: 'bye', reason: field(frame, 'reason', isShortString(4096), 'a string') };
    case 'error':
      return { type: 'error', message: field(frame, 'message', isShortString(16_384), 'a string') };
    default:
      throw new ProtocolError(
        `unknown frame type ${frame.type === undefined ? '(no `type`)' : describe(frame.type)}; a leader sends welcome, step, set, skew, bye or error`,
      );
  }
}

// --- addresses ---------------------------------------------------------------------------------

export type Endpoint = { host: string; port: number } | { path: string };

/** Parses `unflake-clock://host:port` or `unix:///path/to.sock`. */
export function parseClockUrl(url: string, where: string): Endpoint {
  if (typeof url !== 'string' || url.length === 0)
    throw new TypeError(
      `${where}: the clock URL must be a non-empty string (UNFLAKE_CLOCK_URL), got ${describe(url)}.`,
    );
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TypeError(
      `${where}: ${JSON.stringify(url)} is not a clock URL; expected unflake-clock://host:port or unix:///path/to.sock.`,
    );
  }
  if (parsed.protocol === 'unix:') {
    const path = decodeURIComponent(parsed.pathname);
    if (!path || path === '/')
      throw new TypeError(`${where}: ${JSON.stringify(url)} names no socket path; expected unix:///path/to.sock.`);
    return { path };
  }
  if (parsed.protocol === 'unflake-clock:') {
    const port = Number(parsed.port);
    const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
    if (!host || !Number.isInteger(port) || port <= 0 || port > 65_535)
      throw new TypeError(
        `${where}: ${JSON.stringify(url)} needs a host and a port, as in unflake-clock://127.0.0.1:41234.`,
      );
    return { host, port };
  }
  throw new TypeError(
    `${where}: unsupported scheme ${JSON.stringify(parsed.protocol)} in ${JSON.stringify(url)}; expected unflake-clock://host:port or unix:///path/to.sock.`,
  );
}

export function formatClockUrl(endpoint: Endpoint): string {
  if ('path' in endpoint) return `unix://${endpoint.path.split('/').map(encodeURIComponent).join('/')}`;
  return `unflake-clock://${endpoint.host.includes(':') ? `[${endpoint.host}]` : endpoint.host}:${endpoint.port}`;
}
