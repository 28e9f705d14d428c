import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { DATABASE, type Database } from '@touchline/database';
import { readOneSnapshot } from '../../../snapshots/snapshot-read';
import { rfmDistribution, type RfmDistributionView } from '../../rfm-distribution';
import { readRfmCells } from '../../sql/readRfmDistribution';
import { readRfmSnapshot } from '../../sql/readRfmSnapshot';
import { GetRfmDistributionQuery } from './get-rfm-distribution.query';

@QueryHandler(GetRfmDistributionQuery)
export class GetRfmDistributionHandler implements IQueryHandler<GetRfmDistributionQuery> {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  execute(): Promise<RfmDistributionView | null> {
    return readOneSnapshot(this.db.pool, async (client) => {
      const header = await readRfmSnapshot(client);
      const cells = header ? await readRfmCells(client) : [];
      return header && rfmDistribution(header, cells);
    });
  }
}
