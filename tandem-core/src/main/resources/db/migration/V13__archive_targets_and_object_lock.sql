-- An archive rule names its target: a folder (target_path, as before) or an S3 target of the config files by name,
-- with target_path then the key prefix. A rule may lock its S3 copies: a retention mode and period, a legal hold.
ALTER TABLE archive_rules
  ADD COLUMN s3_target text,
  ADD COLUMN retention_mode text CHECK (retention_mode IN ('GOVERNANCE', 'COMPLIANCE')),
  ADD COLUMN retention_days integer CHECK (retention_days BETWEEN 1 AND 36525),
  ADD COLUMN legal_hold boolean NOT NULL DEFAULT false,
  ADD CONSTRAINT archive_rules_retention_whole CHECK ((retention_mode IS NULL) = (retention_days IS NULL)),
  ADD CONSTRAINT archive_rules_lock_on_s3 CHECK (s3_target IS NOT NULL OR (retention_mode IS NULL AND NOT legal_hold));

-- The lock each archived copy was written under, as its archive state shows it.
ALTER TABLE archived_copies
  ADD COLUMN retention_mode text CHECK (retention_mode IN ('GOVERNANCE', 'COMPLIANCE')),
  ADD COLUMN retain_until timestamptz,
  ADD COLUMN legal_hold boolean NOT NULL DEFAULT false,
  ADD CONSTRAINT archived_copies_retention_whole CHECK ((retention_mode IS NULL) = (retain_until IS NULL));
