-- Alarms as state: one row per alarm raised and not yet cleared, so that each transition is appended to the
-- event log exactly once, by whichever Recorder Manager sees it first, and survives a restart. serial is the
-- recorder an alarm is about (DISK_LOW), or 0 for the pair as a whole (BACKUP_DOWN, GAP); details are those
-- of the event that raised it, repeated when it is cleared.
CREATE TABLE alarms (
  pair_name       text NOT NULL REFERENCES pairs (name),
  alarm           text NOT NULL,
  serial          integer NOT NULL DEFAULT 0,
  raised_at       timestamptz NOT NULL,
  raised_event_id bigint NOT NULL,
  details         jsonb NOT NULL DEFAULT '{}',
  PRIMARY KEY (pair_name, alarm, serial)
);

-- Where events are pushed: webhooks and syslog receivers, from the Manager's config file or the API. Each
-- target keeps the id of the last event it delivered; its delivery sends the events after it, in order.
CREATE TABLE notification_targets (
  id            bigserial PRIMARY KEY,
  name          text NOT NULL UNIQUE,
  source        text NOT NULL CHECK (source IN ('config', 'api')),
  kind          text NOT NULL CHECK (kind IN ('webhook', 'syslog')),
  url           text,
  secret        text,
  host          text,
  port          integer CHECK (port BETWEEN 1 AND 65535),
  transport     text CHECK (transport IN ('udp', 'tcp')),
  facility      text,
  last_event_id bigint NOT NULL CHECK (last_event_id >= 0),
  created_at    timestamptz NOT NULL,
  CHECK (kind <> 'webhook' OR (url IS NOT NULL AND secret IS NOT NULL)),
  CHECK (kind <> 'syslog' OR (host IS NOT NULL AND port IS NOT NULL AND transport IS NOT NULL AND facility IS NOT NULL))
);

-- The latest event of a kind per pair (heartbeats, a recorder's last down or up) is read at a Manager's start.
CREATE INDEX events_type_pair ON events (type, pair_name, id);
