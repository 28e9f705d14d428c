export { AuthModule } from './auth.module';
export { ApiKeyGuard, API_KEY_REGISTRY } from './api-key.guard';
export type { AuthenticatedRequest } from './api-key.guard';
export { ApiKeyRegistry, hasScope, generateAdminKey } from './api-key-registry';
export type { ApiKey } from './api-key-registry';
export { RateLimiter } from './rate-limiter';
export { RequireScope, Public } from './scopes.decorator';
