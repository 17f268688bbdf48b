-- Two recorders' copies of one conversation share a correlation key only when the SBC sends both the same
-- SIPREC session id. When it does not, a copy is matched to its interaction by the recorded call's SIP
-- identity, then by its participants and start. An interaction keeps the key of its first copy (unique, as
-- before); what the other rules look up is stored beside it, and each copy keeps its own key.

-- The recorded communication session's SIP identity, and the sorted, normalised user parts of its
-- participants' addresses of record; null when unknown.
ALTER TABLE interactions ADD COLUMN sip_identity text COLLATE "C";
ALTER TABLE interactions ADD COLUMN participants_key text COLLATE "C";

-- A tombstone: a row that is no interaction of its own but keeps a correlation key naming the interaction
-- that holds that key's copies. It is left by a merge (two interactions found to be one conversation), or
-- written when a copy is linked to an interaction of another key. It always points at a live interaction.
ALTER TABLE interactions ADD COLUMN merged_into bigint;

ALTER TABLE copies ADD COLUMN correlation_key text COLLATE "C";
UPDATE copies c SET correlation_key = i.correlation_key FROM interactions i WHERE i.id = c.interaction_id;
ALTER TABLE copies ALTER COLUMN correlation_key SET NOT NULL;

-- Only live interactions are looked up or listed, and most interactions never have an identity.
CREATE INDEX interactions_sip_identity ON interactions (sip_identity)
  WHERE sip_identity IS NOT NULL AND merged_into IS NULL;
-- A copy is matched by participants when its start or its end is near the interaction's (a recorder that came
-- up during a call starts its copy late, one that died ends it early). Both are looked up on the start: an
-- interaction that ends near a copy's end started within the day before, as every conversation does.
CREATE INDEX interactions_participants ON interactions (participants_key, start_time)
  WHERE participants_key IS NOT NULL AND merged_into IS NULL;
DROP INDEX interactions_start_time;
CREATE INDEX interactions_start_time ON interactions (start_time, id) WHERE merged_into IS NULL;

-- How far apart two copies' starts (or ends) may be and still be one conversation by their participants.
ALTER TABLE pairs ADD COLUMN match_tolerance_ms integer NOT NULL DEFAULT 2000
  CHECK (match_tolerance_ms BETWEEN 0 AND 60000);

-- The merge pass's place: every interaction with an id up to this one was checked for a twin.
CREATE TABLE interaction_merges (
  id              integer PRIMARY KEY CHECK (id = 1),
  checked_through bigint NOT NULL
);
-- Every interaction marked before this version shares its key with its copies: none has a twin to merge.
INSERT INTO interaction_merges (id, checked_through) SELECT 1, coalesce(max(id), 0) FROM interactions;
