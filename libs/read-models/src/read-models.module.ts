import { Logger, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { DATABASE, type Database } from '@touchline/database';
import { EVENT_STORE, type EventStore } from '@touchline/event-store';
import { DecryptingEventStore, PersonalDataVault, PrivacyModule } from '@touchline/privacy';
import { PostgresLogStats, ProjectionEngine, type EngineActivity } from '@touchline/projections';
import { GetComplaintServiceLevelsHandler } from './complaints/get-complaint-service-levels/get-complaint-service-levels.handler';
import { GetComplaintServiceLevelsHttpController } from './complaints/get-complaint-service-levels/get-complaint-service-levels.http.controller';
import { MinPositionInterceptor } from './http/read-your-writes';
import { ProjectionsOpsHttpController } from './ops/projections-ops.http.controller';
import { READ_MODEL_PROJECTIONS } from './projections/read-model-projections';
import { GetCustomerTimelineHandler } from './queries/get-customer-timeline/get-customer-timeline.handler';
import { GetCustomerTimelineHttpController } from './queries/get-customer-timeline/get-customer-timeline.http.controller';
import { GetCustomerHandler } from './queries/get-customer/get-customer.handler';
import { GetCustomerHttpController } from './queries/get-customer/get-customer.http.controller';
import { GetEmotionCurveHandler } from './queries/get-emotion-curve/get-emotion-curve.handler';
import { GetEmotionCurveHttpController } from './queries/get-emotion-curve/get-emotion-curve.http.controller';
import { GetSurveyTrendHandler } from './queries/get-survey-trend/get-survey-trend.handler';
import { GetSurveyTrendHttpController } from './queries/get-survey-trend/get-survey-trend.http.controller';
import { ListCustomersHandler } from './queries/list-customers/list-customers.handler';
import { ListCustomersHttpController } from './queries/list-customers/list-customers.http.controller';
import { ChurnModel } from './churn/churn-model.service';
import { RefitChurnModelHandler } from './churn/commands/refit-churn-model/refit-churn-model.handler';
import { RefitChurnModelHttpController } from './churn/commands/refit-churn-model/refit-churn-model.http.controller';
import { GetChurnModelHandler } from './churn/queries/get-churn-model/get-churn-model.handler';
import { GetChurnModelHttpController } from './churn/queries/get-churn-model/get-churn-model.http.controller';
import { ListChurnRisksHandler } from './churn/queries/list-churn-risks/list-churn-risks.handler';
import { ListChurnRisksHttpController } from './churn/queries/list-churn-risks/list-churn-risks.http.controller';
import { RecomputeRfmHandler } from './rfm/commands/recompute-rfm/recompute-rfm.handler';
import { RecomputeRfmHttpController } from './rfm/commands/recompute-rfm/recompute-rfm.http.controller';
import { GetRfmDistributionHandler } from './rfm/queries/get-rfm-distribution/get-rfm-distribution.handler';
import { GetRfmDistributionHttpController } from './rfm/queries/get-rfm-distribution/get-rfm-distribution.http.controller';
import { ListRfmCustomersHandler } from './rfm/queries/list-rfm-customers/list-rfm-customers.handler';
import { ListRfmCustomersHttpController } from './rfm/queries/list-rfm-customers/list-rfm-customers.http.controller';
import { RfmSnapshots } from './rfm/rfm-snapshots.service';
import { SnapshotJobs } from './snapshots/snapshot-jobs';
import { ReadModelsLifecycle } from './read-models.lifecycle';
import { ProjectionFeed } from './projection-feed';

const logger = new Logger('ReadModels');

/** The engine reports; the application logs (the library itself never does). */
function logActivity(activity: EngineActivity): void {
  if (activity.type === 'error') {
    logger.warn(
      `Projection ${activity.projection ?? '-'} ${activity.phase}: ${String((activity.error as Error)?.message ?? activity.error)}`,
    );
  } else if (activity.type === 'poison') {
    logger.warn(
      `Projection ${activity.projection} ${activity.policy} event ${activity.eventId} (${activity.streamId}@${activity.revision}): ${activity.reason}`,
    );
  } else if (activity.type === 'switched' || activity.type === 'rebuild-started') {
    logger.log(`Projection ${activity.projection}: ${activity.type}`);
  }
}

const engine = {
  provide: ProjectionEngine,
  inject: [DATABASE, EVENT_STORE, PersonalDataVault, ProjectionFeed],
  useFactory: async (
    db: Database,
    store: EventStore,
    vault: PersonalDataVault,
    feed: ProjectionFeed,
  ): Promise<ProjectionEngine> => {
    await ProjectionEngine.migrate(db.pool);
    return new ProjectionEngine({
      pool: db.pool,
      // Projections read personal fields (sentiment of free text) and store none (docs/privacy.md).
      store: new DecryptingEventStore(store, vault),
      logStats: new PostgresLogStats(db.pool),
      projections: READ_MODEL_PROJECTIONS,
      // The kafka profile's consumer groups; otherwise the in-process feed.
      liveSource: feed.liveSource,
      observer: logActivity,
    });
  },
};

const queryHandlers = [
  GetCustomerHandler,
  GetCustomerTimelineHandler,
  GetEmotionCurveHandler,
  ListCustomersHandler,
  GetSurveyTrendHandler,
  GetRfmDistributionHandler,
  ListRfmCustomersHandler,
  GetChurnModelHandler,
  ListChurnRisksHandler,
  GetComplaintServiceLevelsHandler,
];

const commandHandlers = [RecomputeRfmHandler, RefitChurnModelHandler];

/** The RFM and churn snapshots and their schedules (ChurnModel is exported for band rises). */
const snapshots = [RfmSnapshots, ChurnModel, SnapshotJobs];

const controllers = [
  GetCustomerHttpController,
  GetCustomerTimelineHttpController,
  GetEmotionCurveHttpController,
  ListCustomersHttpController,
  GetSurveyTrendHttpController,
  GetRfmDistributionHttpController,
  ListRfmCustomersHttpController,
  RecomputeRfmHttpController,
  GetChurnModelHttpController,
  ListChurnRisksHttpController,
  RefitChurnModelHttpController,
  GetComplaintServiceLevelsHttpController,
  ProjectionsOpsHttpController,
];

/**
 * Read models and the analyst query API: the projections (customer_profile, customer_timeline,
 * survey_daily) run on one ProjectionEngine over the process's database and store, the analytics
 * SQL views over them, the query routes (scope analyst) and the engine's ops routes (scope ops).
 */
@Module({
  imports: [CqrsModule, PrivacyModule],
  controllers,
  providers: [
    ProjectionFeed,
    engine,
    ReadModelsLifecycle,
    MinPositionInterceptor,
    ...queryHandlers,
    ...commandHandlers,
    ...snapshots,
  ],
  exports: [ProjectionEngine, ChurnModel],
})
export class ReadModelsModule {}
