-- Interactions and copies partitioned by month, so that a call database that grows for years keeps its indexes the
-- size of a month each and lets go of a month by dropping it whole.
--
-- Marking, replay and the merge pass find an interaction by its id, never by its start alone, so a table partitioned
-- by start would make every one of those look-ups probe every month. The month is carried in the id instead: an
-- interaction's id is its month (months since January 1970, UTC) shifted left by 40 bits, or-ed with a number of the
-- one sequence (2^40 interactions a month at most), and interactions are partitioned by range of id. The month is
-- that of the start the interaction was created with; a start moved earlier by a copy linked later never moves the
-- row. A copy lives in the month of its interaction (copies are partitioned by range of interaction_id), and so do its
-- search entries (interaction_search and interaction_names, partitioned the same way), so a month's copies and search
-- indexes go with its interactions.
--
-- The months there are (call_months) are made ahead by the Manager. An interaction whose month has no partition
-- (a start far in the past, or ahead of the months made) takes the partition of the latest month before it, or of
-- the first month there is: a wrong clock at an SBC never refuses a call. Retention therefore reads what a month's
-- partition holds, never its name.
--
-- A partitioned table's unique indexes must contain its partition key, so an INUM's uniqueness, the arbiter of
-- marking a copy twice, moves to copy_inums (the pattern of interaction_keys), filled by a trigger on every insert
-- into copies, and the archive's reference to a copy goes there.

-- Months since January 1970 in UTC: the month part of an interaction's id.
CREATE FUNCTION call_month(t timestamptz) RETURNS integer
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT ((extract(year FROM t AT TIME ZONE 'UTC') - 1970) * 12
            + extract(month FROM t AT TIME ZONE 'UTC') - 1)::integer
  $$;

-- The months that have partitions.
CREATE TABLE call_months (
  month      integer PRIMARY KEY CHECK (month BETWEEN 0 AND 8191),
  created_at timestamptz NOT NULL DEFAULT now()
);

-- The month whose partition holds an interaction that starts at t: its own, else the latest before it, else the
-- first there is. Marking asks it only for a start whose own month has no partition (see MarkingStatements.NEW_ID).
CREATE FUNCTION interaction_month(t timestamptz) RETURNS integer
  LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT coalesce((SELECT month FROM call_months WHERE month <= call_month(t) ORDER BY month DESC LIMIT 1),
                    (SELECT min(month) FROM call_months))
  $$;

-- Every month that has interactions, and this month and the three after it.
INSERT INTO call_months (month)
SELECT DISTINCT call_month(start_time) FROM interactions
UNION SELECT generate_series(call_month(now()), call_month(now()) + 3);

-- Each interaction's new id: its month, and its old id as the number.
CREATE TABLE interaction_renumbering (old bigint PRIMARY KEY, new bigint NOT NULL);
INSERT INTO interaction_renumbering (old, new)
SELECT id, (call_month(start_time)::bigint << 40) | id FROM interactions;

ALTER TABLE archived_copies DROP CONSTRAINT archived_copies_inum_fkey;
ALTER TABLE interactions ALTER COLUMN id DROP DEFAULT;
ALTER SEQUENCE interactions_id_seq OWNED BY NONE;
ALTER TABLE interactions RENAME TO interactions_before_months;
ALTER TABLE copies RENAME TO copies_before_months;
ALTER TABLE interaction_search RENAME TO interaction_search_before_months;
ALTER TABLE interaction_names RENAME TO interaction_names_before_months;
DROP TRIGGER interactions_keep_their_copies ON interactions_before_months;
DROP TRIGGER interactions_queue_new ON interactions_before_months;
DROP TRIGGER interactions_queue_changed ON interactions_before_months;

CREATE TABLE interactions (
  id               bigint NOT NULL,
  correlation_key  text COLLATE "C" NOT NULL,
  start_time       timestamptz NOT NULL,
  end_time         timestamptz,
  best_inum        bigint,
  participants     jsonb NOT NULL DEFAULT '[]',
  sip_identity     text COLLATE "C",
  participants_key text COLLATE "C",
  merged_into      bigint
) PARTITION BY RANGE (id);
ALTER SEQUENCE interactions_id_seq OWNED BY interactions.id;

CREATE TABLE copies (
  inum             bigint NOT NULL,
  interaction_id   bigint NOT NULL,
  serial           integer NOT NULL,
  call_role        text NOT NULL CHECK (call_role IN ('MASTER', 'SLAVE')),
  complete         boolean NOT NULL,
  duration_ms      bigint NOT NULL,
  media_bytes      bigint NOT NULL,
  packets_received bigint NOT NULL,
  packets_lost     bigint NOT NULL,
  start_time       timestamptz NOT NULL,
  end_time         timestamptz,
  marked_epoch     bigint NOT NULL,
  marked_at        timestamptz NOT NULL,
  quirks           jsonb NOT NULL DEFAULT '[]',
  dtmf             jsonb NOT NULL DEFAULT '[]',
  correlation_key  text COLLATE "C" NOT NULL
) PARTITION BY RANGE (interaction_id);

CREATE TABLE interaction_search (
  interaction_id bigint NOT NULL,
  names text[] NOT NULL,
  addresses text NOT NULL
) PARTITION BY RANGE (interaction_id);

CREATE TABLE interaction_names (
  name text NOT NULL,
  start_time timestamptz NOT NULL,
  interaction_id bigint NOT NULL
) PARTITION BY RANGE (interaction_id);

-- A month's partitions, named by the month (interactions_2026_12, copies_2026_12, interaction_search_2026_12,
-- interaction_names_2026_12). The Manager makes the months ahead the same way.
CREATE FUNCTION create_call_month(m integer) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  suffix text := to_char(date '1970-01-01' + make_interval(months => m), 'YYYY_MM');
  parent text;
BEGIN
  FOREACH parent IN ARRAY ARRAY['interactions', 'copies', 'interaction_search', 'interaction_names'] LOOP
    EXECUTE format('CREATE TABLE IF NOT EXISTS %I PARTITION OF %I FOR VALUES FROM (%s) TO (%s)',
                   parent || '_' || suffix, parent, m::bigint << 40, (m + 1)::bigint << 40);
  END LOOP;
  INSERT INTO call_months (month) VALUES (m) ON CONFLICT (month) DO NOTHING;
END $$;

SELECT create_call_month(month) FROM call_months ORDER BY month;

INSERT INTO interactions (id, correlation_key, start_time, end_time, best_inum, participants, sip_identity,
                          participants_key, merged_into)
SELECT r.new, i.correlation_key, i.start_time, i.end_time, i.best_inum, i.participants, i.sip_identity,
       i.participants_key, m.new
FROM interactions_before_months i
JOIN interaction_renumbering r ON r.old = i.id
LEFT JOIN interaction_renumbering m ON m.old = i.merged_into;

INSERT INTO copies (inum, interaction_id, serial, call_role, complete, duration_ms, media_bytes, packets_received,
                    packets_lost, start_time, end_time, marked_epoch, marked_at, quirks, dtmf, correlation_key)
SELECT c.inum, r.new, c.serial, c.call_role, c.complete, c.duration_ms, c.media_bytes, c.packets_received,
       c.packets_lost, c.start_time, c.end_time, c.marked_epoch, c.marked_at, c.quirks, c.dtmf, c.correlation_key
FROM copies_before_months c JOIN interaction_renumbering r ON r.old = c.interaction_id;

-- A search entry of an interaction that is no longer there is left behind.
INSERT INTO interaction_search (interaction_id, names, addresses)
SELECT r.new, s.names, s.addresses
FROM interaction_search_before_months s JOIN interaction_renumbering r ON r.old = s.interaction_id;

INSERT INTO interaction_names (name, start_time, interaction_id)
SELECT n.name, n.start_time, r.new
FROM interaction_names_before_months n JOIN interaction_renumbering r ON r.old = n.interaction_id;

DROP TABLE copies_before_months;
DROP TABLE interactions_before_months;
DROP TABLE interaction_search_before_months;
DROP TABLE interaction_names_before_months;
ALTER TABLE copies RENAME CONSTRAINT copies_call_role_check1 TO copies_call_role_check;

UPDATE interaction_keys k SET interaction_id = r.new FROM interaction_renumbering r WHERE r.old = k.interaction_id;
UPDATE search_queue q SET interaction_id = r.new FROM interaction_renumbering r WHERE r.old = q.interaction_id;

-- The merge pass checks each month's interactions in id order, which within a month is the order they were made in;
-- its place is kept per month.
CREATE TABLE interaction_merges_by_month (
  month           integer PRIMARY KEY,
  checked_through bigint NOT NULL
);
INSERT INTO interaction_merges_by_month (month, checked_through)
SELECT (r.new >> 40)::integer, max(r.new)
FROM interaction_renumbering r, interaction_merges m
WHERE m.id = 1 AND r.old <= m.checked_through
GROUP BY 1;
DROP TABLE interaction_merges;
ALTER TABLE interaction_merges_by_month RENAME TO interaction_merges;
ALTER TABLE interaction_merges RENAME CONSTRAINT interaction_merges_by_month_pkey TO interaction_merges_pkey;

DROP TABLE interaction_renumbering;

-- The indexes of before, on every month.
ALTER TABLE interactions ADD PRIMARY KEY (id);
CREATE INDEX interactions_start_time ON interactions (start_time, id) WHERE merged_into IS NULL;
CREATE INDEX interactions_sip_identity ON interactions (sip_identity)
  WHERE sip_identity IS NOT NULL AND merged_into IS NULL;
CREATE INDEX interactions_participants ON interactions (participants_key, start_time)
  WHERE participants_key IS NOT NULL AND merged_into IS NULL;

-- A copy is found by its interaction and INUM; by its INUM alone through copy_inums.
ALTER TABLE copies ADD PRIMARY KEY (interaction_id, inum);
-- A search for truncated calls probes this small index for each interaction's best copy, by interaction and INUM.
CREATE INDEX copies_truncated ON copies (interaction_id, inum) WHERE NOT complete;
CREATE INDEX copies_with_quirks ON copies (interaction_id) WHERE quirks <> '[]'::jsonb;

-- The search indexes of before (V10 to V15), each month's of its own.
ALTER TABLE interaction_search ADD PRIMARY KEY (interaction_id);
CREATE INDEX interaction_search_addresses ON interaction_search USING gin (addresses gin_trgm_ops);
CREATE INDEX interaction_names_in_start_order ON interaction_names (name, start_time, interaction_id);
CREATE INDEX interaction_names_of ON interaction_names (interaction_id);

-- Each INUM once, with the interaction its copy is under.
CREATE TABLE copy_inums (
  inum           bigint PRIMARY KEY,
  interaction_id bigint NOT NULL
);
INSERT INTO copy_inums (inum, interaction_id) SELECT inum, interaction_id FROM copies;

-- Whichever statement writes copies (the COPY of marking, an insert), each copy's INUM is taken here; one that a copy
-- has already fails the statement with a unique violation, as the primary key on INUM did. An INUM whose copy is no
-- longer there (its rows deleted by hand, or truncated) is taken again rather than refused; so is one that names the
-- very interaction the new copy is under, whose primary key allows one copy of an INUM.
-- A plain insert first, a third of the cost of one that handles conflicts, which runs only when it met one.
CREATE FUNCTION copies_take_their_inums() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  taken bigint;
BEGIN
  BEGIN
    INSERT INTO copy_inums (inum, interaction_id) SELECT inum, interaction_id FROM new_copies;
  EXCEPTION WHEN unique_violation THEN
    INSERT INTO copy_inums (inum, interaction_id) SELECT inum, interaction_id FROM new_copies
    ON CONFLICT (inum) DO UPDATE SET interaction_id = EXCLUDED.interaction_id
    WHERE copy_inums.interaction_id = EXCLUDED.interaction_id
       OR NOT EXISTS (SELECT 1 FROM copies c
                      WHERE c.interaction_id = copy_inums.interaction_id AND c.inum = copy_inums.inum);
    GET DIAGNOSTICS taken = ROW_COUNT;
    IF taken < (SELECT count(*) FROM new_copies) THEN
      RAISE EXCEPTION 'a copy with one of these INUMs is marked already' USING ERRCODE = 'unique_violation';
    END IF;
  END;
  RETURN NULL;
END $$;

CREATE TRIGGER copies_take_their_inums AFTER INSERT ON copies
  REFERENCING NEW TABLE AS new_copies FOR EACH STATEMENT EXECUTE FUNCTION copies_take_their_inums();

-- A copy deleted lets go of its INUM (retention drops a month's copies with their INUMs itself).
CREATE FUNCTION copies_free_their_inums() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM copy_inums ci USING old_copies o WHERE ci.inum = o.inum AND ci.interaction_id = o.interaction_id;
  RETURN NULL;
END $$;

CREATE TRIGGER copies_free_their_inums AFTER DELETE ON copies
  REFERENCING OLD TABLE AS old_copies FOR EACH STATEMENT EXECUTE FUNCTION copies_free_their_inums();

ALTER TABLE archived_copies ADD CONSTRAINT archived_copies_inum_fkey FOREIGN KEY (inum) REFERENCES copy_inums (inum);

-- The triggers of before.
CREATE TRIGGER interactions_keep_their_copies BEFORE DELETE OR UPDATE OF id ON interactions
  FOR EACH ROW EXECUTE FUNCTION interactions_keep_their_copies();
CREATE TRIGGER interactions_queue_new AFTER INSERT ON interactions
  REFERENCING NEW TABLE AS new_interactions FOR EACH STATEMENT EXECUTE FUNCTION queue_new_for_search();
CREATE TRIGGER interactions_queue_changed AFTER UPDATE OF participants, start_time ON interactions
  FOR EACH ROW WHEN (OLD.participants IS DISTINCT FROM NEW.participants
                     OR OLD.start_time IS DISTINCT FROM NEW.start_time)
  EXECUTE FUNCTION queue_changed_for_search();

ANALYZE interactions;
ANALYZE copies;
ANALYZE copy_inums;
ANALYZE interaction_search;
ANALYZE interaction_names;
