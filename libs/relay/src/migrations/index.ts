import type { Migration } from '@touchline/database';
import { createRelay } from './0001-create-relay.migration';

export const RELAY_MIGRATION_SCOPE = 'relay';
export const relayMigrations: Migration[] = [createRelay];
