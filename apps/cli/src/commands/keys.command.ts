import { Inject } from '@nestjs/common';
import { OpsService, type OpsActor } from '@touchline/ops';
import { Command, CommandRunner, Option, SubCommand } from 'nest-commander';
import { CLI_ACTOR, CLI_IO, errorMessage, EXIT, type CliIo, type ExitCode } from '../cli-io';

export interface RotateOptions {
  json?: boolean;
}

@SubCommand({
  name: 'rotate',
  description:
    'Re-wraps every data key under the active master key (TOUCHLINE_MASTER_KEY_ACTIVE, else the ' +
    'first of TOUCHLINE_MASTER_KEYS); events are untouched. Afterwards the old master key can be ' +
    'removed from the configuration. Exit 0: done; 1: an error (e.g. an old key is missing).',
})
export class KeysRotateCommand extends CommandRunner {
  constructor(
    private readonly ops: OpsService,
    @Inject(CLI_IO) private readonly io: CliIo,
    @Inject(CLI_ACTOR) private readonly actor: OpsActor,
  ) {
    super();
  }

  async run(_params: string[], options: RotateOptions = {}): Promise<void> {
    process.exitCode = await this.execute(options);
  }

  async execute(options: RotateOptions): Promise<ExitCode> {
    try {
      const result = await this.ops.rotateKeys(this.actor, (done) =>
        this.io.err.write(`re-wrapped ${done} data key(s)\n`),
      );
      if (options.json) {
        this.io.out.write(`${JSON.stringify(result, null, 2)}\n`);
        return EXIT.ok;
      }
      const moved = Object.entries(result.rewrapped);
      const live = Object.entries(result.liveKeys);
      this.io.out.write(
        `Active master key: ${result.activeMasterKeyId}\n` +
          (moved.length === 0
            ? 'Nothing to re-wrap: every data key is wrapped by the active master key.\n'
            : moved.map(([from, n]) => `Re-wrapped ${n} data key(s) from ${from}\n`).join('')) +
          `Live data keys: ${live.map(([id, n]) => `${n} under ${id}`).join(', ') || 'none'}\n`,
      );
      return EXIT.ok;
    } catch (error) {
      this.io.err.write(`touchline keys rotate: ${errorMessage(error)}\n`);
      return EXIT.error;
    }
  }

  @Option({ flags: '--json', description: 'print JSON' })
  parseJson(): boolean {
    return true;
  }
}

@Command({
  name: 'keys',
  description: 'Master and data keys of the encrypted personal data (docs/privacy.md)',
  subCommands: [KeysRotateCommand],
})
export class KeysCommand extends CommandRunner {
  constructor(@Inject(CLI_IO) private readonly io: CliIo) {
    super();
  }

  async run(): Promise<void> {
    this.io.err.write('touchline keys: name a subcommand: rotate\n');
    process.exitCode = EXIT.error;
  }
}
