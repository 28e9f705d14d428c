export { ProjectionEngine } from './projection-engine';
export type { ProjectionEngineOptions, SourceFactory } from './projection-engine';
export { defineProjection } from './projection.definition';
export type {
  ProjectionDefinition,
  AnyProjection,
  PoisonPolicy,
  ProjectionTable,
  JsonbTable,
  JsonbIndex,
} from './projection.definition';
export type {
  ProjectionStatus,
  ProjectionState,
  BuildProgress,
  PositionWaitResult,
  RebuildStarted,
} from './projection-status';
export type { EngineActivity, ActivityObserver } from './activity';
export { ALL_PARTITION } from './source.port';
export type {
  ProjectionSource,
  SourceConsumer,
  SourceHandle,
  SourceBatch,
  SourceRecord,
  BatchOutcome,
} from './source.port';
export { inProcessSource } from './sources/in-process.source';
export type { InProcessSourceOptions } from './sources/in-process.source';
export type { ProjectionStorage } from './storage/projection-storage.port';
export type { LogStats, Backlog } from './log-stats/log-stats.port';
export { PostgresLogStats } from './log-stats/postgres-log-stats';
export { projectInMemory } from './fold';
export type { DeadLetter, RowWrite } from './fold';
export type { DeadLetterRecord } from './sql/readDeadLetters';
export type { FailedEvent } from './sql/builds';
export { RowConflictError, UnknownProjectionError, RebuildNotCompletedError } from './errors';
export { projectionMigrations, PROJECTIONS_MIGRATION_SCOPE } from './migrations';
