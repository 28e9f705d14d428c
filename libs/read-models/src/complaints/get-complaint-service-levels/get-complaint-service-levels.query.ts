import { Query } from '@nestjs/cqrs';
import type { ComplaintGroupBy } from '../sql/readComplaintServiceLevels';
import type { ComplaintLevels } from './complaint-levels';

export interface ComplaintServiceLevels {
  from: string;
  to: string;
  groupBy: ComplaintGroupBy | null;
  overall: ComplaintLevels;
  groups: (ComplaintLevels & { group: string })[];
}

/** Complaint service levels of the complaints opened on the days from..to (UTC, included). */
export class GetComplaintServiceLevelsQuery extends Query<ComplaintServiceLevels> {
  constructor(
    readonly from: Date,
    readonly to: Date,
    readonly groupBy: ComplaintGroupBy | null,
  ) {
    super();
  }
}
