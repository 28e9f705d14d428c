import { Command } from '@nestjs/cqrs';
import type { RfmDistributionView } from '../../rfm-distribution';

/** Recompute the RFM snapshot as of an instant (waits for a run under way elsewhere). */
export class RecomputeRfmCommand extends Command<RfmDistributionView> {
  constructor(
    readonly asOf: Date,
    readonly windowDays: number | undefined,
  ) {
    super();
  }
}
