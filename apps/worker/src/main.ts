import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { ConfigError, loadConfig } from '@touchline/config';
import { Logger } from 'nestjs-pino';
import { startHealthServer, workerParts, workerStatus } from './worker-health';
import { WorkerModule } from './worker.module';

async function bootstrap(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  if (config.profile === 'embedded' || config.profile === 'eventstoredb') {
    process.stderr.write(
      config.profile === 'embedded'
        ? 'The worker needs a PostgreSQL server (DATABASE_URL): the embedded database belongs to the API process, which runs the projections itself.\n'
        : 'The worker does not run in the eventstoredb profile yet: the projection engine needs a LogStats for EventStoreDB.\n',
    );
    process.exit(78);
  }
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), {
    bufferLogs: true,
  });
  const logger = app.get(Logger);
  app.useLogger(logger);
  const parts = workerParts(app, Boolean(config.kafkaBrokers));
  const server = await startHealthServer(config.port, () => workerStatus(parts));

  // SIGTERM/SIGINT: stop answering, stop the projections after their batch in hand (and the relay,
  // releasing its lock), close the database, exit 0.
  let stopping = false;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      if (stopping) return;
      stopping = true;
      logger.log(`${signal} received, shutting down`, 'Worker');
      server.close();
      app
        .close()
        .then(() => process.exit(0))
        .catch((error: unknown) => {
          logger.error(`Shutdown failed: ${String(error)}`, 'Worker');
          process.exit(1);
        });
    });
  }
  logger.log(
    `touchline worker running projections (${config.kafkaBrokers ? 'Kafka consumer groups on touchline.journey.v1, and the relay' : 'in-process feed'}; profile ${config.profile}); health at http://localhost:${config.port}/health/ready`,
    'Worker',
  );
}

void bootstrap();
