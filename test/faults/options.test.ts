import { faultProxy, type FaultProxy } from '../../src/faults/index.ts';
import { startRecorder, type TestServer } from './sockets.ts';

let recorder: TestServer;
let proxy: FaultProxy;
beforeAll(async () => {
  recorder = await startRecorder();
  proxy = await faultProxy({ target: recorder.port, name: 'checked' });
});
afterAll(async () => {
  await proxy.close();
  await recorder.close();
});

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    const proxy = (await promise) as FaultProxy;
    await proxy.close();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a throw');
}

describe('faultProxy: bad input is a TypeError naming the argument', () => {
  test.each([
    ['no options', undefined, /faultProxy\(\): needs an options object with a `target`/],
    ['options not an object', 'localhost:5432', /faultProxy\(\): options must be an object, got "localhost:5432"/],
    ['no target', { name: 'x' }, /faultProxy\(\): `target` is required/],
    [
      'target without a port',
      { target: 'localhost' },
      /`target` must be 'host:port', '\[::1\]:port', a port number or \{ host, port \}, got "localhost"/,
    ],
    [
      'target port out of range',
      { target: 'localhost:70000' },
      /`target` must be a whole port number from 1 to 65535, got 70000/,
    ],
    ['target port 0', { target: 0 }, /`target` must be a whole port number from 1 to 65535, got 0/],
    [
      'target object without a port',
      { target: { host: 'localhost' } },
      /`target.port` must be a whole port number from 1 to 65535, got undefined/,
    ],
    [
      'listen port not a number',
      { target: 5432, port: '0' },
      /`port` must be a whole port number from 0 to 65535, got "0"/,
    ],
    ['empty name', { target: 5432, name: '' }, /`name` must be a non-empty string, got ""/],
    ['random not a function', { target: 5432, random: 0.5 }, /`random` must be a function/],
    ['misspelt option', { target: 5432, nmae: 'x' }, /faultProxy\(\): unknown option `nmae`. Did you mean `name`\?/],
  ])('%s', async (_, options, message) => {
    const error = await rejection(faultProxy(options as never));
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toMatch(message);
  });

  test.each([
    [
      'negative ms',
      () => proxy.latency(-1),
      /proxy\.latency\(\) \(checked\): `ms` must be a finite number of milliseconds from 0 to 2147483647, got -1/,
    ],
    ['ms as a string', () => proxy.latency('40' as never), /`ms` must be a finite number of milliseconds .*, got "40"/],
    ['infinite ms', () => proxy.latency(Infinity), /`ms` must be a finite number .*, got Infinity/],
    [
      'a distribution that returns NaN',
      () => proxy.latency(() => NaN),
      /`ms\(\)` must be a finite number of milliseconds .*, got NaN/,
    ],
    [
      'negative jitter',
      () => proxy.latency(40, { jitter: -5 }),
      /`jitter` must be a finite number of milliseconds .*, got -5/,
    ],
    [
      'unknown direction',
      () => proxy.latency(40, { direction: 'up' as never }),
      /`direction` must be one of 'both', 'upstream', 'downstream', got "up"/,
    ],
    [
      'misspelt latency option',
      () => proxy.latency(40, { jiter: 5 } as never),
      /unknown option `jiter`. Did you mean `jitter`\?/,
    ],
    [
      'an argument to partition()',
      () => (proxy.partition as (x: unknown) => void)(true),
      /proxy\.partition\(\) \(checked\): takes no arguments, got 1 \(true\)/,
    ],
    [
      'an argument to heal()',
      () => (proxy.heal as (x: unknown) => void)('all'),
      /proxy\.heal\(\) \(checked\): takes no arguments/,
    ],
  ])('%s', (_, call, message) => {
    const error = thrown(call);
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toMatch(message);
  });

  test('the proxy names itself and its target', () => {
    expect(proxy.name).toBe('checked');
    expect(proxy.address).toBe(`127.0.0.1:${proxy.port}`);
    expect(proxy.target).toBe(`127.0.0.1:${recorder.port}`);
    expect(String(proxy)).toBe(`checked (127.0.0.1:${proxy.port} → 127.0.0.1:${recorder.port})`);
  });
});
