import type { Migration } from '@touchline/database';
import { createAnalyticsViews } from './0001-create-analytics-views.migration';

export const READ_MODELS_MIGRATION_SCOPE = 'read-models';
export const readModelMigrations: Migration[] = [createAnalyticsViews];
