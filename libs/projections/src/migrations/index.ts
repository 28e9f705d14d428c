import type { Migration } from '@touchline/database';
import { createProjectionEngine } from './0001-create-projection-engine.migration';

export const PROJECTIONS_MIGRATION_SCOPE = 'projections';
export const projectionMigrations: Migration[] = [createProjectionEngine];
