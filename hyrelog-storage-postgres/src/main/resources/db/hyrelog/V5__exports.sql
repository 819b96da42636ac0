-- Export jobs (docs: README "Exports"). A job fixes, at creation, what every download of it
-- exports: the filters, the row limit, each in-scope chain's head seq (export_job_heads) and,
-- for archived sources, the archive segments it reads. Downloads stream events in the order
-- (workspace_id, seq) per chain and never materialize the export.

CREATE TABLE export_jobs (
  id                 uuid PRIMARY KEY,
  company_id         uuid NOT NULL REFERENCES companies (id),
  scope_workspace_id uuid REFERENCES workspaces (id),
  key_id             uuid NOT NULL,
  source             text NOT NULL CHECK (source IN ('HOT', 'ARCHIVED', 'HOT_AND_ARCHIVED')),
  format             text NOT NULL CHECK (format IN ('JSONL', 'CSV')),
  filters            json NOT NULL,      -- as given (json keeps the text; jsonb would not)
  row_limit          bigint CHECK (row_limit > 0),
  segment_ids        uuid[] NOT NULL DEFAULT '{}',
  status             text NOT NULL CHECK (status IN ('PENDING', 'RUNNING', 'COMPLETED', 'FAILED')),
  rows_exported      bigint NOT NULL DEFAULT 0 CHECK (rows_exported >= 0),
  bytes              bigint NOT NULL DEFAULT 0 CHECK (bytes >= 0),
  truncated          boolean NOT NULL DEFAULT false,
  downloads          integer NOT NULL DEFAULT 0 CHECK (downloads >= 0),
  created_at         timestamptz NOT NULL,
  started_at         timestamptz,
  finished_at        timestamptz,
  error              text,
  CHECK ((status = 'FAILED') = (error IS NOT NULL))
);
CREATE INDEX export_jobs_company ON export_jobs (company_id, created_at DESC);

-- The snapshot: the head seq of each chain in the job's scope when it was created.
CREATE TABLE export_job_heads (
  job_id       uuid NOT NULL REFERENCES export_jobs (id),
  workspace_id uuid NOT NULL,
  head_seq     bigint NOT NULL CHECK (head_seq >= 1),
  PRIMARY KEY (job_id, workspace_id)
);

DO $$
BEGIN
  IF '${appRole}' <> '' THEN
    EXECUTE format('GRANT SELECT, INSERT, UPDATE ON export_jobs TO %I', '${appRole}');
    EXECUTE format('GRANT SELECT, INSERT ON export_job_heads TO %I', '${appRole}');
  END IF;
END $$;
