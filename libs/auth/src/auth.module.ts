import { Global, Logger, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { TOUCHLINE_CONFIG, type TouchlineConfig } from '@touchline/config';
import { ApiKeyRegistry } from './api-key-registry';
import { API_KEY_REGISTRY, ApiKeyGuard } from './api-key.guard';
import { embeddedAdminKey } from './embedded-admin-key';

/**
 * API keys and the global guard. Outside the embedded profile configuration validation already
 * refused to start without keys; the embedded profile, when none is configured, uses an admin key
 * kept in its data directory (generated on the first start) and prints it, so a newcomer can call
 * the API at once and `npm run demo` finds it.
 */
@Global()
@Module({
  providers: [
    {
      provide: API_KEY_REGISTRY,
      inject: [TOUCHLINE_CONFIG],
      useFactory: (config: TouchlineConfig) => {
        if (config.apiKeys.length > 0) return new ApiKeyRegistry(config.apiKeys);
        const key = embeddedAdminKey(config.dataDir);
        new Logger('Auth').warn(
          `No API keys configured: ${key.generated ? 'generated' : 'using'} the admin key ` +
            `${key.secret} (kept in ${key.file}; set TOUCHLINE_API_KEYS to choose your own)`,
        );
        return new ApiKeyRegistry([key.config]);
      },
    },
    { provide: APP_GUARD, useClass: ApiKeyGuard },
  ],
  exports: [API_KEY_REGISTRY],
})
export class AuthModule {}
