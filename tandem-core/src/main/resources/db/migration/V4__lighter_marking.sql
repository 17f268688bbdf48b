-- Marking writes an interaction and a copy per call; this lightens what each of those writes costs.

-- The foreign key from copies to interactions ran one look-up and one row lock per marked copy, a third of
-- the cost of writing it. A copy only ever gets the id of an interaction upserted in the same transaction,
-- which holds that row locked until commit, so the inserting side cannot dangle. The other side is kept
-- by a trigger that costs nothing while marking: an interaction that still has copies cannot be deleted,
-- nor its id changed.
ALTER TABLE copies DROP CONSTRAINT copies_interaction_id_fkey;

CREATE FUNCTION interactions_keep_their_copies() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF (TG_OP = 'DELETE' OR NEW.id <> OLD.id)
     AND EXISTS (SELECT 1 FROM copies WHERE interaction_id = OLD.id) THEN
    RAISE EXCEPTION 'interaction % still has copies', OLD.id USING ERRCODE = 'foreign_key_violation';
  END IF;
  RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END
$$;

CREATE TRIGGER interactions_keep_their_copies BEFORE DELETE OR UPDATE OF id ON interactions
  FOR EACH ROW EXECUTE FUNCTION interactions_keep_their_copies();

-- Correlation keys are only ever compared for equality: byte order makes every comparison in the unique
-- index a memcmp instead of a locale-aware collation. Equality itself is unchanged.
ALTER TABLE interactions ALTER COLUMN correlation_key TYPE text COLLATE "C";
