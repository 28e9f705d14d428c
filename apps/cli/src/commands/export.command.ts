import { writeFile } from 'node:fs/promises';
import { Inject } from '@nestjs/common';
import { OpsService, type OpsActor } from '@touchline/ops';
import { Command, CommandRunner, Option } from 'nest-commander';
import { CLI_ACTOR, CLI_IO, errorMessage, EXIT, type CliIo, type ExitCode } from '../cli-io';

export interface ExportOptions {
  out?: string;
}

@Command({
  name: 'export',
  arguments: '<customerId>',
  description:
    'Subject-access export: every event of the customer (linked and merged ids included), ' +
    'personal fields decrypted, as JSON on stdout or in --out (created readable by you only). ' +
    'Exit 0: exported; 1: no events, or an error.',
})
export class ExportCommand extends CommandRunner {
  constructor(
    private readonly ops: OpsService,
    @Inject(CLI_IO) private readonly io: CliIo,
    @Inject(CLI_ACTOR) private readonly actor: OpsActor,
  ) {
    super();
  }

  async run([customerId]: string[], options: ExportOptions = {}): Promise<void> {
    process.exitCode = await this.execute(customerId!, options);
  }

  async execute(customerId: string, options: ExportOptions): Promise<ExitCode> {
    try {
      const result = await this.ops.exportCustomer(this.actor, customerId);
      if (!result) {
        this.io.err.write(`touchline export: no events of customer ${customerId}\n`);
        return EXIT.error;
      }
      const json = `${JSON.stringify(result, null, 2)}\n`;
      if (options.out === undefined) {
        this.io.out.write(json);
      } else {
        // Personal data: never overwrite a file, and let no one else read the new one.
        await writeFile(options.out, json, { mode: 0o600, flag: 'wx' });
        this.io.err.write(
          `Exported ${result.events.length} event(s) of customer ${customerId} to ${options.out}\n`,
        );
      }
      return EXIT.ok;
    } catch (error) {
      this.io.err.write(`touchline export: ${errorMessage(error)}\n`);
      return EXIT.error;
    }
  }

  @Option({ flags: '--out <file>', description: 'write to this new file instead of stdout' })
  parseOut(value: string): string {
    return value;
  }
}
