-- Signed snapshots (docs: README "Signed checkpoints and snapshots"). The audit.snapshot job
-- records, per company and period [period_from, period_to) of recorded time, the manifest it
-- signed and stored in the archive store (manifest_key, signature_key; both write-once), and
-- seals one seq range per chain as lifecycle_ranges rows (state SEALED, reference = the
-- snapshot id). One snapshot per company and period: a rerun finds it and changes nothing.

CREATE TABLE snapshots (
  id              uuid PRIMARY KEY,
  company_id      uuid NOT NULL REFERENCES companies (id),
  period_from     timestamptz NOT NULL,
  period_to       timestamptz NOT NULL,
  manifest_sha256 bytea NOT NULL CHECK (length(manifest_sha256) = 32),
  manifest_key    text NOT NULL UNIQUE,
  signature_key   text NOT NULL UNIQUE,
  key_name        text NOT NULL,
  key_id          text NOT NULL CHECK (key_id ~ '^[0-9a-f]{8}$'),
  chains          integer NOT NULL CHECK (chains >= 0),
  events          bigint NOT NULL CHECK (events >= 0),
  created_at      timestamptz NOT NULL,
  UNIQUE (company_id, period_from, period_to),
  CHECK (period_from < period_to)
);

-- Which events belong to a period is decided on recorded time per chain; this finds a
-- period's first seq without scanning the chain (archival's retention marking uses it too).
CREATE INDEX events_workspace_recorded ON events (workspace_id, recorded_at);

DO $$
BEGIN
  IF '${appRole}' <> '' THEN
    EXECUTE format('GRANT SELECT, INSERT ON snapshots TO %I', '${appRole}');
  END IF;
END $$;
