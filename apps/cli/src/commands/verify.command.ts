import { Inject } from '@nestjs/common';
import {
  OpsService,
  type OpsActor,
  type StoreVerification,
  type VerifyProgress,
} from '@touchline/ops';
import { SingleBar } from 'cli-progress';
import { Command, CommandRunner, Option } from 'nest-commander';
import { CLI_ACTOR, CLI_IO, errorMessage, EXIT, type CliIo, type ExitCode } from '../cli-io';
import { describeVerification } from '../format';

export interface VerifyOptions {
  customer?: string;
  json?: boolean;
}

@Command({
  name: 'verify',
  description:
    'Re-computes the hash chains of the whole store (with a progress bar) or of one customer, and ' +
    'reports the first broken link of each broken stream. Exit 0: intact; 2: broken; 1: error.',
})
export class VerifyCommand extends CommandRunner {
  constructor(
    private readonly ops: OpsService,
    @Inject(CLI_IO) private readonly io: CliIo,
    @Inject(CLI_ACTOR) private readonly actor: OpsActor,
  ) {
    super();
  }

  async run(_params: string[], options: VerifyOptions = {}): Promise<void> {
    process.exitCode = await this.execute(options);
  }

  async execute(options: VerifyOptions): Promise<ExitCode> {
    try {
      if (options.customer !== undefined) {
        const result = await this.ops.verifyCustomer(this.actor, options.customer);
        if (!result) {
          this.io.err.write(`touchline verify: no events of customer ${options.customer}\n`);
          return EXIT.error;
        }
        this.io.out.write(
          options.json
            ? `${JSON.stringify(result, null, 2)}\n`
            : `${describeVerification(result)}\n`,
        );
        return result.ok ? EXIT.ok : EXIT.broken;
      }
      const result = await this.verifyStore();
      this.io.out.write(options.json ? `${JSON.stringify(result, null, 2)}\n` : storeText(result));
      return result.ok ? EXIT.ok : EXIT.broken;
    } catch (error) {
      this.io.err.write(`touchline verify: ${errorMessage(error)}\n`);
      return EXIT.error;
    }
  }

  private async verifyStore(): Promise<StoreVerification> {
    const bar = new SingleBar({
      stream: this.io.err,
      format: 'Verifying |{bar}| {percentage}% | {value}/{total} events | ETA {eta_formatted}',
      etaBuffer: 50,
      // Off a terminal (CI, cron) a plain line every 10 s instead of a redrawn bar.
      noTTYOutput: true,
      notTTYSchedule: 10_000,
      hideCursor: true,
    });
    let started = false;
    const onProgress = ({ events, total }: VerifyProgress) => {
      const target = Math.max(total ?? events, events);
      if (!started) {
        bar.start(target, events);
        started = true;
      } else {
        bar.setTotal(target);
        bar.update(events);
      }
    };
    try {
      return await this.ops.verifyStore(this.actor, onProgress);
    } finally {
      if (started) bar.stop();
    }
  }

  @Option({ flags: '-c, --customer <id>', description: "verify one customer's stream only" })
  parseCustomer(value: string): string {
    return value;
  }

  @Option({ flags: '--json', description: 'print JSON instead of text' })
  parseJson(): boolean {
    return true;
  }
}

function storeText(result: StoreVerification): string {
  const summary = `Verified ${result.events} events in ${result.streams} streams`;
  if (result.ok) return `${summary}: intact\n`;
  const lines = result.broken.map((stream) => describeVerification(stream));
  return `${summary}: ${result.broken.length} broken\n${lines.join('\n')}\n`;
}
