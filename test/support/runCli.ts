/** The `unflake` CLI run in-process, with what it prints on stdout and stderr captured. */
import { main } from '../../src/cli/cli.ts';

export interface CliResult {
  code: number;
  out: string;
  err: string;
}

export async function runCli(args: readonly string[]): Promise<CliResult> {
  let out = '';
  let err = '';
  const code = await main([...args], { out: (t) => void (out += t), err: (t) => void (err += t) });
  return { code, out, err };
}
