-- Registered recorders, told when they change: a Recorder Manager keeps the recorders it watches in memory and
-- reads them again when a recorder registers, moves to another address or is removed, instead of reading them every
-- few seconds. A notification is sent at commit, once per transaction whatever the rows, and says nothing but that
-- something changed; a Manager that was not listening then reads them all again when it listens anew.
CREATE FUNCTION notify_recorders_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('tandem_recorders', '');
  RETURN NULL;
END $$;

CREATE TRIGGER recorders_changed AFTER INSERT OR DELETE OR UPDATE OF admin_url, pair ON recorders
  FOR EACH STATEMENT EXECUTE FUNCTION notify_recorders_changed();
