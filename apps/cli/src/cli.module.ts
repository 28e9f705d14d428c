import { Module, type DynamicModule } from '@nestjs/common';
import { ConfigModule, type TouchlineConfig } from '@touchline/config';
import { DatabaseModule } from '@touchline/database';
import { EventStoreModule } from '@touchline/event-store';
import { OpsModule } from '@touchline/ops';
import { READ_MODEL_PROJECTIONS } from '@touchline/read-models';
import { CLI_ACTOR, CLI_IO, osActor, processIo } from './cli-io';
import { EraseCommand } from './commands/erase.command';
import { ExportCommand } from './commands/export.command';
import { KeysCommand, KeysRotateCommand } from './commands/keys.command';
import { MergeCommand, UnmergeCommand } from './commands/merge.command';
import { ReplayCommand } from './commands/replay.command';
import { VerifyCommand } from './commands/verify.command';
import {
  CLI_PROJECTION_NAMES,
  ProjectionsCommand,
  ProjectionsRebuildCommand,
  ProjectionsStatusCommand,
} from './commands/projections.command';
import { cliProjectionEngine } from './projection-engine.provider';
import { ProgramName } from './program-name';

const commands = [
  ReplayCommand,
  VerifyCommand,
  EraseCommand,
  ExportCommand,
  KeysCommand,
  KeysRotateCommand,
  MergeCommand,
  UnmergeCommand,
  ProjectionsCommand,
  ProjectionsStatusCommand,
  ProjectionsRebuildCommand,
];

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
        cliProjectionEngine,
        { provide: CLI_PROJECTION_NAMES, useValue: READ_MODEL_PROJECTIONS.map((p) => p.name) },
        { provide: CLI_IO, useFactory: processIo },
        { provide: CLI_ACTOR, useFactory: osActor },
      ],
    };
  }
}
