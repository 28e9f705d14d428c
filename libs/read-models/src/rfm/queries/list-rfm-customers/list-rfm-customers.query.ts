import { Query } from '@nestjs/cqrs';
import type { RfmScore, RfSegment } from '@touchline/analytics';

export interface RfmCustomerItem {
  customerId: string;
  recency: number;
  frequency: number;
  monetary: number;
  r: RfmScore;
  f: RfmScore;
  m: RfmScore;
  segment: RfSegment;
  lastPurchaseAt: string;
}

export interface RfmCustomerPage {
  /** The snapshot's asOf; null before the first computation (and then no items). */
  asOf: string | null;
  items: RfmCustomerItem[];
  nextCursor: string | null;
}

/** Customers of the RFM snapshot, by monetary descending then customer id. */
export class ListRfmCustomersQuery extends Query<RfmCustomerPage> {
  constructor(
    readonly segment: RfSegment | null,
    /** The last row of the previous page, and the snapshot it was read from (its computedAt). */
    readonly after: { snapshot: string; monetary: string; customerId: string } | null,
    readonly limit: number,
  ) {
    super();
  }
}
