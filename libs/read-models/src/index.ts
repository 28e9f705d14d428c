export { ReadModelsModule } from './read-models.module';
export { READ_MODEL_PROJECTIONS } from './projections/read-model-projections';
export {
  CUSTOMER_PROFILE,
  customerProfileProjection,
} from './projections/customer-profile.projection';
export type { CustomerProfileRow } from './projections/customer-profile.projection';
export {
  CUSTOMER_TIMELINE,
  customerTimelineProjection,
} from './projections/customer-timeline.projection';
export type { TimelineRow } from './projections/customer-timeline.projection';
export { SURVEY_DAILY, surveyDailyProjection } from './projections/survey-daily.projection';
export type { SurveyDailyRow } from './projections/survey-daily.projection';
export {
  COMPLAINT_CASE,
  COMPLAINT_EVENT_TYPES,
  complaintCaseProjection,
} from './complaints/complaint-case.projection';
export type { ComplaintCaseRow } from './complaints/complaint-case.projection';
export {
  COMPLAINT_FOLLOWUP,
  complaintFollowupProjection,
} from './complaints/complaint-followup.projection';
export { customerTier, TIERS } from './rules/tier';
export type { Tier } from './rules/tier';
export { lifecycleStage, LIFECYCLE_STAGES, LIFECYCLE_RULES } from './rules/lifecycle';
export type { LifecycleStage } from './rules/lifecycle';
export { MIN_POSITION_HEADER } from './http/read-your-writes';
export { ChurnModel } from './churn/churn-model.service';
export type { BandRiseListener, BandRiseWriter, ChurnRefit } from './churn/churn-model.service';
export type { ChurnModelHeader } from './churn/sql/replaceChurnSnapshot';
export type { BandRise } from './churn/churn-scores';
export { RfmSnapshots } from './rfm/rfm-snapshots.service';
export { readModelMigrations, READ_MODELS_MIGRATION_SCOPE } from './migrations';
