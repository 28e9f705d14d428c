export { loadConfig, ConfigError, LOG_LEVELS } from './config';
export type { TouchlineConfig, RuntimeProfile, LogLevel, TierThresholds } from './config';
export { ConfigModule, TOUCHLINE_CONFIG } from './config.module';
export { parseApiKeys, hashSecret, SCOPES } from './api-keys';
export type { ApiKeyConfig, Scope } from './api-keys';
export {
  parseSegmentMappingFile,
  segmentEventKey,
  SEGMENT_COERCIONS,
  SEGMENT_PATH_ROOTS,
} from './segment-mapping';
export type {
  SegmentMappingConfig,
  SegmentEventRule,
  SegmentValueSource,
  SegmentCoercion,
} from './segment-mapping';
export { parseMasterKeys } from './master-keys';
export type { MasterKeyConfig, MasterKeysConfig } from './master-keys';
export {
  parseAlertsConfig,
  parseResponseTargets,
  RESPONSE_TARGET_SEVERITIES,
  RESPONSE_TARGET_TIERS,
} from './alerts-config';
export type { AlertsConfig, ResponseTargets, TargetSeverity, TargetTier } from './alerts-config';
