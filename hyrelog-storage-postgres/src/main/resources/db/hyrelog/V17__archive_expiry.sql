-- Archive expiry (the archive.expire job, io.hyrelog.archive.Archival#expire): a VERIFIED,
-- purged segment whose archive retention ended becomes EXPIRED. Its row and its ranges stay,
-- so each chain keeps the boundary of its expired prefix (seqs 1..N and the hash of N, which
-- seq N+1's prevHash links to); its object is deleted from the archive store afterwards.

ALTER TABLE archive_segments DROP CONSTRAINT archive_segments_status_check;
ALTER TABLE archive_segments ADD CONSTRAINT archive_segments_status_check
  CHECK (status IN ('PENDING', 'UPLOADED', 'VERIFIED', 'FAILED', 'EXPIRED'));
ALTER TABLE archive_segments ADD COLUMN expired_at timestamptz;
ALTER TABLE archive_segments ADD CONSTRAINT archive_segments_expired_at
  CHECK ((status = 'EXPIRED') = (expired_at IS NOT NULL));
ALTER TABLE archive_segments ADD CONSTRAINT archive_segments_expired_purged
  CHECK (expired_at IS NULL OR (purged_at IS NOT NULL AND verified_at IS NOT NULL));
