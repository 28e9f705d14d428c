import { Global, Logger, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { TOUCHLINE_CONFIG, type TouchlineConfig } from '@touchline/config';
import { ApiKeyRegistry } from './api-key-registry';
import { API_KEY_REGISTRY, ApiKeyGuard } from './api-key.guard';
import { embeddedAdminKey } from './embedded-admin-key';

/**
 * API keys and the global guard. Outside the embedded profile configuration validation already
 * refused to start without keys; the embedded profile, when none is configured, uses an admin key
 * kept in its data directory, generated and printed on the first start so a newcomer can call the
 * API at once; later starts print only where it is kept, and `npm run demo` reads it from there.
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
        // The secret is printed once, when it is made: logs are shipped and kept, and a key
        // repeated on every start would be a long-lived admin credential in all of them.
        new Logger('Auth').warn(
          key.generated
            ? `No API keys configured: generated the admin key ${key.secret}, kept in ${key.file} ` +
                '(printed only now; set TOUCHLINE_API_KEYS to choose your own)'
            : `No API keys configured: using the admin key kept in ${key.file} ` +
                '(set TOUCHLINE_API_KEYS to choose your own)',
        );
        return new ApiKeyRegistry([key.config]);
      },
    },
    { provide: APP_GUARD, useClass: ApiKeyGuard },
  ],
  exports: [API_KEY_REGISTRY],
})
export class AuthModule {}
