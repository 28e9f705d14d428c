import type { Migration } from '@touchline/database';
import { createEventStore } from './0001-create-event-store.migration';
import { storePersonalPart } from './0002-store-personal-part.migration';

export const EVENT_STORE_MIGRATION_SCOPE = 'event-store';
export const eventStoreMigrations: Migration[] = [createEventStore, storePersonalPart];
