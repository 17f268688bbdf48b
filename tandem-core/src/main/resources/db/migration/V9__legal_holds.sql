-- Legal holds: a pair's call date ranges that its recorders' call buffers never roll off, whatever the state of
-- a copy (linked, archived, or not). A call is held when its start is in [from_time, to_time). Each hold is
-- added and removed through the Recorder Manager, which writes an audit row in the same transaction; a removed
-- hold is deleted (the audit keeps what it was).
CREATE TABLE legal_holds (
  id         bigserial PRIMARY KEY,
  pair_name  text NOT NULL REFERENCES pairs (name),
  from_time  timestamptz NOT NULL,
  to_time    timestamptz NOT NULL,
  reason     text NOT NULL CHECK (length(reason) BETWEEN 1 AND 500),
  created_at timestamptz NOT NULL,
  created_by text NOT NULL,
  CHECK (from_time < to_time)
);

CREATE INDEX legal_holds_pair ON legal_holds (pair_name, from_time);
