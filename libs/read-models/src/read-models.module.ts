import { Logger, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { DATABASE, type Database } from '@touchline/database';
import { EVENT_STORE, type EventStore } from '@touchline/event-store';
import { PostgresLogStats, ProjectionEngine, type EngineActivity } from '@touchline/projections';
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
import { ReadModelsLifecycle } from './read-models.lifecycle';

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
  inject: [DATABASE, EVENT_STORE],
  useFactory: async (db: Database, store: EventStore): Promise<ProjectionEngine> => {
    await ProjectionEngine.migrate(db.pool);
    return new ProjectionEngine({
      pool: db.pool,
      store,
      logStats: new PostgresLogStats(db.pool),
      projections: READ_MODEL_PROJECTIONS,
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
];

const controllers = [
  GetCustomerHttpController,
  GetCustomerTimelineHttpController,
  GetEmotionCurveHttpController,
  ListCustomersHttpController,
  GetSurveyTrendHttpController,
  ProjectionsOpsHttpController,
];

/**
 * Read models and the analyst query API: the projections (customer_profile, customer_timeline,
 * survey_daily) run on one ProjectionEngine over the process's database and store, the analytics
 * SQL views over them, the query routes (scope analyst) and the engine's ops routes (scope ops).
 */
@Module({
  imports: [CqrsModule],
  controllers,
  providers: [engine, ReadModelsLifecycle, MinPositionInterceptor, ...queryHandlers],
  exports: [ProjectionEngine],
})
export class ReadModelsModule {}
