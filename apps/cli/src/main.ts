import 'reflect-metadata';
import { ConfigError, type TouchlineConfig } from '@touchline/config';
import { CommandFactory } from 'nest-commander';
import { loadCliConfig } from './cli-config';
import { errorMessage, EXIT } from './cli-io';
import { CliModule } from './cli.module';
import { StderrLogger } from './stderr-logger';

/**
 * `touchline <command>`: operations on the event store (replay, verify), through the same
 * libraries and configuration as the API. Each action is recorded in the ops-audit stream under
 * the operating-system user. Exit codes: 0 done and intact, 2 a broken hash chain, 1 an error.
 */
async function main(): Promise<void> {
  let config: TouchlineConfig;
  try {
    config = loadCliConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exitCode = 78; // EX_CONFIG, as the API
      return;
    }
    throw error;
  }
  await CommandFactory.run(CliModule.forRoot(config), {
    cliName: 'touchline',
    logger: new StderrLogger(),
    serviceErrorHandler: (error) => {
      process.stderr.write(`touchline: ${errorMessage(error)}\n`);
      process.exitCode = EXIT.error;
    },
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`touchline: ${errorMessage(error)}\n`);
  process.exitCode = EXIT.error;
});
