import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { TOUCHLINE_CONFIG, type TouchlineConfig } from '@touchline/config';
import { DATABASE, type Database } from '@touchline/database';
import { encodeCursor } from '../../http/cursor';
import { readCustomerScores } from '../../snapshots/customer-scores';
import { listProfiles } from '../../sql/listProfiles';
import { toCustomerProfileView } from '../get-customer/customer-profile.view';
import { ListCustomersQuery, type CustomerPage } from './list-customers.query';

@QueryHandler(ListCustomersQuery)
export class ListCustomersHandler implements IQueryHandler<ListCustomersQuery> {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(TOUCHLINE_CONFIG) private readonly config: TouchlineConfig,
  ) {}

  async execute({ filter, sort, page }: ListCustomersQuery): Promise<CustomerPage> {
    // One instant for the SQL filter and the stages in the answer, so that they agree.
    const asOf = new Date();
    const rows = await listProfiles(this.db.pool, {
      tier: filter.tier,
      lifecycle: filter.lifecycle,
      segment: filter.segment,
      risk: filter.risk,
      sort: sort.field,
      descending: sort.descending,
      after: page.after,
      limit: page.limit + 1,
      asOf,
      thresholds: this.config.tierThresholds,
    });
    const items = rows.slice(0, page.limit);
    const last = items.at(-1);
    const scores = await readCustomerScores(
      this.db.pool,
      items.map((r) => r.key),
    );
    return {
      items: items.map((r) =>
        toCustomerProfileView(r.data, asOf, this.config.tierThresholds, scores.get(r.key)),
      ),
      nextCursor:
        rows.length > page.limit && last
          ? encodeCursor({
              s: `${sort.descending ? '-' : ''}${sort.field}`,
              v: last.sortValue,
              k: last.key,
            })
          : null,
    };
  }
}
