import { Inject } from '@nestjs/common';
import { checkErasureRequest, OpsService, type OpsActor } from '@touchline/ops';
import { Command, CommandRunner, Option } from 'nest-commander';
import { CLI_ACTOR, CLI_IO, errorMessage, EXIT, type CliIo, type ExitCode } from '../cli-io';

export interface EraseOptions {
  reason?: string;
  requestId?: string;
  yes?: boolean;
  json?: boolean;
}

@Command({
  name: 'erase',
  arguments: '<customerId>',
  description:
    "GDPR erasure: destroys the data keys of the customer's journey (their personal fields become " +
    'unreadable for good) and records customer.erased. Irreversible: needs --yes. ' +
    'Exit 0: erased; 1: unknown customer, bad input or an error.',
})
export class EraseCommand extends CommandRunner {
  constructor(
    private readonly ops: OpsService,
    @Inject(CLI_IO) private readonly io: CliIo,
    @Inject(CLI_ACTOR) private readonly actor: OpsActor,
  ) {
    super();
  }

  async run([customerId]: string[], options: EraseOptions = {}): Promise<void> {
    process.exitCode = await this.execute(customerId!, options);
  }

  async execute(customerId: string, options: EraseOptions): Promise<ExitCode> {
    const fail = (message: string): ExitCode => {
      this.io.err.write(`touchline erase: ${message}\n`);
      return EXIT.error;
    };
    if (!options.yes) {
      return fail(
        `erasing ${customerId} cannot be undone: run again with --yes to destroy their data keys`,
      );
    }
    const request = { reason: options.reason, requestId: options.requestId };
    const issues = checkErasureRequest(request);
    if (issues.length > 0) {
      return fail(issues.map((i) => `${i.path.replace(/^data\./, '--')}: ${i.message}`).join('; '));
    }
    try {
      const result = await this.ops.eraseCustomer(this.actor, customerId, request);
      if (!result) return fail(`no events nor keys of customer ${customerId}`);
      this.io.out.write(
        options.json
          ? `${JSON.stringify(result, null, 2)}\n`
          : `Erased customer ${customerId}: ${result.keysDestroyed} data key(s) destroyed ` +
              `across ${result.streams.length} stream(s); customer.erased ` +
              `${result.erasedEvent.status === 'duplicate' ? 'was already recorded' : 'recorded'} ` +
              `(${result.erasedEvent.eventId}).\n`,
      );
      return EXIT.ok;
    } catch (error) {
      return fail(errorMessage(error));
    }
  }

  @Option({ flags: '--reason <label>', description: 'why, as a label, e.g. gdpr-request' })
  parseReason(value: string): string {
    return value;
  }

  @Option({
    flags: '--request-id <id>',
    description: 'the ticket or request id; repeating it records the erasure once',
  })
  parseRequestId(value: string): string {
    return value;
  }

  @Option({ flags: '--yes', description: 'confirm: the erasure cannot be undone' })
  parseYes(): boolean {
    return true;
  }

  @Option({ flags: '--json', description: 'print JSON' })
  parseJson(): boolean {
    return true;
  }
}
