/**
 * Summarises a V8 `.cpuprofile` (from `UNFLAKE_BENCH_CPU_PROF=<dir> node bench/inRunner.ts`): the top frames
 * by self time and by inclusive time (samples × the sampling interval), each as a share of the profile's busy time (idle and program excluded),
 * functions named with their file:line (dist/ files shortened). `node bench/profileSummary.ts <file> [top] [filter]`;
 * a filter (a substring of the URL, e.g. `dist/`) keeps only the inclusive frames of those files.
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface FrameShare {
  frame: string;
  ms: number;
  share: number;
}

const label = (n: ProfileNode): string => {
  const { functionName, url, lineNumber } = n.callFrame;
  // node_modules/<package>/… as `<package>:…`, this package's dist/ as `dist/…`.
  const file = url.includes('/node_modules/')
    ? url.replace(/^.*\/node_modules\/((?:@[^/]+\/)?[^/]+)\/(?:.*\/)?([^/]+)$/, '$1:$2')
    : url.replace(/^file:\/\/.*\/dist\//, 'dist/').replace(/^file:\/\//, '');
  return `${functionName || '(anonymous)'} ${file ? `${file}:${lineNumber + 1}` : ''}`.trim();
};

export function summarise(
  profile: Profile,
  top = 25,
  filter = '',
): { busyMs: number; self: FrameShare[]; inclusive: FrameShare[] } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  // Each sample weighs one sampling interval (the median gap): on a loaded machine the process is often
  // descheduled, and the gap until the next sample would land on whichever frame happened to run last.
  const gaps = profile.timeDeltas.filter((d) => d > 0).sort((a, b) => a - b);
  const dt = (gaps[Math.floor(gaps.length / 2)] ?? 0) / 1000;
  let busy = 0;
  profile.samples.forEach((id) => {
    const node = byId.get(id)!;
    const name = node.callFrame.functionName;
    if (name === '(idle)' || name === '(program)') return;
    busy += dt;
    self.set(label(node), (self.get(label(node)) ?? 0) + dt);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const n = byId.get(at)!;
      const key = label(n);
      if (!seen.has(key) && n.callFrame.url.includes(filter)) inclusive.set(key, (inclusive.get(key) ?? 0) + dt);
      seen.add(key);
    }
  });
  const rank = (m: Map<string, number>): FrameShare[] =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([frame, ms]) => ({ frame, ms, share: ms / busy }));
  return { busyMs: busy, self: rank(self), inclusive: rank(inclusive) };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [file, top, filter] = process.argv.slice(2);
  if (!file) throw new Error('usage: node bench/profileSummary.ts <file.cpuprofile> [top] [url filter]');
  const s = summarise(JSON.parse(readFileSync(file, 'utf8')) as Profile, Number(top ?? 25), filter ?? '');
  const pct = (f: FrameShare): string =>
    `${(f.share * 100).toFixed(1).padStart(5)} %  ${f.ms.toFixed(1).padStart(7)} ms  ${f.frame}`;
  console.log(
    `busy ${s.busyMs.toFixed(0)} ms\n\n## self\n${s.self.map(pct).join('\n')}\n\n## inclusive${filter ? ` (${filter})` : ''}\n${s.inclusive.map(pct).join('\n')}`,
  );
}
