import { Query } from '@nestjs/cqrs';
import type { TimelineRow } from '../../projections/customer-timeline.projection';
import type { PeakEndView } from '../get-emotion-curve/emotion';
import type { TimelineCursor, TimelineOrder } from './timeline-page';

export interface CustomerTimelinePage {
  customerId: string;
  streams: string[];
  order: TimelineOrder;
  items: TimelineRow[];
  nextCursor: string | null;
  summary: { sentimentPoints: number; peakEnd: PeakEndView } | null;
}

/** A page of a customer's journey; null for an unknown customer. */
export class GetCustomerTimelineQuery extends Query<CustomerTimelinePage | null> {
  constructor(
    readonly customerId: string,
    readonly order: TimelineOrder,
    readonly after: TimelineCursor | null,
    readonly limit: number,
  ) {
    super();
  }
}
