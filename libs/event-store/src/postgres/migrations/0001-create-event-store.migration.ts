import type { Migration } from '@touchline/database';

/**
 * The event store's tables and its append function. Shipped: never edit, add a new migration.
 *
 * - events: one row per event. `transaction_id` beside `global_position` is what makes the global
 *   log gap-free for readers (see readAll.ts). `hash` chains each stream's events for tamper
 *   evidence; `personal` and `key_id` hold encrypted personal fields (envelope encryption).
 * - streams: one row per stream with its head revision and hash. Appends to one stream are
 *   serialised by an advisory lock on the stream, under which the expected revision is checked.
 * - append_batch: a group commit. Many appends (requests) to many streams in one statement and one
 *   transaction; each request keeps its own expected-revision and idempotency check, and a request
 *   that fails its check leaves the others untouched (an all-or-nothing caller rolls the
 *   transaction back when any request failed).
 */
export const createEventStore: Migration = {
  version: 1,
  name: 'create_event_store',
  sql: `
CREATE SCHEMA IF NOT EXISTS touchline;

CREATE TABLE touchline.streams (
  stream_id   text PRIMARY KEY,
  revision    bigint NOT NULL,           -- -1: no event yet
  last_hash   bytea NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE touchline.events (
  global_position  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  transaction_id   xid8 NOT NULL DEFAULT pg_current_xact_id(),
  stream_id        text NOT NULL,
  stream_revision  bigint NOT NULL,
  event_id         uuid NOT NULL,
  event_type       text NOT NULL,
  event_version    integer NOT NULL,
  data             jsonb NOT NULL,
  metadata         jsonb NOT NULL,
  occurred_at      timestamptz,
  recorded_at      timestamptz NOT NULL,
  content_digest   bytea NOT NULL,       -- sha256 of the content as the producer sent it: idempotency
  hash             bytea NOT NULL,       -- sha256(previous hash ‖ record digest ‖ revision ‖ recorded µs)
  personal         bytea,                -- encrypted personal fields (AES-256-GCM), if any
  key_id           text,                 -- which customer data key encrypted them
  CONSTRAINT events_stream_revision_key UNIQUE (stream_id, stream_revision),
  CONSTRAINT events_event_id_key UNIQUE (event_id)
);

CREATE INDEX events_global_order ON touchline.events (transaction_id, global_position);

CREATE FUNCTION touchline.append_batch(
  p_streams          text[],        -- distinct streams of the batch, sorted
  p_req_stream       integer[],     -- per request: index into p_streams (1-based)
  p_req_expected     bigint[],      -- per request: revision, or -1 no_stream, -2 any, -3 stream_exists
  p_req_first        integer[],     -- per request: index of its first event (1-based)
  p_req_count        integer[],     -- per request: number of events
  p_event_ids        uuid[],
  p_types            text[],
  p_versions         integer[],
  p_data             jsonb[],
  p_metadata         jsonb[],
  p_occurred         timestamptz[],
  p_content_digests  bytea[],
  p_record_digests   bytea[]
) RETURNS TABLE (
  out_req        integer,
  out_status     text,        -- appended | duplicate | wrong_expected_revision | event_id_conflict
  out_event_id   uuid,
  out_revision   bigint,
  out_tx         text,
  out_position   bigint,
  out_head       bigint       -- the stream's revision after the request (or now, on a conflict)
) LANGUAGE plpgsql
-- Every lookup below is by a unique key. PL/pgSQL caches generic plans made while the tables
-- were small, which scan whole tables once they are not (measured: 9-23 ms per call at 20,000
-- events); an index plan is always right here.
SET enable_seqscan = off
AS $fn$
DECLARE
  s_rev bigint[];
  s_hash bytea[];
  x_stream text[];
  x_digest bytea[];
  x_rev bigint[];
  x_tx text[];
  x_pos bigint[];
  i_idx integer[] := '{}';
  i_req integer[] := '{}';
  i_rev bigint[] := '{}';
  i_hash bytea[] := '{}';
  n integer := 0;
  recorded timestamptz := date_trunc('milliseconds', now());
  recorded_us bytea;
  r integer; k integer; si integer; cur bigint; h bytea; expected bigint;
  found integer; conflict_id uuid; lock_key bigint;
BEGIN
  recorded_us := int8send((extract(epoch FROM recorded) * 1000000)::bigint);

  -- The global log is ordered by transaction id, and a transaction gets its id at its first write.
  -- So that two appends to one stream are ordered the same way by revision and by transaction id,
  -- each append takes its streams' locks BEFORE its first write: advisory locks (which assign no
  -- transaction id), in one stable order so that concurrent batches cannot deadlock.
  IF pg_current_xact_id_if_assigned() IS NOT NULL THEN
    RAISE EXCEPTION 'touchline.append_batch must be the first write of its transaction';
  END IF;
  FOR lock_key IN SELECT DISTINCT hashtextextended(s, 0) AS k FROM unnest(p_streams) AS s ORDER BY k LOOP
    PERFORM pg_advisory_xact_lock(lock_key);
  END LOOP;

  INSERT INTO touchline.streams (stream_id, revision, last_hash)
    SELECT s, -1, ''::bytea FROM unnest(p_streams) AS s
    ON CONFLICT (stream_id) DO NOTHING;
  SELECT array_agg(st.revision ORDER BY u.o), array_agg(st.last_hash ORDER BY u.o)
    INTO s_rev, s_hash
    FROM unnest(p_streams) WITH ORDINALITY AS u(id, o)
    JOIN touchline.streams st ON st.stream_id = u.id;

  -- What is already stored under the batch's event ids, aligned with p_event_ids.
  SELECT array_agg(e.stream_id ORDER BY u.o), array_agg(e.content_digest ORDER BY u.o),
         array_agg(e.stream_revision ORDER BY u.o), array_agg(e.transaction_id::text ORDER BY u.o),
         array_agg(e.global_position ORDER BY u.o)
    INTO x_stream, x_digest, x_rev, x_tx, x_pos
    FROM unnest(p_event_ids) WITH ORDINALITY AS u(id, o)
    LEFT JOIN touchline.events e ON e.event_id = u.id;

  FOR r IN 1 .. coalesce(array_length(p_req_stream, 1), 0) LOOP
    si := p_req_stream[r];
    cur := s_rev[si];
    found := 0;
    conflict_id := NULL;
    FOR k IN p_req_first[r] .. p_req_first[r] + p_req_count[r] - 1 LOOP
      IF x_stream[k] IS NOT NULL THEN
        found := found + 1;
        IF conflict_id IS NULL AND (x_stream[k] <> p_streams[si] OR x_digest[k] <> p_content_digests[k]) THEN
          conflict_id := p_event_ids[k];
        END IF;
      END IF;
    END LOOP;

    IF conflict_id IS NOT NULL THEN
      out_req := r; out_status := 'event_id_conflict'; out_event_id := conflict_id;
      out_revision := NULL; out_tx := NULL; out_position := NULL; out_head := cur;
      RETURN NEXT;
      CONTINUE;
    END IF;

    -- A request whose every event is already stored is a retry: answer with the originals.
    expected := p_req_expected[r];
    IF found < p_req_count[r] AND (
         (expected = -1 AND cur <> -1) OR (expected = -3 AND cur = -1) OR (expected >= 0 AND expected <> cur)) THEN
      out_req := r; out_status := 'wrong_expected_revision'; out_event_id := NULL;
      out_revision := NULL; out_tx := NULL; out_position := NULL; out_head := cur;
      RETURN NEXT;
      CONTINUE;
    END IF;

    h := s_hash[si];
    FOR k IN p_req_first[r] .. p_req_first[r] + p_req_count[r] - 1 LOOP
      IF x_stream[k] IS NOT NULL THEN
        out_req := r; out_status := 'duplicate'; out_event_id := p_event_ids[k];
        out_revision := x_rev[k]; out_tx := x_tx[k]; out_position := x_pos[k]; out_head := cur;
        RETURN NEXT;
      ELSE
        cur := cur + 1;
        h := sha256(h || p_record_digests[k] || int8send(cur) || recorded_us);
        n := n + 1;
        i_idx[n] := k; i_req[n] := r; i_rev[n] := cur; i_hash[n] := h;
      END IF;
    END LOOP;
    s_rev[si] := cur;
    s_hash[si] := h;
  END LOOP;

  UPDATE touchline.streams st
     SET revision = u.rev, last_hash = u.h, updated_at = recorded
    FROM unnest(p_streams, s_rev, s_hash) AS u(id, rev, h)
   WHERE st.stream_id = u.id AND st.revision <> u.rev;

  RETURN QUERY
  WITH ins AS (
    INSERT INTO touchline.events AS e (stream_id, stream_revision, event_id, event_type, event_version,
                                       data, metadata, occurred_at, recorded_at, content_digest, hash)
    SELECT p_streams[p_req_stream[i_req[j]]], i_rev[j], p_event_ids[i_idx[j]], p_types[i_idx[j]],
           p_versions[i_idx[j]], p_data[i_idx[j]], p_metadata[i_idx[j]], p_occurred[i_idx[j]],
           recorded, p_content_digests[i_idx[j]], i_hash[j]
      FROM generate_series(1, n) AS j
     ORDER BY j
    RETURNING e.event_id, e.stream_id, e.stream_revision, e.transaction_id, e.global_position
  )
  SELECT NULL::integer, 'appended'::text, ins.event_id, ins.stream_revision, ins.transaction_id::text,
         ins.global_position, NULL::bigint
    FROM ins;
END;
$fn$;
`,
};
