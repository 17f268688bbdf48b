-- No query reads copies by serial and start time, and every marked copy paid for this index.
-- Copies are found by their INUM (primary key) or by their interaction (copies_interaction).
DROP INDEX IF EXISTS copies_serial_start;
