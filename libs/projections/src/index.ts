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
  IdentityRules,
  KeyContext,
  EvolveContext,
} from './projection.definition';
export { IdentityGraph } from './identity/identity-graph';
export type { IdentityChange, IdentityLink, IdentityMove } from './identity/identity-graph';
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
  PartitionMark,
  UnreadableRecord,
} from './source.port';
export { inProcessSource } from './sources/in-process.source';
export type { InProcessSourceOptions } from './sources/in-process.source';
export { kafkaSource, kafkaPartitionName } from './sources/kafka.source';
export type { KafkaSourceOptions, KafkaSourceFactory } from './sources/kafka.source';
export type { ProjectionStorage } from './storage/projection-storage.port';
export type { LogStats, Backlog } from './log-stats/log-stats.port';
export { PostgresLogStats } from './log-stats/postgres-log-stats';
export { projectInMemory } from './fold';
export type { DeadLetter, RowWrite } from './fold';
export type { DeadLetterRecord } from './sql/readDeadLetters';
export type { FailedEvent } from './sql/builds';
export { RowConflictError, UnknownProjectionError, RebuildNotCompletedError } from './errors';
export { projectionMigrations, PROJECTIONS_MIGRATION_SCOPE } from './migrations';
