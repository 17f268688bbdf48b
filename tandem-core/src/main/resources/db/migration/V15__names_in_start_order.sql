-- A name found among thousands of interactions, newest first, without sorting them all.
--
-- A name that one agent in a thousand has ("agent 123" and the ten names that contain it) is held by thousands of
-- interactions: an index of whole names found them all, and the server then read each one to sort them by start,
-- 20 to 70 ms at 1,000,000 interactions, only to show the newest fifty. Kept as (name, start, interaction), each
-- name's interactions are in start order in the index itself: a page of one name is its first fifty entries, and a
-- page of several names the newest fifty of their first fifty each.
--
-- The start kept here is the interaction's start when its search text was written. Linking a copy that started
-- earlier moves an interaction's start (never later), so such an update queues the interaction again, in the same
-- transaction, and a search takes an entry only where its start is still the interaction's: the others are read
-- through the queue, row by row, until the index pass writes them again.

CREATE TABLE interaction_names (
  name text NOT NULL,
  start_time timestamptz NOT NULL,
  interaction_id bigint NOT NULL
);
CREATE INDEX interaction_names_in_start_order ON interaction_names (name, start_time, interaction_id);
CREATE INDEX interaction_names_of ON interaction_names (interaction_id);

-- The index of whole names in interaction_search answered "holds one of these names"; interaction_names answers
-- it now, and interaction_search keeps the names only for reading one interaction's by its id.
DROP INDEX interaction_search_names;

DROP TRIGGER interactions_queue_changed ON interactions;
CREATE TRIGGER interactions_queue_changed AFTER UPDATE OF participants, start_time ON interactions
  FOR EACH ROW WHEN (OLD.participants IS DISTINCT FROM NEW.participants OR OLD.start_time IS DISTINCT FROM NEW.start_time)
  EXECUTE FUNCTION queue_changed_for_search();

-- Every interaction already indexed gets its entries when the index pass writes it again.
INSERT INTO search_queue (interaction_id) SELECT interaction_id FROM interaction_search;
