import { formatDuration } from '../../src/report/formatDuration.ts';

describe('formatDuration', () => {
  test.each([
    [7.4, '7 ms'],
    [999.4, '999 ms'],
    [1_250, '1.25 s'],
    [36_000, '36.0 s'],
    [150_000, '2.5 min'],
    [7_199_999.99, '2.00 h'],
    [119_999.9, '2.0 min'],
  ])('%d ms reads %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});
