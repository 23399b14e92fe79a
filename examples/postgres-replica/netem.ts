/**
 * Can this machine add latency in the kernel, the way chaos tools do (`tc qdisc … netem` on the loopback
 * of a network namespace of our own, so nothing else on the machine is touched)? Needs root, iproute2
 * and the kernel's sch_netem. The soak prints the answer beside its fault model; where the answer is
 * no, the in-process fault proxy is the only fault injected, and the soak says so.
 */
import { spawnSync } from 'node:child_process';

export interface NetemProbe {
  available: boolean;
  /** Why not, or what was checked. */
  detail: string;
}

function run(command: string, args: string[]): { ok: boolean; output: string } {
  const result = spawnSync(command, args, { encoding: 'utf8', timeout: 5_000 });
  return {
    ok: result.status === 0,
    output: `${result.stdout ?? ''}${result.stderr ?? ''}`.trim() || (result.error?.message ?? ''),
  };
}

export function probeNetem(): NetemProbe {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0)
    return { available: false, detail: 'needs root (network namespaces and tc)' };
  const namespace = `unflake-netem-probe-${process.pid}`;
  const added = run('ip', ['netns', 'add', namespace]);
  if (!added.ok) return { available: false, detail: `ip netns add failed: ${added.output}` };
  try {
    const lo = run('ip', ['netns', 'exec', namespace, 'ip', 'link', 'set', 'lo', 'up']);
    if (!lo.ok) return { available: false, detail: `could not bring up lo in a namespace: ${lo.output}` };
    const netem = run('ip', [
      'netns',
      'exec',
      namespace,
      'tc',
      'qdisc',
      'add',
      'dev',
      'lo',
      'root',
      'netem',
      'delay',
      '1ms',
    ]);
    if (!netem.ok)
      return {
        available: false,
        detail: `tc qdisc add … netem in a fresh namespace: ${netem.output} (this kernel has no sch_netem)`,
      };
    return { available: true, detail: 'tc netem works in a network namespace' };
  } finally {
    run('ip', ['netns', 'del', namespace]);
  }
}
