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
