-- Failover as a durable state machine: one row per role change, opened in the transaction that raises the
-- pair's epoch and swaps the roles, closed (with its FAILOVER event) once the new primary has promoted
-- its calls of the rollback window. A Recorder Manager that restarts resumes every row still PROMOTING.

CREATE TABLE failovers (
  id              bigserial PRIMARY KEY,
  pair_name       text NOT NULL REFERENCES pairs (name),
  kind            text NOT NULL CHECK (kind IN ('FAILOVER', 'FAILBACK')),
  from_serial     integer NOT NULL,
  to_serial       integer NOT NULL,
  epoch           bigint NOT NULL,
  detected_at     timestamptz NOT NULL,
  window_seconds  integer NOT NULL CHECK (window_seconds >= 0),
  window_from     timestamptz NOT NULL,
  state           text NOT NULL CHECK (state IN ('PROMOTING', 'DONE', 'SUPERSEDED')),
  promoted        integer,
  already_present integer,
  duration_ms     bigint,
  finished_at     timestamptz,
  UNIQUE (pair_name, epoch)
);

CREATE INDEX failovers_open ON failovers (pair_name) WHERE state = 'PROMOTING';

-- What a secondary does with a call of its own that never reached the call database: report it, or
-- report and promote it.
ALTER TABLE pairs ADD COLUMN gap_policy text NOT NULL DEFAULT 'promote' CHECK (gap_policy IN ('report', 'promote'));
