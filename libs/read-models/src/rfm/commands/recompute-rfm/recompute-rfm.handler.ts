import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { rfmDistribution, type RfmDistributionView } from '../../rfm-distribution';
import { RfmSnapshots } from '../../rfm-snapshots.service';
import { RecomputeRfmCommand } from './recompute-rfm.command';

@CommandHandler(RecomputeRfmCommand)
export class RecomputeRfmHandler implements ICommandHandler<RecomputeRfmCommand> {
  constructor(private readonly rfm: RfmSnapshots) {}

  async execute({ asOf, windowDays }: RecomputeRfmCommand): Promise<RfmDistributionView> {
    const result = await this.rfm.recompute({ asOf, windowDays });
    // Without onlyIfOlderThan the run waits for the lock and always happens.
    if (result === null) throw new Error('RFM recompute did not run');
    return rfmDistribution(result.header, result.cells);
  }
}
