-- What a copy's capture source sent that was odd but recordable (a JSON array of short kinds such as
-- "no-metadata" or "codec-unsupported:G729"), and the DTMF digits sent during the call (a JSON array of
-- {digit, startMillis, durationMillis}). Both are per copy: the Main and the Backup may see different things.
ALTER TABLE copies ADD COLUMN quirks jsonb NOT NULL DEFAULT '[]';
ALTER TABLE copies ADD COLUMN dtmf jsonb NOT NULL DEFAULT '[]';
