import type { Command } from 'commander';
import { printResult } from '../output.js';

export function registerDoctor(program: Command): void {
  program
    .command('doctor')
    .description('check every component matdisc needs and print the command that fixes what is missing')
    .option('--json', 'print {"components":[{"name","ok","version","detail","fix","optional"}]}')
    .action(async (opts: { json?: boolean }) => {
      const { runDoctorChecks } = await import('../doctor-checks.js');
      const components = await runDoctorChecks();
      printResult(Boolean(opts.json), { components }, () =>
        components
          .map(
            (c) =>
              `${c.ok ? 'ok     ' : c.optional ? 'absent ' : 'MISSING'} ${c.name.padEnd(18)} ${c.version ?? ''}  ${c.detail}${c.fix ? `\n        fix: ${c.fix}` : ''}`,
          )
          .join('\n'),
      );
      // A missing optional component (VASP) is reported with its fix but is not a failure.
      if (components.some((c) => !c.ok && !c.optional)) process.exitCode = 1;
    });
}
