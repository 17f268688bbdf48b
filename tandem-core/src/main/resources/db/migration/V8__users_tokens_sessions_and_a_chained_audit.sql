-- Who may call the APIs: users (people, with a password hash), API tokens (scripts, stored as the SHA-256 of
-- the token) and login sessions (stored as the SHA-256 of the cookie's id). And the audit made tamper-evident:
-- each row holds the SHA-256 of the row before it and of its own fields, appended behind a one-row chain head.

CREATE TABLE users (
  name          text PRIMARY KEY CHECK (name ~ '^[A-Za-z0-9._@-]{1,64}$'),
  role          text NOT NULL CHECK (role IN ('admin', 'operator', 'supervisor', 'auditor')),
  password_hash text NOT NULL,
  created_at    timestamptz NOT NULL,
  created_by    text NOT NULL
);

CREATE TABLE api_tokens (
  id         bigserial PRIMARY KEY,
  name       text NOT NULL CHECK (name ~ '^[A-Za-z0-9._@-]{1,64}$'),
  role       text NOT NULL CHECK (role IN ('admin', 'operator', 'supervisor', 'auditor')),
  sha256     text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL,
  created_by text NOT NULL,
  revoked_at timestamptz
);

CREATE TABLE sessions (
  sha256     text PRIMARY KEY,
  user_name  text NOT NULL REFERENCES users (name) ON DELETE CASCADE,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL
);

CREATE INDEX sessions_expiry ON sessions (expires_at);

ALTER TABLE audit ADD COLUMN target text NOT NULL DEFAULT '';
ALTER TABLE audit ADD COLUMN prev_hash text;
ALTER TABLE audit ADD COLUMN hash text;

-- The chain head: the last row appended, its hash and how many rows the chain holds. Appends lock it (FOR
-- UPDATE), so the chain is linear; verification compares it with the table, so rows cut off the end show.
CREATE TABLE audit_chain (
  id      integer PRIMARY KEY CHECK (id = 1),
  last_id bigint NOT NULL,
  hash    text NOT NULL,
  row_count bigint NOT NULL
);

-- The rows written before the chain existed are chained now, in id order, by the rule the application uses:
-- hash = sha256 of each field as "<octets>:<text>;" in the order id, at (microseconds since 1970), actor,
-- action, target, detail, result, prev_hash.
DO $$
DECLARE
  r record;
  prev text := repeat('0', 64);
  n bigint := 0;
  last bigint := 0;
  h text;
BEGIN
  FOR r IN SELECT id, at, actor, action, target, detail, result FROM audit ORDER BY id LOOP
    h := encode(sha256(convert_to(
        octet_length(r.id::text) || ':' || r.id::text || ';'
        || octet_length(((extract(epoch FROM r.at) * 1000000)::bigint)::text) || ':'
        || ((extract(epoch FROM r.at) * 1000000)::bigint)::text || ';'
        || octet_length(r.actor) || ':' || r.actor || ';'
        || octet_length(r.action) || ':' || r.action || ';'
        || octet_length(r.target) || ':' || r.target || ';'
        || octet_length(r.detail) || ':' || r.detail || ';'
        || octet_length(r.result) || ':' || r.result || ';'
        || octet_length(prev) || ':' || prev || ';', 'UTF8')), 'hex');
    UPDATE audit SET prev_hash = prev, hash = h WHERE id = r.id;
    prev := h;
    n := n + 1;
    last := r.id;
  END LOOP;
  INSERT INTO audit_chain (id, last_id, hash, row_count) VALUES (1, last, prev, n);
END $$;

ALTER TABLE audit ALTER COLUMN prev_hash SET NOT NULL;
ALTER TABLE audit ALTER COLUMN hash SET NOT NULL;

-- Append-only for everyone who is not the table's owner or a superuser: no UPDATE, DELETE or TRUNCATE.
REVOKE UPDATE, DELETE, TRUNCATE ON audit FROM PUBLIC;

-- The application's group role: everything on every table but changing or removing audit rows. A login role
-- the recorders and the Manager connect as is made a member of it (GRANT tandem_app TO ...). Made only where
-- the migrating role may create roles; elsewhere the database's administrator makes it.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'tandem_app')
      AND EXISTS (SELECT 1 FROM pg_roles WHERE rolname = current_user AND (rolsuper OR rolcreaterole)) THEN
    CREATE ROLE tandem_app NOLOGIN NOSUPERUSER NOBYPASSRLS;
  END IF;
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'tandem_app') THEN
    GRANT USAGE ON SCHEMA public TO tandem_app;
    GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO tandem_app;
    GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO tandem_app;
    REVOKE UPDATE, DELETE, TRUNCATE ON audit FROM tandem_app;
    ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO tandem_app;
    ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO tandem_app;
  END IF;
END $$;
