import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { DATABASE, type Database } from '@touchline/database';
import type { PoolClient } from 'pg';
import { encodeCursor } from '../../../http/cursor';
import { readOneSnapshot, SnapshotReplacedError } from '../../../snapshots/snapshot-read';
import { listRfmRows } from '../../sql/readRfmRows';
import { readRfmSnapshot } from '../../sql/readRfmSnapshot';
import { ListRfmCustomersQuery, type RfmCustomerPage } from './list-rfm-customers.query';

@QueryHandler(ListRfmCustomersQuery)
export class ListRfmCustomersHandler implements IQueryHandler<ListRfmCustomersQuery> {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  execute(query: ListRfmCustomersQuery): Promise<RfmCustomerPage> {
    return readOneSnapshot(this.db.pool, (client) => this.page(client, query));
  }

  /** The header and the rows of one snapshot; the cursor names it (its computedAt). */
  private async page(
    client: PoolClient,
    { segment, after, limit }: ListRfmCustomersQuery,
  ): Promise<RfmCustomerPage> {
    const header = await readRfmSnapshot(client);
    const snapshot = header?.computedAt.toISOString() ?? null;
    if (after !== null && after.snapshot !== snapshot)
      throw new SnapshotReplacedError('RFM', after.snapshot, snapshot);
    const rows =
      snapshot === null ? [] : await listRfmRows(client, { segment, after, limit: limit + 1 });
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
        rows.length > limit && last && snapshot !== null
          ? encodeCursor({
              g: segment ?? '',
              s: snapshot,
              v: last.monetaryText,
              k: last.customerId,
            })
          : null,
    };
  }
}
