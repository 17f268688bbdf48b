-- Each correlation key once, in a table of its own, naming the interaction that holds its conversation.
--
-- A table partitioned by time can only have unique indexes that contain its partition key, so interactions cannot
-- keep correlation_key unique once they are partitioned by start. The key's uniqueness, the arbiter of marking
-- (the same conversation marked by two recorders, or twice, is one interaction), moves here, unpartitioned, and
-- with it the tombstones: a key whose copies were joined to an interaction of another key (by a merge, or by a
-- link by SIP identity or participants) names that interaction here, and no longer needs a row in interactions.
-- interactions.correlation_key stays, not unique, as the key an interaction was first marked under.
--
-- interaction_id is always a live interaction (merged_into IS NULL): a merge points the keys of the interaction it
-- buries at the one that survives. start_time is the start of the key's first copy, for retention by time.
CREATE TABLE interaction_keys (
  correlation_key text COLLATE "C" PRIMARY KEY,
  interaction_id  bigint NOT NULL,
  start_time      timestamptz NOT NULL
);

-- Every key there is: an interaction's own, or a tombstone's, followed to the interaction it points at (a tombstone
-- always points at a live interaction).
INSERT INTO interaction_keys (correlation_key, interaction_id, start_time)
SELECT correlation_key, coalesce(merged_into, id), start_time FROM interactions;

-- The tombstone rows already in interactions stay, as merged interactions' rows do (merged_into set, listed
-- nowhere); from now on a link writes its tombstone here only.
ALTER TABLE interactions DROP CONSTRAINT interactions_correlation_key_key;
