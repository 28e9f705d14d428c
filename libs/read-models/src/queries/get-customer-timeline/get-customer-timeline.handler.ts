import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { DATABASE, type Database } from '@touchline/database';
import { ProjectionEngine } from '@touchline/projections';
import { encodeCursor } from '../../http/cursor';
import { readSentimentPoints } from '../../sql/readSentimentPoints';
import { readTimelineRanges } from '../../sql/readTimelineRanges';
import { emotionOf } from '../get-emotion-curve/emotion';
import { GetCustomerTimelineQuery, type CustomerTimelinePage } from './get-customer-timeline.query';
import { journeyOf } from './journey-streams';
import { cutPage, rangesAfter } from './timeline-page';

@QueryHandler(GetCustomerTimelineQuery)
export class GetCustomerTimelineHandler implements IQueryHandler<GetCustomerTimelineQuery> {
  constructor(
    private readonly engine: ProjectionEngine,
    @Inject(DATABASE) private readonly db: Database,
  ) {}

  async execute(query: GetCustomerTimelineQuery): Promise<CustomerTimelinePage | null> {
    const { customerId, order, after, limit } = query;
    const streams = await journeyOf(this.engine, customerId);
    if (streams === null) return null;
    // One row more than the page from each stream tells whether another page follows.
    const rows = await readTimelineRanges(
      this.db.pool,
      rangesAfter(streams, after, order),
      order,
      limit + 1,
    );
    const page = cutPage(
      rows.map((r) => r.data),
      order,
      limit,
    );
    let summary: CustomerTimelinePage['summary'] = null;
    if (after === null) {
      const points = await readSentimentPoints(this.db.pool, rangesAfter(streams, null, 'asc'));
      summary = { sentimentPoints: points.length, peakEnd: emotionOf(points).peakEnd };
    }
    return {
      customerId,
      streams,
      order,
      items: page.items,
      nextCursor: page.next && encodeCursor({ ...page.next }),
      summary,
    };
  }
}
