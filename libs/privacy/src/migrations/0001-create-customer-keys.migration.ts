import type { Migration } from '@touchline/database';

/**
 * The data keys of data subjects (a customer or an anonymous visitor: one per stream, see
 * docs/privacy.md). Shipped: never edit, add a new migration.
 *
 * - wrapped_key: the data key encrypted (AES-256-GCM) by the master key master_key_id, which lives
 *   in configuration only. Erasure sets wrapped_key and master_key_id to NULL and keeps the row as
 *   a tombstone (which key, whose, when destroyed), so the events it encrypted read as erased.
 * - One live key per subject; after erasure a new event of the subject gets a new key.
 */
export const createCustomerKeys: Migration = {
  version: 1,
  name: 'create_customer_keys',
  sql: `
CREATE SCHEMA IF NOT EXISTS privacy;

CREATE TABLE privacy.customer_keys (
  key_id         uuid PRIMARY KEY,
  subject        text NOT NULL,          -- the stream whose personal data it encrypts
  wrapped_key    bytea,                  -- NULL once destroyed
  master_key_id  text,                   -- NULL once destroyed
  created_at     timestamptz NOT NULL DEFAULT now(),
  rewrapped_at   timestamptz,
  destroyed_at   timestamptz,
  CONSTRAINT customer_keys_live_or_destroyed CHECK (
    (destroyed_at IS NULL AND wrapped_key IS NOT NULL AND master_key_id IS NOT NULL) OR
    (destroyed_at IS NOT NULL AND wrapped_key IS NULL AND master_key_id IS NULL))
);

CREATE UNIQUE INDEX customer_keys_live_subject ON privacy.customer_keys (subject)
  WHERE destroyed_at IS NULL;
CREATE INDEX customer_keys_master ON privacy.customer_keys (master_key_id, key_id)
  WHERE destroyed_at IS NULL;
`,
};
