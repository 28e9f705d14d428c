export { openDatabase, isConnectionError } from './database';
export type { Database, OpenDatabaseOptions } from './database';
export { startEmbeddedPostgres } from './embedded-postgres';
export type { EmbeddedPostgres } from './embedded-postgres';
export { runMigrations, MigrationChecksumError } from './migrations';
export type { Migration } from './migrations';
export { DatabaseModule, DATABASE } from './database.module';
