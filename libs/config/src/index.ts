export { loadConfig, ConfigError, LOG_LEVELS } from './config';
export type { TouchlineConfig, RuntimeProfile, LogLevel } from './config';
export { ConfigModule, TOUCHLINE_CONFIG } from './config.module';
export { parseApiKeys, hashSecret, SCOPES } from './api-keys';
export type { ApiKeyConfig, Scope } from './api-keys';
