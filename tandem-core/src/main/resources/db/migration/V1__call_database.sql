-- The call database: pairs and their epochs, recorders, interactions and their copies, archive
-- state, the append-only event log and the audit trail.

CREATE TABLE pairs (
  name                    text PRIMARY KEY,
  epoch                   bigint NOT NULL DEFAULT 1 CHECK (epoch >= 1),
  rollback_window_seconds integer NOT NULL DEFAULT 900 CHECK (rollback_window_seconds >= 0),
  failback_policy         text NOT NULL DEFAULT 'never' CHECK (failback_policy IN ('never', 'manual'))
);

CREATE TABLE recorders (
  serial        integer PRIMARY KEY CHECK (serial BETWEEN 100000 AND 999999),
  pair          text NOT NULL REFERENCES pairs (name),
  position      text NOT NULL CHECK (position IN ('MAIN', 'BACKUP')),
  role          text NOT NULL CHECK (role IN ('PRIMARY', 'SECONDARY')),
  admin_url     text NOT NULL,
  sip_address   text NOT NULL,
  registered_at timestamptz NOT NULL,
  last_seen_at  timestamptz NOT NULL,
  UNIQUE (pair, position)
);

CREATE TABLE interactions (
  id              bigserial PRIMARY KEY,
  correlation_key text NOT NULL UNIQUE,
  start_time      timestamptz NOT NULL,
  end_time        timestamptz,
  best_inum       bigint,
  participants    jsonb NOT NULL DEFAULT '[]'
);

CREATE INDEX interactions_start_time ON interactions (start_time, id);

CREATE TABLE copies (
  inum             bigint PRIMARY KEY,
  interaction_id   bigint NOT NULL REFERENCES interactions (id),
  serial           integer NOT NULL,
  call_role        text NOT NULL CHECK (call_role IN ('MASTER', 'SLAVE')),
  complete         boolean NOT NULL,
  duration_ms      bigint NOT NULL,
  media_bytes      bigint NOT NULL,
  packets_received bigint NOT NULL,
  packets_lost     bigint NOT NULL,
  start_time       timestamptz NOT NULL,
  end_time         timestamptz,
  marked_epoch     bigint NOT NULL,
  marked_at        timestamptz NOT NULL
);

CREATE INDEX copies_interaction ON copies (interaction_id);
CREATE INDEX copies_serial_start ON copies (serial, start_time);

CREATE TABLE archive_rules (
  id              bigserial PRIMARY KEY,
  name            text NOT NULL,
  recorder_serial integer,
  min_duration_ms bigint NOT NULL DEFAULT 0 CHECK (min_duration_ms >= 0),
  target_path     text NOT NULL,
  enabled         boolean NOT NULL DEFAULT true
);

CREATE TABLE archived_copies (
  inum        bigint PRIMARY KEY REFERENCES copies (inum),
  location    text NOT NULL,
  sha256      text NOT NULL,
  bytes       bigint NOT NULL,
  archived_at timestamptz NOT NULL
);

CREATE TABLE events (
  id        bigserial PRIMARY KEY,
  type      text NOT NULL,
  at        timestamptz NOT NULL,
  pair_name text,
  details   jsonb NOT NULL DEFAULT '{}'
);

CREATE TABLE audit (
  id     bigserial PRIMARY KEY,
  at     timestamptz NOT NULL,
  actor  text NOT NULL,
  action text NOT NULL,
  detail text NOT NULL,
  result text NOT NULL
);

CREATE INDEX audit_at ON audit (at);
