import type { Migration } from '@touchline/database';

/**
 * The projection engine's own tables. Shipped: never edit, add a new migration.
 *
 * - registry: one row per projection; `live_generation` names the build that queries read (the
 *   view projections.<name> points at its table). `last_generation` only grows, so a build's
 *   table name is never reused.
 * - builds: one row per physical copy of a projection, the live one and at most one being rebuilt
 *   beside it. `state` is what should happen to it (running, stopped by an operator, failed on a
 *   poison event under the 'stop' policy). `target_position` is the head of the log when a rebuild
 *   began: it never switches before reaching it.
 * - checkpoints: per build and source partition ('$all' for the in-process feed, one per Kafka
 *   partition), the source's cursor and the store position of the last applied event, written in
 *   the transaction that wrote the rows. Deleted with their build.
 * - dead_letters: events a 'dead-letter' projection could not apply, with the reason.
 */
export const createProjectionEngine: Migration = {
  version: 1,
  name: 'create_projection_engine',
  sql: `
CREATE SCHEMA IF NOT EXISTS projections;

CREATE TABLE projections.registry (
  name             text PRIMARY KEY,
  live_generation  integer NOT NULL,
  last_generation  integer NOT NULL,
  switched_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE projections.builds (
  name             text NOT NULL REFERENCES projections.registry (name),
  generation       integer NOT NULL,
  version          integer NOT NULL,
  storage          text NOT NULL,
  table_name       text NOT NULL UNIQUE,
  state            text NOT NULL DEFAULT 'running' CHECK (state IN ('running', 'stopped', 'failed')),
  target_position  text,
  last_error       text,
  last_error_at    timestamptz,
  failed_event     jsonb,
  created_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (name, generation)
);

CREATE TABLE projections.checkpoints (
  name              text NOT NULL,
  generation        integer NOT NULL,
  source_partition  text NOT NULL,
  source_cursor     text,
  applied_position  text,
  last_recorded_at  timestamptz,
  moved_at          timestamptz,
  PRIMARY KEY (name, generation, source_partition),
  FOREIGN KEY (name, generation) REFERENCES projections.builds (name, generation) ON DELETE CASCADE
);

CREATE TABLE projections.dead_letters (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  projection       text NOT NULL,
  version          integer NOT NULL,
  generation       integer NOT NULL,
  event_id         uuid NOT NULL,
  event_type       text NOT NULL,
  stream_id        text NOT NULL,
  stream_revision  bigint NOT NULL,
  position         text NOT NULL,
  reason           text NOT NULL,
  recorded_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (projection, generation, event_id)
);
`,
};
