import {
  FrameReader,
  formatClockUrl,
  MAX_FRAME_BYTES,
  parseClockUrl,
  parseFollowerFrame,
  parseLeaderFrame,
  ProtocolError,
} from '../../../clock/share/protocol.ts';

describe('shared clock protocol', () => {
  test('FrameReader splits lines across chunks, tolerates CRLF and refuses a line over 64 KiB as soon as it sees it', () => {
    const reader = new FrameReader();
    expect(reader.push(Buffer.from('{"a":1}\n{"b"'))).toEqual(['{"a":1}']);
    expect(reader.push(Buffer.from(':2}\r\n\n'))).toEqual(['{"b":2}', '']);
    expect(reader.push(Buffer.from('x'.repeat(MAX_FRAME_BYTES)))).toEqual([]);
    expect(() => reader.push(Buffer.from('y'))).toThrow(
      new ProtocolError('frame exceeds 65536 bytes (at least 65537 bytes without a newline)'),
    );
    const utf8 = new FrameReader();
    const bytes = Buffer.from('{"name":"ümlaut"}\n');
    expect([...utf8.push(bytes.subarray(0, 10)), ...utf8.push(bytes.subarray(10))]).toEqual(['{"name":"ümlaut"}']);
    expect(() => new FrameReader().push(Buffer.from([0xc3, 0x28, 0x0a]))).toThrow(/not valid UTF-8/);
  });

  test('parses and validates every follower frame', () => {
    expect(parseFollowerFrame('{"type":"hello","v":1,"token":"t","name":"api","pid":12,"now":5,"extra":true}')).toEqual(
      {
        type: 'hello',
        v: 1,
        token: 't',
        name: 'api',
        pid: 12,
        now: 5,
      },
    );
    expect(parseFollowerFrame('{"type":"state","pending":2,"nextDue":100.5}')).toEqual({
      type: 'state',
      pending: 2,
      nextDue: 100.5,
    });
    expect(parseFollowerFrame('{"type":"ack","seq":3,"pending":0,"nextDue":null}')).toEqual({
      type: 'ack',
      seq: 3,
      pending: 0,
      nextDue: null,
    });
    expect(parseFollowerFrame('{"type":"bye","reason":"exit"}')).toEqual({ type: 'bye', reason: 'exit' });
    expect(() => parseFollowerFrame('')).toThrow('empty frame');
    expect(() => parseFollowerFrame('{"type":"ack","seq":0,"pending":0,"nextDue":null}')).toThrow(
      '`ack`: `seq` must be an integer >= 1, got number 0',
    );
    expect(() => parseFollowerFrame('{"type":"hello","v":1,"token":"t","pid":1}')).toThrow(
      '`hello`: `name` must be a string of at most 200 characters, got nothing',
    );
    expect(() => parseFollowerFrame('{"type":"step","seq":1,"to":0,"monotonic":0}')).toThrow(
      /unknown frame type a string \("step"\); a follower sends/,
    );
    expect(() => parseFollowerFrame('{"pending":1}')).toThrow(
      'unknown frame type (no `type`); a follower sends hello, state, ack or bye',
    );
    expect(() => parseFollowerFrame('{"type":"state","pending":1,"nextDue":1e400}')).toThrow(/`nextDue` must be/);
  });

  test('parses and validates every leader frame', () => {
    expect(parseLeaderFrame('{"type":"welcome","v":1,"now":1893456000000,"monotonic":0}')).toEqual({
      type: 'welcome',
      v: 1,
      now: 1893456000000,
      monotonic: 0,
    });
    expect(parseLeaderFrame('{"type":"step","seq":1,"to":1893456000100,"monotonic":100}')).toEqual({
      type: 'step',
      seq: 1,
      to: 1893456000100,
      monotonic: 100,
    });
    expect(parseLeaderFrame('{"type":"set","now":-1}')).toEqual({ type: 'set', now: -1 });
    expect(parseLeaderFrame('{"type":"bye","reason":"done"}')).toEqual({ type: 'bye', reason: 'done' });
    expect(parseLeaderFrame('{"type":"error","message":"wrong token"}')).toEqual({
      type: 'error',
      message: 'wrong token',
    });
    expect(() => parseLeaderFrame('{"type":"step","seq":1,"to":0,"monotonic":-1}')).toThrow(
      '`step`: `monotonic` must be monotonic milliseconds, got number -1',
    );
    expect(() => parseLeaderFrame('null')).toThrow('frame must be a JSON object, got null');
  });

  test('clock URLs', () => {
    expect(parseClockUrl('unflake-clock://127.0.0.1:4000', 'x')).toEqual({ host: '127.0.0.1', port: 4000 });
    expect(parseClockUrl('unflake-clock://[::1]:4000', 'x')).toEqual({ host: '::1', port: 4000 });
    expect(parseClockUrl('unix:///tmp/a%20b.sock', 'x')).toEqual({ path: '/tmp/a b.sock' });
    expect(formatClockUrl({ path: '/tmp/a b.sock' })).toBe('unix:///tmp/a%20b.sock');
    expect(formatClockUrl({ host: '::1', port: 1 })).toBe('unflake-clock://[::1]:1');
    expect(() => parseClockUrl('unflake-clock://host', 'x')).toThrow(/needs a host and a port/);
    expect(() => parseClockUrl('unix://', 'x')).toThrow(/names no socket path/);
    expect(() => parseClockUrl('', 'x')).toThrow(TypeError);
  });
});
