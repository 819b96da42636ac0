-- Retention, archival and the cold tier (docs: README "Retention and archival").
--
-- Retention marks, per chain, a contiguous seq range whose events were all recorded before the
-- company's hot-window cutoff (archive_candidates). Archival turns the candidates of one
-- company and UTC day into one segment object (archive_segments) covering one seq range per
-- chain (archive_segment_ranges). A segment goes PENDING (ranges chosen, key fixed, nothing
-- uploaded yet) -> UPLOADED (object in the store, size and SHA-256 recorded) -> VERIFIED
-- (re-read, re-hashed, chain checked against the database) or FAILED (verification_error).
-- Only a verified segment gets its ARCHIVED lifecycle_ranges rows, and only those let
-- hyrelog_purge_events() remove hot rows. Verification may run again later (an audit of the
-- archive): a segment verified once keeps verified_at, and a later failure makes it FAILED
-- with the error, also after its hot rows were purged (the data is then at risk: alert).

CREATE TABLE archive_candidates (
  workspace_id uuid NOT NULL,
  from_seq     bigint NOT NULL CHECK (from_seq >= 1),
  to_seq       bigint NOT NULL,
  company_id   uuid NOT NULL,
  day          date NOT NULL,
  marked_at    timestamptz NOT NULL,
  PRIMARY KEY (workspace_id, from_seq),
  CHECK (to_seq >= from_seq)
);
CREATE INDEX archive_candidates_company_day ON archive_candidates (company_id, day);

CREATE TABLE archive_segments (
  id                 uuid PRIMARY KEY,
  company_id         uuid NOT NULL,
  day                date NOT NULL,
  object_key         text NOT NULL UNIQUE,
  status             text NOT NULL CHECK (status IN ('PENDING', 'UPLOADED', 'VERIFIED', 'FAILED')),
  events             bigint NOT NULL CHECK (events >= 0),
  min_recorded_at    timestamptz NOT NULL,
  max_recorded_at    timestamptz NOT NULL,
  size_bytes         bigint CHECK (size_bytes >= 0),
  sha256             bytea CHECK (length(sha256) = 32),
  created_at         timestamptz NOT NULL,
  uploaded_at        timestamptz,
  verified_at        timestamptz,
  verification_error text,
  last_checked_at    timestamptz,
  purged_at          timestamptz,
  cold_at            timestamptz,
  restored_until     timestamptz,
  CHECK (status = 'PENDING' OR (sha256 IS NOT NULL AND size_bytes IS NOT NULL)),
  CHECK (status <> 'VERIFIED' OR verified_at IS NOT NULL),
  CHECK ((status = 'FAILED') = (verification_error IS NOT NULL)),
  CHECK (purged_at IS NULL OR verified_at IS NOT NULL)
);
CREATE INDEX archive_segments_company_day ON archive_segments (company_id, day);
CREATE INDEX archive_segments_unfinished ON archive_segments (status)
  WHERE status IN ('PENDING', 'UPLOADED');

CREATE TABLE archive_segment_ranges (
  segment_id      uuid NOT NULL REFERENCES archive_segments (id),
  workspace_id    uuid NOT NULL,
  from_seq        bigint NOT NULL CHECK (from_seq >= 1),
  to_seq          bigint NOT NULL,
  first_prev_hash bytea NOT NULL CHECK (length(first_prev_hash) = 32),
  last_hash       bytea NOT NULL CHECK (length(last_hash) = 32),
  PRIMARY KEY (workspace_id, from_seq),
  CHECK (to_seq >= from_seq)
);
CREATE INDEX archive_segment_ranges_segment ON archive_segment_ranges (segment_id);

DO $$
BEGIN
  IF '${appRole}' <> '' THEN
    EXECUTE format('GRANT SELECT, INSERT, DELETE ON archive_candidates TO %I', '${appRole}');
    EXECUTE format('GRANT SELECT, INSERT, UPDATE ON archive_segments TO %I', '${appRole}');
    EXECUTE format('GRANT SELECT, INSERT ON archive_segment_ranges TO %I', '${appRole}');
  END IF;
END $$;
