import { Query } from '@nestjs/cqrs';
import type { ChurnBand, RfSegment } from '@touchline/analytics';
import type { ProfileSortField } from '../../sql/listProfiles';
import type { LifecycleStage } from '../../rules/lifecycle';
import type { Tier } from '../../rules/tier';
import type { CustomerProfileView } from '../get-customer/customer-profile.view';

export interface CustomerPage {
  items: CustomerProfileView[];
  nextCursor: string | null;
}

export class ListCustomersQuery extends Query<CustomerPage> {
  constructor(
    readonly filter: {
      tier: Tier | null;
      lifecycle: LifecycleStage | null;
      segment: RfSegment | null;
      risk: ChurnBand | null;
    },
    readonly sort: { field: ProfileSortField; descending: boolean },
    readonly page: { after: { value: string; key: string } | null; limit: number },
  ) {
    super();
  }
}
