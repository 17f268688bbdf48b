-- A participant search looks for names and for addresses apart, because they repeat so differently. A name is
-- shared by every call of an agent ("Agent 1234"), and its trigrams ("age", "gen", "ent") by nearly every
-- interaction: a trigram index over one text of names and addresses then walks posting lists as long as the table
-- for a name that one agent in thousands has (25 to 60 ms at 1,000,000 interactions). Addresses (numbers) are
-- nearly all distinct and their digit trigrams spread evenly, which is what a trigram index is good at.
--
-- So: each distinct name once in known_names, with a trigram index (a few thousand rows where the table has
-- millions), and the interaction's names as an array with an index of whole names; the addresses keep a trigram
-- index of their own. A search finds the names that contain the text in known_names first, then the interactions
-- that hold one of those names or an address that contains it (a few ms). Adding the columns rewrites the table
-- once (about a minute and a half for 1,000,000 interactions).

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

ALTER TABLE interactions
  ADD COLUMN participant_names text[] GENERATED ALWAYS AS (participant_names(participants)) STORED,
  ADD COLUMN participant_addresses text GENERATED ALWAYS AS (participant_addresses(participants)) STORED,
  DROP COLUMN participants_search;
DROP FUNCTION participants_text(jsonb);

CREATE INDEX interactions_participant_names ON interactions USING gin (participant_names)
  WHERE merged_into IS NULL;
CREATE INDEX interactions_participant_addresses ON interactions USING gin (participant_addresses gin_trgm_ops)
  WHERE merged_into IS NULL;

-- Every name an interaction has held, once; a name no interaction holds any longer (retention) stays, and a search
-- for it finds nothing. No unique constraint: two recorders marking the same agent's calls at once must not wait
-- on each other's uncommitted name, so a name may now and then be written twice, and searches read it once.
CREATE TABLE known_names (name text NOT NULL);
CREATE INDEX known_names_name ON known_names (name);
CREATE INDEX known_names_trigrams ON known_names USING gin (name gin_trgm_ops);
INSERT INTO known_names (name) SELECT DISTINCT unnest(participant_names) FROM interactions;

-- Kept by the server whichever statement writes interactions (COPY, INSERT, the upsert of marking, a merge): once
-- per statement for new interactions, once per row for the rare update that gives an interaction its names.
CREATE FUNCTION remember_new_names() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO known_names (name)
  SELECT DISTINCT n FROM new_interactions, unnest(new_interactions.participant_names) n
  WHERE NOT EXISTS (SELECT 1 FROM known_names k WHERE k.name = n);
  RETURN NULL;
END $$;

CREATE FUNCTION remember_changed_names() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO known_names (name)
  SELECT DISTINCT n FROM unnest(NEW.participant_names) n
  WHERE NOT EXISTS (SELECT 1 FROM known_names k WHERE k.name = n);
  RETURN NULL;
END $$;

CREATE TRIGGER interactions_new_names AFTER INSERT ON interactions
  REFERENCING NEW TABLE AS new_interactions FOR EACH STATEMENT EXECUTE FUNCTION remember_new_names();
CREATE TRIGGER interactions_changed_names AFTER UPDATE OF participants ON interactions
  FOR EACH ROW WHEN (OLD.participants IS DISTINCT FROM NEW.participants) EXECUTE FUNCTION remember_changed_names();
