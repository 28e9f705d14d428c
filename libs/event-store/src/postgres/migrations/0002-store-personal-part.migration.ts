import type { Migration } from '@touchline/database';

/**
 * Personal data encrypted at rest (docs/privacy.md), and a cheaper append path
 * (docs/benchmarks.md, "Event store").
 *
 * append_batch now takes each event's personal part (ciphertext and data key id) and stores it in
 * the columns 0001 created for it. The record digests the caller passes already cover the
 * ciphertext, so the hash chain is over what is stored and still verifies once a key is destroyed.
 * The old signature is dropped so that no caller can append around the new columns.
 *
 * The guarantees are 0001's; what changed is what a call costs:
 * - The events travel as ONE jsonb array instead of a text array per field: PostgreSQL parsed
 *   and un-escaped the jsonb[]/bytea[] array literals (array_in) for 11-24% of its time. The
 *   digests are two bytea parameters of 32 bytes per event, which node-pg sends in binary.
 * - Fewer statements per call: the stream locks are taken by one statement (in key order, as
 *   before), the stream heads are read without first inserting a placeholder row, and the heads
 *   are written once at the end by one upsert (a new stream is inserted once, not inserted and
 *   then updated). Under the stream's advisory lock no other append can touch its row between the
 *   read and the write.
 */
export const storePersonalPart: Migration = {
  version: 2,
  name: 'store_personal_part',
  sql: `
DROP FUNCTION touchline.append_batch(text[], integer[], bigint[], integer[], integer[], uuid[], text[],
  integer[], jsonb[], jsonb[], timestamptz[], bytea[], bytea[]);

ALTER TABLE touchline.events
  ADD CONSTRAINT events_personal_keyed CHECK ((personal IS NULL) = (key_id IS NULL));

CREATE FUNCTION touchline.append_batch(
  p_streams          text[],        -- distinct streams of the batch, sorted
  p_req_stream       integer[],     -- per request: index into p_streams (1-based)
  p_req_expected     bigint[],      -- per request: revision, or -1 no_stream, -2 any, -3 stream_exists
  p_req_count        integer[],     -- per request: number of events; a request's events follow the previous one's
  p_event_ids        uuid[],        -- per event
  -- per event, in the order of p_event_ids: a json array
  --   [type, version, data, metadata, occurred_at | null, personal (base64) | null, key_id | null]
  p_events           jsonb,
  p_content_digests  bytea,         -- per event 32 bytes (sha256), concatenated
  p_record_digests   bytea          -- per event 32 bytes (sha256), concatenated
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
  s_rev bigint[];               -- per stream: its head, updated as requests are applied
  s_old bigint[];               -- per stream: its head before this call
  s_hash bytea[];
  x_stream text[];              -- per event: what is already stored under its id
  x_digest bytea[];
  x_rev bigint[];
  x_tx text[];
  x_pos bigint[];
  e_rev bigint[] := '{}';       -- per event: the revision it is appended at (unset: not appended)
  e_hash bytea[] := '{}';
  e_stream integer[] := '{}';
  recorded timestamptz := date_trunc('milliseconds', now());
  recorded_us bytea;
  r integer; k integer; first integer; next integer := 1; si integer; cur bigint; h bytea;
  expected bigint; found integer; conflict_id uuid;
BEGIN
  recorded_us := int8send((extract(epoch FROM recorded) * 1000000)::bigint);

  -- The global log is ordered by transaction id, and a transaction gets its id at its first write.
  -- So that two appends to one stream are ordered the same way by revision and by transaction id,
  -- each append takes its streams' locks BEFORE its first write: advisory locks (which assign no
  -- transaction id), in one stable order so that concurrent batches cannot deadlock. (The sorted
  -- subquery is not flattened, so the locks are taken in its order.)
  IF pg_current_xact_id_if_assigned() IS NOT NULL THEN
    RAISE EXCEPTION 'touchline.append_batch must be the first write of its transaction';
  END IF;
  PERFORM pg_advisory_xact_lock(q.key)
     FROM (SELECT hashtextextended(s, 0) AS key FROM unnest(p_streams) AS s ORDER BY 1) AS q;

  -- The heads; a stream without a row has no event yet.
  SELECT array_agg(coalesce(st.revision, -1) ORDER BY u.o),
         array_agg(coalesce(st.last_hash, ''::bytea) ORDER BY u.o)
    INTO s_rev, s_hash
    FROM unnest(p_streams) WITH ORDINALITY AS u(id, o)
    LEFT JOIN touchline.streams st ON st.stream_id = u.id;
  s_old := s_rev;

  -- What is already stored under the batch's event ids, aligned with p_event_ids.
  SELECT array_agg(e.stream_id ORDER BY u.o), array_agg(e.content_digest ORDER BY u.o),
         array_agg(e.stream_revision ORDER BY u.o), array_agg(e.transaction_id::text ORDER BY u.o),
         array_agg(e.global_position ORDER BY u.o)
    INTO x_stream, x_digest, x_rev, x_tx, x_pos
    FROM unnest(p_event_ids) WITH ORDINALITY AS u(id, o)
    LEFT JOIN touchline.events e ON e.event_id = u.id;

  FOR r IN 1 .. coalesce(array_length(p_req_stream, 1), 0) LOOP
    first := next;
    next := first + p_req_count[r];
    si := p_req_stream[r];
    cur := s_rev[si];
    found := 0;
    conflict_id := NULL;
    FOR k IN first .. next - 1 LOOP
      IF x_stream[k] IS NOT NULL THEN
        found := found + 1;
        IF conflict_id IS NULL AND (x_stream[k] <> p_streams[si]
            OR x_digest[k] <> substring(p_content_digests FROM k * 32 - 31 FOR 32)) THEN
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
    FOR k IN first .. next - 1 LOOP
      IF x_stream[k] IS NOT NULL THEN
        out_req := r; out_status := 'duplicate'; out_event_id := p_event_ids[k];
        out_revision := x_rev[k]; out_tx := x_tx[k]; out_position := x_pos[k]; out_head := cur;
        RETURN NEXT;
      ELSE
        cur := cur + 1;
        h := sha256(h || substring(p_record_digests FROM k * 32 - 31 FOR 32) || int8send(cur) || recorded_us);
        e_rev[k] := cur; e_hash[k] := h; e_stream[k] := si;
      END IF;
    END LOOP;
    s_rev[si] := cur;
    s_hash[si] := h;
  END LOOP;

  INSERT INTO touchline.streams AS st (stream_id, revision, last_hash, updated_at)
    SELECT u.id, u.rev, u.h, recorded
      FROM unnest(p_streams, s_rev, s_hash, s_old) AS u(id, rev, h, old)
     WHERE u.rev <> u.old
    ON CONFLICT (stream_id) DO UPDATE
      SET revision = excluded.revision, last_hash = excluded.last_hash, updated_at = excluded.updated_at;

  RETURN QUERY
  WITH ins AS (
    INSERT INTO touchline.events AS e (stream_id, stream_revision, event_id, event_type, event_version,
                                       data, metadata, occurred_at, recorded_at, content_digest, hash,
                                       personal, key_id)
    SELECT p_streams[e_stream[i.k]], e_rev[i.k], p_event_ids[i.k], a.e ->> 0, (a.e ->> 1)::integer,
           a.e -> 2, a.e -> 3, (a.e ->> 4)::timestamptz, recorded,
           substring(p_content_digests FROM i.k * 32 - 31 FOR 32), e_hash[i.k],
           decode(a.e ->> 5, 'base64'), a.e ->> 6
      FROM jsonb_array_elements(p_events) WITH ORDINALITY AS a(e, o),
           LATERAL (SELECT a.o::integer AS k) AS i
     WHERE e_rev[i.k] IS NOT NULL
     ORDER BY i.k
    RETURNING e.event_id, e.stream_id, e.stream_revision, e.transaction_id, e.global_position
  )
  SELECT NULL::integer, 'appended'::text, ins.event_id, ins.stream_revision, ins.transaction_id::text,
         ins.global_position, NULL::bigint
    FROM ins;
END;
$fn$;
`,
};
