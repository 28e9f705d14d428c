import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { DATABASE, type Database } from '@touchline/database';
import { addDays, formatDay } from '../../rules/calendar';
import { readComplaintServiceLevels } from '../sql/readComplaintServiceLevels';
import { complaintLevels } from './complaint-levels';
import {
  GetComplaintServiceLevelsQuery,
  type ComplaintServiceLevels,
} from './get-complaint-service-levels.query';

@QueryHandler(GetComplaintServiceLevelsQuery)
export class GetComplaintServiceLevelsHandler implements IQueryHandler<GetComplaintServiceLevelsQuery> {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  async execute(query: GetComplaintServiceLevelsQuery): Promise<ComplaintServiceLevels> {
    const rows = await readComplaintServiceLevels(
      this.db.pool,
      query.from,
      addDays(query.to, 1),
      query.groupBy,
    );
    const overall = rows.find((r) => r.group === null);
    return {
      from: formatDay(query.from),
      to: formatDay(query.to),
      groupBy: query.groupBy,
      overall: complaintLevels(
        overall ?? {
          group: null,
          opened: 0,
          responded: 0,
          resolved: 0,
          everResolved: 0,
          reopened: 0,
          surveyed: 0,
          firstResponseP50: null,
          firstResponseP90: null,
          resolutionP50: null,
          resolutionP90: null,
        },
      ),
      groups: rows
        .filter((r) => r.group !== null)
        .map((r) => ({ group: r.group!, ...complaintLevels(r) })),
    };
  }
}
