import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { DATABASE, type Database } from '@touchline/database';
import { encodeCursor } from '../../../http/cursor';
import { listRfmRows } from '../../sql/readRfmRows';
import { readRfmSnapshot } from '../../sql/readRfmSnapshot';
import { ListRfmCustomersQuery, type RfmCustomerPage } from './list-rfm-customers.query';

@QueryHandler(ListRfmCustomersQuery)
export class ListRfmCustomersHandler implements IQueryHandler<ListRfmCustomersQuery> {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  async execute({ segment, after, limit }: ListRfmCustomersQuery): Promise<RfmCustomerPage> {
    const [header, rows] = await Promise.all([
      readRfmSnapshot(this.db.pool),
      listRfmRows(this.db.pool, { segment, after, limit: limit + 1 }),
    ]);
    const items = rows.slice(0, limit);
    const last = items.at(-1);
    return {
      asOf: header?.asOf.toISOString() ?? null,
      items: items.map((row) => ({
        customerId: row.customerId,
        recency: row.recencyDays,
        frequency: row.frequency,
        monetary: row.monetary,
        r: row.r,
        f: row.f,
        m: row.m,
        segment: row.segment,
        lastPurchaseAt: row.lastPurchaseAt,
      })),
      nextCursor:
        rows.length > limit && last
          ? encodeCursor({ g: segment ?? '', v: last.monetaryText, k: last.customerId })
          : null,
    };
  }
}
