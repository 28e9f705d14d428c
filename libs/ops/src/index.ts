export { OpsModule } from './ops.module';
export { OpsService, OPS_UPCAST, OPS_SEAL_PERSONAL } from './ops.service';
export type { JourneyWindow } from './ops.service';
export { HashChainUnavailableError } from './errors';
export { parseInstant, INSTANT_FORMAT } from './instant';
export type { InstantParse } from './instant';

export { checkChain } from './verify-chain/check-chain';
export type {
  BreakReason,
  BrokenLink,
  StreamVerification,
  HeadReadings,
} from './verify-chain/check-chain';
export { verifyStream } from './verify-chain/verify-stream';
export type { VerifyStreamOptions } from './verify-chain/verify-stream';
export { verifyAll } from './verify-chain/verify-all';
export type {
  VerifyAllOptions,
  VerifyProgress,
  StoreVerification,
} from './verify-chain/verify-all';
export { OPS_STREAM_HEADS } from './verify-chain/stream-heads.port';
export type { StreamHead, StreamHeads } from './verify-chain/stream-heads.port';
export { PostgresStreamHeads } from './verify-chain/postgres-stream-heads.adapter';

export {
  recordMerge,
  checkMergeRequest,
  MergeRefusedError,
} from './merge-customers/merge-customers';
export type {
  MergeKind,
  MergeRequest,
  MergeResult,
  SealPersonalData,
} from './merge-customers/merge-customers';
export { resolveIdentityGroup, identityChangesOf } from './merge-customers/identity-links';
export type { IdentityGroup } from './merge-customers/identity-links';
export { replayJourney } from './replay-journey/replay-journey';
export type {
  ReplayJourneyOptions,
  JourneyReplay,
  ReplayedEvent,
  Upcast,
} from './replay-journey/replay-journey';
export {
  OPS_JOURNEY_STREAMS,
  ownStreamOnly,
  linkedStreams,
  customerStreamId,
} from './replay-journey/journey-streams';
export type { JourneyStreams } from './replay-journey/journey-streams';

export {
  recordOpsAction,
  listAudit,
  OPS_AUDIT_STREAM,
  OPS_ACTION_EVENT_TYPE,
} from './audit/ops-audit';
export type {
  OpsActor,
  OpsAction,
  OpsOutcome,
  OpsActionRecord,
  AuditEntry,
  AuditPage,
  ListAuditOptions,
} from './audit/ops-audit';

export {
  eraseCustomer,
  checkErasureRequest,
  CUSTOMER_ERASED_EVENT_TYPE,
} from './erase-customer/erase-customer';
export type { CustomerErasure, ErasureRequest } from './erase-customer/erase-customer';
export { exportCustomer } from './export-customer/export-customer';
export type { CustomerExport } from './export-customer/export-customer';
export { ErasureRequestConflictError } from './errors';
export type { OpenPersonalData, PersonalDataState } from './replay-journey/replay-journey';
