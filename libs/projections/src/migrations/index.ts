import type { Migration } from '@touchline/database';
import { createProjectionEngine } from './0001-create-projection-engine.migration';
import { createIdentityLinks } from './0002-create-identity-links.migration';

export const PROJECTIONS_MIGRATION_SCOPE = 'projections';
export const projectionMigrations: Migration[] = [createProjectionEngine, createIdentityLinks];
