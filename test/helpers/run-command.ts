/** Runs `matdisc` subcommands in-process through commander and returns what they print on stdout. */
import { Command } from 'commander';
import { vi } from 'vitest';

export async function runCommand(
  register: readonly ((program: Command) => void)[],
  argv: string[],
): Promise<string> {
  const program = new Command('matdisc').exitOverride();
  for (const r of register) r(program);
  const out: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out.push(String(chunk));
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    await program.parseAsync(['node', 'matdisc', ...argv]);
  } finally {
    spy.mockRestore();
    err.mockRestore();
  }
  return out.join('');
}
