import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { ConfigError, loadConfig } from '@touchline/config';
import { jsonBodyParser } from '@touchline/ingest';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';

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
  // Nest's default parsers stop at 100 kB, pass invalid UTF-8 through as U+FFFD and answer their
  // failures tersely; jsonBodyParser allows 1 MB, refuses non-UTF-8 and explains (413, 400, 415).
  const app = await NestFactory.create(AppModule.forRoot(config), {
    bufferLogs: true,
    bodyParser: false,
  });
  app.use(jsonBodyParser());
  const logger = app.get(Logger);
  app.useLogger(logger);
  const openapi = new DocumentBuilder()
    .setTitle('touchline')
    .setDescription('Event-sourced customer journeys: touchpoints in, journeys and analytics out.')
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'An API key' })
    .build();
  SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, openapi), {
    jsonDocumentUrl: 'docs/openapi.json',
  });
  await app.listen(config.port);
  // SIGTERM/SIGINT: stop taking requests, let queued appends commit, stop subscriptions, close
  // the database (the embedded one flushes its files), then exit 0.
  let stopping = false;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      if (stopping) return;
      stopping = true;
      logger.log(`${signal} received, shutting down`, 'Bootstrap');
      app
        .close()
        .then(() => process.exit(0))
        .catch((error: unknown) => {
          logger.error(`Shutdown failed: ${String(error)}`, 'Bootstrap');
          process.exit(1);
        });
    });
  }
  const where =
    config.profile === 'embedded'
      ? `embedded PostgreSQL in ${config.dataDir}`
      : `profile ${config.profile}`;
  const url = `http://localhost:${config.port}`;
  logger.log(
    `touchline listening on ${url} (${where}); API docs at ${url}/docs, ` +
      `dashboard at ${url}/dashboard, metrics at ${url}/metrics (ops key)`,
    'Bootstrap',
  );
}

void bootstrap();
