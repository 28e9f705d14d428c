import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { DATABASE, type Database } from '@touchline/database';
import { ProjectionEngine } from '@touchline/projections';
import {
  CUSTOMER_PROFILE,
  type CustomerProfileRow,
} from '../../projections/customer-profile.projection';
import { readSentimentPoints } from '../../sql/readSentimentPoints';
import { journeyStreams } from '../get-customer-timeline/journey-streams';
import { rangesAfter } from '../get-customer-timeline/timeline-page';
import { emotionOf } from './emotion';
import { GetEmotionCurveQuery, type EmotionCurve } from './get-emotion-curve.query';

@QueryHandler(GetEmotionCurveQuery)
export class GetEmotionCurveHandler implements IQueryHandler<GetEmotionCurveQuery> {
  constructor(
    private readonly engine: ProjectionEngine,
    @Inject(DATABASE) private readonly db: Database,
  ) {}

  async execute({ customerId }: GetEmotionCurveQuery): Promise<EmotionCurve | null> {
    const profile = await this.engine.getRow<CustomerProfileRow>(CUSTOMER_PROFILE, customerId);
    if (profile === null) return null;
    const ranges = rangesAfter(journeyStreams(profile), null, 'asc');
    return { customerId, ...emotionOf(await readSentimentPoints(this.db.pool, ranges)) };
  }
}
