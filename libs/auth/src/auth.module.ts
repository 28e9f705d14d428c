import { Global, Logger, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { TOUCHLINE_CONFIG, type TouchlineConfig } from '@touchline/config';
import { ApiKeyRegistry, generateAdminKey } from './api-key-registry';
import { API_KEY_REGISTRY, ApiKeyGuard } from './api-key.guard';

/**
 * API keys and the global guard. Outside the embedded profile configuration validation already
 * refused to start without keys; the embedded profile, when none is configured, generates an
 * admin key for this run and prints it, so a newcomer can call the API at once.
 */
@Global()
@Module({
  providers: [
    {
      provide: API_KEY_REGISTRY,
      inject: [TOUCHLINE_CONFIG],
      useFactory: (config: TouchlineConfig) => {
        if (config.apiKeys.length > 0) return new ApiKeyRegistry(config.apiKeys);
        const generated = generateAdminKey();
        new Logger('Auth').warn(
          `No API keys configured: generated an admin key for this run: ${generated.secret} ` +
            '(set TOUCHLINE_API_KEYS to choose your own)',
        );
        return new ApiKeyRegistry([generated.config]);
      },
    },
    { provide: APP_GUARD, useClass: ApiKeyGuard },
  ],
  exports: [API_KEY_REGISTRY],
})
export class AuthModule {}
