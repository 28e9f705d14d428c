import type { Migration } from '@touchline/database';
import { createAlerts } from './0001-create-alerts.migration';

export const ALERTS_MIGRATION_SCOPE = 'alerts';
export const alertsMigrations: Migration[] = [createAlerts];
