import type { Migration } from '@touchline/database';
import { createProjectionEngine } from './0001-create-projection-engine.migration';
import { createIdentityLinks } from './0002-create-identity-links.migration';
import { indexIdentityLinksByParent } from './0003-index-identity-links-by-parent.migration';

export const PROJECTIONS_MIGRATION_SCOPE = 'projections';
export const projectionMigrations: Migration[] = [
  createProjectionEngine,
  createIdentityLinks,
  indexIdentityLinksByParent,
];
