// What a user of the standalone `expect` package writes once: type the matchers added by expect.extend.
import type { EventualMatchers } from 'unflake/matchers';

declare module 'expect' {
  interface Matchers<R extends void | Promise<void>, T = unknown> extends EventualMatchers<R, T> {}
}
