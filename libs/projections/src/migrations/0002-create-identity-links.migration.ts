import type { Migration } from '@touchline/database';

/**
 * The identity map of identity-aware projections (docs/projections.md, "Identity"), per build:
 * the stream `alias` counts for the stream `parent` since the event at `position`. Written in the
 * batch's transaction, like the rows; deleted with its build. A stream has at most one parent;
 * following parents ends at the canonical stream. The index on parent finds what is linked to a
 * stream (a group's members).
 */
export const createIdentityLinks: Migration = {
  version: 2,
  name: 'create_identity_links',
  sql: `
CREATE TABLE projections.identity_links (
  name        text NOT NULL,
  generation  integer NOT NULL,
  alias       text NOT NULL,
  parent      text NOT NULL,
  position    text NOT NULL,
  PRIMARY KEY (name, generation, alias),
  FOREIGN KEY (name, generation) REFERENCES projections.builds (name, generation) ON DELETE CASCADE
);

CREATE INDEX identity_links_parent ON projections.identity_links (name, generation, parent);
`,
};
