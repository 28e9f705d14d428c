import { Global, Module } from '@nestjs/common';
import { loadConfig, type TouchlineConfig } from './config';

export const TOUCHLINE_CONFIG = Symbol('TOUCHLINE_CONFIG');

/** Provides the validated configuration; loadConfig has already rejected any wrong value. */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: TouchlineConfig = loadConfig()) {
    return {
      module: ConfigModule,
      providers: [{ provide: TOUCHLINE_CONFIG, useValue: config }],
      exports: [TOUCHLINE_CONFIG],
    };
  }
}
