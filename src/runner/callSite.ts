/** The first stack frame outside this library: where the user wrote the assertion. */
export function findCallSite(stack: string | undefined): string | undefined {
  const frames = (stack ?? '').split('\n').filter((line) => /^\s+at /.test(line));
  const own = frames[0]?.match(/\(?((?:file:\/\/)?\/.*?\/)(?:src|matchers|dist)\//)?.[1];
  const outside = frames.find((line) => !/node:internal|\(node:|\/node_modules\//.test(line) && !(own && line.includes(own) && /\/(src|matchers|dist)\//.test(line)));
  return outside?.trim().replace(/^at\s+/, '');
}
