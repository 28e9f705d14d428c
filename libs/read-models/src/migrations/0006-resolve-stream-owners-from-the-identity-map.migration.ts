import type { Migration } from '@touchline/database';

/**
 * analytics.stream_owners: every stream whose events count for a customer other than its own
 * stream's (an anonymous visitor's stream a customer claimed, an earlier id's, a merged
 * duplicate's), with that customer, the end of its chain of links. Read from the engine's identity
 * map of the live customer_profile build (projections.identity_links, docs/projections.md
 * "Identity"): the map the profile was folded with, so the view names the customer whose profile
 * row counts the stream's events. The profile's id lists cannot say it: an anonymous id claimed by
 * a second customer moves to that one, but the first one's `linkedAnonymousIds` (folded from its
 * own identity.linked) still lists it.
 *
 * It follows the live build through a rebuild's switch, which re-points the registry and deletes
 * the old build's links in one transaction. A stream absent from the view counts for its own
 * customer (`customer-<id>`) or, for an anonymous stream, for no one. The engine refuses cycles;
 * were there one, its streams (no root) would be left out, not followed forever.
 * Shipped once released: never edit, add a new migration.
 */
export const resolveStreamOwnersFromTheIdentityMap: Migration = {
  version: 6,
  name: 'resolve_stream_owners_from_the_identity_map',
  sql: `
CREATE VIEW analytics.stream_owners AS
WITH RECURSIVE links AS (
  SELECT l.alias, l.parent
    FROM projections.identity_links l
    JOIN projections.registry r ON r.name = l.name AND r.live_generation = l.generation
   WHERE l.name = 'customer_profile'
),
chains (stream_id, owner) AS (
  -- From each root (a stream linked to no other) down to every stream that counts for it.
  SELECT l.alias, l.parent FROM links l
   WHERE NOT EXISTS (SELECT 1 FROM links p WHERE p.alias = l.parent)
  UNION ALL
  SELECT l.alias, c.owner FROM chains c JOIN links l ON l.parent = c.stream_id
)
SELECT stream_id, substr(owner, length('customer-') + 1) AS customer_id
  FROM chains
 WHERE left(owner, length('customer-')) = 'customer-';
`,
};
