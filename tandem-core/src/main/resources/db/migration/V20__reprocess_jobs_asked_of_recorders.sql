-- Retention now asks every registered recorder for the jobs it runs, however they were started (through a Manager or
-- on the recorder's own admin API): the reprocesses the Managers kept here are no longer read.
DROP TABLE reprocess_jobs;
