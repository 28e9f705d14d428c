import type { Migration } from '@touchline/database';

/**
 * Schema `alerts`: the alerts themselves (unique by their deterministic id: once per occurrence),
 * the outbox of their deliveries (one row per alert and target, with state and retries), the
 * detector's checkpoint in the global log, and the complaints it watches for a first response.
 * Shipped: never edit, add a new migration.
 */
export const createAlerts: Migration = {
  version: 1,
  name: 'create_alerts',
  sql: `
CREATE SCHEMA IF NOT EXISTS alerts;

CREATE TABLE alerts.alerts (
  id           text PRIMARY KEY,
  seq          bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  kind         text NOT NULL,
  customer_id  text NOT NULL,
  occurred_at  timestamptz NOT NULL,
  raised_at    timestamptz NOT NULL,
  reasons      jsonb NOT NULL,
  data         jsonb NOT NULL
);
CREATE INDEX alerts_kind_seq ON alerts.alerts (kind, seq);
CREATE INDEX alerts_customer_seq ON alerts.alerts (customer_id, seq);
CREATE INDEX alerts_raised_at ON alerts.alerts (raised_at);

CREATE TABLE alerts.deliveries (
  alert_id        text NOT NULL REFERENCES alerts.alerts (id) ON DELETE CASCADE,
  target          text NOT NULL,
  state           text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'failed')),
  attempts        integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL,
  leased_until    timestamptz,
  last_error      text,
  delivered_at    timestamptz,
  PRIMARY KEY (alert_id, target)
);
CREATE INDEX deliveries_due ON alerts.deliveries (next_attempt_at) WHERE state = 'pending';

CREATE TABLE alerts.checkpoints (
  name        text PRIMARY KEY,
  checkpoint  text,
  updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE alerts.complaint_watch (
  complaint_id      text PRIMARY KEY,
  customer_id       text NOT NULL,
  severity          text,
  channel           text,
  category          text,
  opened_at         timestamptz NOT NULL,
  first_response_at timestamptz,
  resolved          boolean NOT NULL DEFAULT false,
  alerted           boolean NOT NULL DEFAULT false
);
CREATE INDEX complaint_watch_waiting ON alerts.complaint_watch (opened_at)
  WHERE first_response_at IS NULL AND NOT resolved AND NOT alerted;
`,
};
