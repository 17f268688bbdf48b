-- Searching by participant, reworked for two reasons.
--
-- Names and addresses repeat differently. A name is shared by every call of an agent ("Agent 1234"), and its
-- trigrams ("age", "gen", "ent") by nearly every interaction: one trigram index over names and addresses walked
-- posting lists as long as the table for a name that one agent in thousands has (25 to 60 ms at 1,000,000
-- interactions). Addresses (numbers) are nearly all distinct, with digit trigrams spread evenly: what a trigram
-- index is good at. So each distinct name is kept once in known_names, with a trigram index (a few thousand rows
-- where the table has millions), an interaction's names as an array with an index of whole names, and its
-- addresses with a trigram index of their own.
--
-- And the search text is not written by marking. Keeping the trigram index and the search column in interactions
-- halved the calls marked per second (each interaction some 70 index entries, each update of an interaction its
-- search text computed again). The search text now lives in interaction_search, written in bulk by the Manager
-- from a queue that the server fills in the same transaction as the interaction (a row id, nothing else). A search
-- reads the indexed interactions through their indexes and the few still queued one by one, so nothing marked is
-- ever missing from a search, only read more slowly for the second or so before it is indexed.

DROP INDEX interactions_participants_search;
ALTER TABLE interactions DROP COLUMN participants_search;
DROP FUNCTION participants_text(jsonb);

-- The participants' distinct names, lower case, without empty ones.
CREATE FUNCTION participant_names(participants jsonb) RETURNS text[]
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(DISTINCT lower(p ->> 'name')) FILTER (WHERE coalesce(p ->> 'name', '') <> ''), '{}')
    FROM jsonb_array_elements(CASE WHEN jsonb_typeof(participants) = 'array' THEN participants ELSE '[]' END) p
  $$;

-- The participants' addresses of record, lower case, one text.
CREATE FUNCTION participant_addresses(participants jsonb) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(string_agg(lower(p ->> 'aor'), ' | ') FILTER (WHERE coalesce(p ->> 'aor', '') <> ''), '')
    FROM jsonb_array_elements(CASE WHEN jsonb_typeof(participants) = 'array' THEN participants ELSE '[]' END) p
  $$;

-- One row per indexed interaction, its participants' search text as of its indexing.
CREATE TABLE interaction_search (
  interaction_id bigint PRIMARY KEY,
  names text[] NOT NULL,
  addresses text NOT NULL
);
CREATE INDEX interaction_search_names ON interaction_search USING gin (names);
CREATE INDEX interaction_search_addresses ON interaction_search USING gin (addresses gin_trgm_ops);

-- Every name an interaction has held, once; a name no interaction holds any longer (retention) stays, and a search
-- for it finds nothing. No unique constraint: two Managers indexing at once must not wait on each other's
-- uncommitted name, so a name may now and then be written twice, and searches read it once.
CREATE TABLE known_names (name text NOT NULL);
CREATE INDEX known_names_name ON known_names (name);
CREATE INDEX known_names_trigrams ON known_names USING gin (name gin_trgm_ops);

-- Interactions whose search text is to be written: new ones, and those whose participants changed.
CREATE TABLE search_queue (interaction_id bigint NOT NULL);

CREATE FUNCTION queue_new_for_search() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO search_queue (interaction_id) SELECT id FROM new_interactions;
  RETURN NULL;
END $$;

CREATE FUNCTION queue_changed_for_search() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO search_queue (interaction_id) VALUES (NEW.id);
  RETURN NULL;
END $$;

-- Whichever statement writes interactions (COPY, INSERT, the upsert of marking, a merge): once per statement for
-- new interactions, once per row for the rare update that changes an interaction's participants.
CREATE TRIGGER interactions_queue_new AFTER INSERT ON interactions
  REFERENCING NEW TABLE AS new_interactions FOR EACH STATEMENT EXECUTE FUNCTION queue_new_for_search();
CREATE TRIGGER interactions_queue_changed AFTER UPDATE OF participants ON interactions
  FOR EACH ROW WHEN (OLD.participants IS DISTINCT FROM NEW.participants) EXECUTE FUNCTION queue_changed_for_search();

-- Every interaction there is waits for its first indexing, which the Manager does in batches after it starts.
INSERT INTO search_queue (interaction_id) SELECT id FROM interactions;
