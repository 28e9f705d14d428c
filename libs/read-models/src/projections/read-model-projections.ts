import type { AnyProjection } from '@touchline/projections';
import { complaintCaseProjection } from '../complaints/complaint-case.projection';
import { complaintFollowupProjection } from '../complaints/complaint-followup.projection';
import { customerProfileProjection } from './customer-profile.projection';
import { customerTimelineProjection } from './customer-timeline.projection';
import { surveyDailyProjection } from './survey-daily.projection';

/** Every projection this library runs on the engine. */
export const READ_MODEL_PROJECTIONS: readonly AnyProjection[] = [
  customerProfileProjection,
  customerTimelineProjection,
  surveyDailyProjection,
  complaintCaseProjection,
  complaintFollowupProjection,
];
