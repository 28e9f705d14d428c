import type { Migration } from '@touchline/database';
import { createEventStore } from './0001-create-event-store.migration';

export const EVENT_STORE_MIGRATION_SCOPE = 'event-store';
export const eventStoreMigrations: Migration[] = [createEventStore];
