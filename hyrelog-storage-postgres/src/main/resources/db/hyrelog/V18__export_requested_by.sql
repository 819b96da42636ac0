-- Export jobs created by a dashboard user (POST /dashboard/exports) have no API key: they name
-- the user instead. Exactly one of key_id and requested_by says who created a job.
ALTER TABLE export_jobs ALTER COLUMN key_id DROP NOT NULL;
ALTER TABLE export_jobs ADD COLUMN requested_by text
  CHECK (char_length(requested_by) BETWEEN 1 AND 200);
ALTER TABLE export_jobs ADD CONSTRAINT export_jobs_one_requester
  CHECK ((key_id IS NULL) <> (requested_by IS NULL));
