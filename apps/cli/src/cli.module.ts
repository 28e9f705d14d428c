import { Module, type DynamicModule } from '@nestjs/common';
import { ConfigModule, type TouchlineConfig } from '@touchline/config';
import { DatabaseModule } from '@touchline/database';
import { EventStoreModule } from '@touchline/event-store';
import { OpsModule } from '@touchline/ops';
import { CLI_ACTOR, CLI_IO, osActor, processIo } from './cli-io';
import { ReplayCommand } from './commands/replay.command';
import { VerifyCommand } from './commands/verify.command';
import { ProgramName } from './program-name';

const commands = [ReplayCommand, VerifyCommand];

/** The ops CLI: the API's libraries and configuration, commands instead of controllers. */
@Module({})
export class CliModule {
  static forRoot(config: TouchlineConfig): DynamicModule {
    return {
      module: CliModule,
      imports: [ConfigModule.forRoot(config), DatabaseModule, EventStoreModule, OpsModule],
      providers: [
        ...commands,
        ProgramName,
        { provide: CLI_IO, useFactory: processIo },
        { provide: CLI_ACTOR, useFactory: osActor },
      ],
    };
  }
}
