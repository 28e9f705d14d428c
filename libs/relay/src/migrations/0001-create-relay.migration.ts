import type { Migration } from '@touchline/database';

/**
 * The relay's own table. Shipped: never edit, add a new migration.
 *
 * checkpoints: one row per relay (by name, e.g. the topic it feeds).
 * - `checkpoint`: the store checkpoint of the last event Kafka acknowledged; NULL before the first.
 *   Only ever moved by the leader, compare-and-set against the value it read and its term.
 * - `term`: bumped by every instance that takes the lead (a fencing token): a checkpoint write
 *   carrying an older term is refused, so a deposed leader can never move the checkpoint.
 * - `leader`, `leader_since`: who took the current term, and when; for operators.
 */
export const createRelay: Migration = {
  version: 1,
  name: 'create_relay',
  sql: `
CREATE SCHEMA IF NOT EXISTS relay;

CREATE TABLE relay.checkpoints (
  name          text PRIMARY KEY,
  checkpoint    text,
  updated_at    timestamptz NOT NULL DEFAULT now(),
  term          bigint NOT NULL DEFAULT 0,
  leader        text,
  leader_since  timestamptz
);
`,
};
