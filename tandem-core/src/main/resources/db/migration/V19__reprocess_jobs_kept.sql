-- The reprocesses the Managers started, each until it is seen to end: retention keeps a month whose calls a reprocess
-- still under way may write (a reprocess of a range marks its calls again), on whichever Manager it was started.
CREATE TABLE reprocess_jobs (
  id              text PRIMARY KEY,
  serial          integer NOT NULL,
  recorder_job_id text NOT NULL,
  from_time       timestamptz NOT NULL,
  to_time         timestamptz NOT NULL,
  started_at      timestamptz NOT NULL,
  ended_at        timestamptz,
  CHECK (from_time < to_time)
);

CREATE INDEX reprocess_jobs_open ON reprocess_jobs (from_time) WHERE ended_at IS NULL;
