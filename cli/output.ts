/**
 * Output conventions of every subcommand: with `--json`, exactly one JSON document on stdout and
 * logs on stderr; without it, human-readable text on stdout.
 */
export function printResult(json: boolean, value: unknown, human: () => string): void {
  if (json) process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  else process.stdout.write(`${human()}\n`);
}

export function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

/**
 * A command that failed: the message on stderr and exit code 1; with `--json`, also one JSON
 * document on stdout, `{"error", "issues": [{"field", "message"}]}` (issues of a rejected
 * configuration; empty for other errors), so a script reading stdout is never left with nothing.
 */
export function printError(json: boolean, err: unknown): void {
  const message = err instanceof Error ? err.message : String(err);
  const issues = (err as { issues?: unknown } | null)?.issues;
  if (json)
    process.stdout.write(
      `${JSON.stringify({ error: message, issues: Array.isArray(issues) ? issues : [] }, null, 2)}\n`,
    );
  process.stderr.write(`matdisc: ${message}\n`);
  process.exitCode = 1;
}
