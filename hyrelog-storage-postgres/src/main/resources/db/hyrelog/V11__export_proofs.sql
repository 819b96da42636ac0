-- JSONL exports with per-event inclusion proofs (POST /v1/exports "proofs": true) are stored
-- with the format JSONL_PROOFS: the export's bytes are those of JSONL; the proofs companion
-- (GET /v1/exports/{jobId}/proofs) is offered for them only.
ALTER TABLE export_jobs DROP CONSTRAINT export_jobs_format_check;
ALTER TABLE export_jobs ADD CONSTRAINT export_jobs_format_check
  CHECK (format IN ('JSONL', 'JSONL_PROOFS', 'CSV', 'CSV_SAFE'));
