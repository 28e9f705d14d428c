import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { DATABASE, type Database } from '@touchline/database';
import { ProjectionEngine } from '@touchline/projections';
import { readSentimentPoints } from '../../sql/readSentimentPoints';
import { journeyOf } from '../get-customer-timeline/journey-streams';
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
    const streams = await journeyOf(this.engine, customerId);
    if (streams === null) return null;
    const ranges = rangesAfter(streams, null, 'asc');
    return { customerId, ...emotionOf(await readSentimentPoints(this.db.pool, ranges)) };
  }
}
