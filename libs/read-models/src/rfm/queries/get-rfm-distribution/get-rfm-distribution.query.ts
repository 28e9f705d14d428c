import { Query } from '@nestjs/cqrs';
import type { RfmDistributionView } from '../../rfm-distribution';

/** The current RFM snapshot's distribution; null before the first computation. */
export class GetRfmDistributionQuery extends Query<RfmDistributionView | null> {}
