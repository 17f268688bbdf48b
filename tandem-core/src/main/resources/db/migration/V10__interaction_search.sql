-- Searching interactions by a participant: any part of a name, address of record or number, in any case. A
-- trigram index over the participants' names and addresses answers a partial number without reading every
-- interaction. pg_trgm is a trusted extension shipped with PostgreSQL: the database's owner may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- The text a participant search looks in: each participant's name and address of record, lower case.
CREATE FUNCTION participants_text(participants jsonb) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(string_agg(lower(coalesce(p ->> 'name', '') || ' ' || coalesce(p ->> 'aor', '')), ' | '), '')
    FROM jsonb_array_elements(CASE WHEN jsonb_typeof(participants) = 'array' THEN participants ELSE '[]' END) p
  $$;

CREATE INDEX interactions_participants_text ON interactions USING gin (participants_text(participants) gin_trgm_ops)
  WHERE merged_into IS NULL;

-- Truncated copies and copies with quirks are few: a search for them probes these small indexes for each
-- interaction it passes, instead of reading copies' rows. Marking writes to them only for such copies.
CREATE INDEX copies_truncated ON copies (inum) WHERE NOT complete;
CREATE INDEX copies_with_quirks ON copies (interaction_id) WHERE quirks <> '[]'::jsonb;
