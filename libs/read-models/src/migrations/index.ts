import type { Migration } from '@touchline/database';
import { createAnalyticsViews } from './0001-create-analytics-views.migration';
import { createRfmAndChurnSnapshots } from './0002-create-rfm-and-churn-snapshots.migration';
import { createComplaintCasesView } from './0003-create-complaint-cases-view.migration';
import { exposeCanonicalCustomerIds } from './0004-expose-canonical-customer-ids.migration';
import { joinComplaintFollowupsByIdentity } from './0005-join-complaint-followups-by-identity.migration';
import { resolveStreamOwnersFromTheIdentityMap } from './0006-resolve-stream-owners-from-the-identity-map.migration';

export const READ_MODELS_MIGRATION_SCOPE = 'read-models';
export const readModelMigrations: Migration[] = [
  createAnalyticsViews,
  createRfmAndChurnSnapshots,
  createComplaintCasesView,
  exposeCanonicalCustomerIds,
  joinComplaintFollowupsByIdentity,
  resolveStreamOwnersFromTheIdentityMap,
];
