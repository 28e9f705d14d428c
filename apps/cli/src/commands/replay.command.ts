import { Inject } from '@nestjs/common';
import {
  INSTANT_FORMAT,
  OpsService,
  parseInstant,
  type JourneyWindow,
  type OpsActor,
} from '@touchline/ops';
import { Command, CommandRunner, Option } from 'nest-commander';
import { CLI_ACTOR, CLI_IO, errorMessage, EXIT, type CliIo, type ExitCode } from '../cli-io';
import { journeyText } from '../format';

export interface ReplayOptions {
  asOf?: string;
  from?: string;
  to?: string;
  json?: boolean;
}

@Command({
  name: 'replay',
  arguments: '<customerId>',
  description:
    "A customer's journey rebuilt from the event store as it stood at --as-of, with the stream's " +
    'hash-chain check. Exit 0: intact; 2: chain broken; 1: no events, or an error.',
})
export class ReplayCommand extends CommandRunner {
  constructor(
    private readonly ops: OpsService,
    @Inject(CLI_IO) private readonly io: CliIo,
    @Inject(CLI_ACTOR) private readonly actor: OpsActor,
  ) {
    super();
  }

  async run([customerId]: string[], options: ReplayOptions = {}): Promise<void> {
    process.exitCode = await this.execute(customerId!, options);
  }

  async execute(customerId: string, options: ReplayOptions): Promise<ExitCode> {
    const window: JourneyWindow = {};
    for (const [key, flag] of [
      ['asOf', '--as-of'],
      ['from', '--from'],
      ['to', '--to'],
    ] as const) {
      const value = options[key];
      if (value === undefined) continue;
      const parsed = parseInstant(flag, value);
      if (!parsed.ok) {
        this.io.err.write(`touchline replay: ${parsed.problem}\n`);
        return EXIT.error;
      }
      window[key] = parsed.date;
    }
    try {
      const replay = await this.ops.replayJourney(this.actor, customerId, window);
      if (!replay) {
        const asOf = window.asOf ? ` as of ${window.asOf.toISOString()}` : '';
        this.io.err.write(
          `touchline replay: no events of customer ${customerId} recorded${asOf}\n`,
        );
        return EXIT.error;
      }
      this.io.out.write(
        options.json ? `${JSON.stringify(replay, null, 2)}\n` : journeyText(replay),
      );
      return replay.integrity && !replay.integrity.ok ? EXIT.broken : EXIT.ok;
    } catch (error) {
      this.io.err.write(`touchline replay: ${errorMessage(error)}\n`);
      return EXIT.error;
    }
  }

  @Option({ flags: '--as-of <instant>', description: `recorded at or before: ${INSTANT_FORMAT}` })
  parseAsOf(value: string): string {
    return value;
  }

  @Option({ flags: '--from <instant>', description: 'occurred at or after this instant' })
  parseFrom(value: string): string {
    return value;
  }

  @Option({ flags: '--to <instant>', description: 'occurred before this instant' })
  parseTo(value: string): string {
    return value;
  }

  @Option({ flags: '--json', description: 'print JSON instead of a table' })
  parseJson(): boolean {
    return true;
  }
}
