import type { Migration } from '@touchline/database';
import { createCustomerKeys } from './0001-create-customer-keys.migration';

export const PRIVACY_MIGRATION_SCOPE = 'privacy';
export const privacyMigrations: Migration[] = [createCustomerKeys];
