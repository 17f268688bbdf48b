-- The lease of the Recorder Redundancy Controller: of any number of Recorder Managers on one call database, only
-- the one holding this row's lease acts (failover, failback, alarms, events, the passes that must run once).
--
-- One row. epoch is raised at every change of holder: the fencing token of a leadership. renewals is raised by
-- every write, the holder's renewals included: a standby that sees it unchanged for the whole lease, on its own
-- monotonic clock, may take the lease, by a write that succeeds only if renewals is still what it saw. No
-- expiry time is stored: no clock of one host is compared with another's.
CREATE TABLE controller_lease (
    id          smallint PRIMARY KEY CHECK (id = 1),
    holder_id   text,
    holder_url  text,
    epoch       bigint NOT NULL DEFAULT 0,
    renewals    bigint NOT NULL DEFAULT 0,
    renewed_at  timestamptz
);

INSERT INTO controller_lease (id) VALUES (1);
