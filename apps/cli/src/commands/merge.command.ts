import { Inject } from '@nestjs/common';
import {
  checkMergeRequest,
  MergeRefusedError,
  OpsService,
  type MergeKind,
  type MergeResult,
  type OpsActor,
} from '@touchline/ops';
import { Command, CommandRunner, Option } from 'nest-commander';
import { CLI_ACTOR, CLI_IO, errorMessage, EXIT, type CliIo, type ExitCode } from '../cli-io';

export interface MergeOptions {
  reason?: string;
  json?: boolean;
}

/** merge and unmerge: the same arguments, the same checks, the same output. */
abstract class MergeCommandBase extends CommandRunner {
  protected abstract readonly kind: MergeKind;

  constructor(
    private readonly ops: OpsService,
    @Inject(CLI_IO) private readonly io: CliIo,
    @Inject(CLI_ACTOR) private readonly actor: OpsActor,
  ) {
    super();
  }

  async run([survivorId, mergedId]: string[], options: MergeOptions = {}): Promise<void> {
    process.exitCode = await this.execute(survivorId!, mergedId!, options);
  }

  async execute(survivorId: string, mergedId: string, options: MergeOptions): Promise<ExitCode> {
    const fail = (message: string): ExitCode => {
      this.io.err.write(`touchline ${this.kind}: ${message}\n`);
      return EXIT.error;
    };
    if (options.reason === undefined) return fail('--reason is required: say why');
    const request = { survivorId, mergedId, reason: options.reason };
    try {
      checkMergeRequest(request);
      const result =
        this.kind === 'merge'
          ? await this.ops.mergeCustomers(this.actor, request)
          : await this.ops.unmergeCustomers(this.actor, request);
      this.io.out.write(options.json ? `${JSON.stringify(result, null, 2)}\n` : describe(result));
      return EXIT.ok;
    } catch (error) {
      if (error instanceof MergeRefusedError) return fail(`refused: ${error.message}`);
      return fail(errorMessage(error));
    }
  }

  @Option({
    flags: '--reason <text>',
    description: 'why (required; free text, stored encrypted with each customer key)',
  })
  parseReason(value: string): string {
    return value;
  }

  @Option({ flags: '--json', description: 'print JSON' })
  parseJson(): boolean {
    return true;
  }
}

function describe(result: MergeResult): string {
  const verb = result.kind === 'merge' ? 'Merged' : 'Unmerged';
  const link = result.kind === 'merge' ? 'into' : 'from';
  const events = result.events.map((e) => `  ${e.streamId}@${e.revision}  ${e.eventId}`).join('\n');
  return (
    `${verb} customer ${result.mergedId} ${link} ${result.survivorId} ` +
    `(customer.${result.kind}d in both streams, position ${result.position}):\n${events}\n`
  );
}

@Command({
  name: 'merge',
  arguments: '<survivorId> <mergedId>',
  description:
    'Merges the duplicate customer <mergedId> into <survivorId>: customer.merged in both ' +
    'streams; the read models count the duplicate for the survivor. Exit 0: merged; 1: refused ' +
    '(unknown customer, already merged, survivor merged itself, a cycle), bad input or an error.',
})
export class MergeCommand extends MergeCommandBase {
  protected readonly kind = 'merge';
}

@Command({
  name: 'unmerge',
  arguments: '<survivorId> <mergedId>',
  description:
    'Undoes a merge: customer.unmerged in both streams; the read models split the customers ' +
    'back. Exit 0: unmerged; 1: refused (not merged into this survivor), bad input or an error.',
})
export class UnmergeCommand extends MergeCommandBase {
  protected readonly kind = 'unmerge';
}
