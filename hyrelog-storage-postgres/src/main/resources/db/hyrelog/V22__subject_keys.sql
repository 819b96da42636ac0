-- Subject keys: crypto-shredding of personal values in archived segments (docs/format.md §11).
-- No personal value is stored here: a subject appears only as its reference, HMAC-SHA256 under
-- the company's pepper of DataSubject.canonical(). Peppers and key material are sealed with
-- AES-256-GCM under the deployment's subject key encryption key (a 12-byte nonce, the
-- ciphertext and the 16-byte tag); the database alone opens nothing.

CREATE TABLE subject_key_peppers (
  company_id uuid PRIMARY KEY,
  sealed     bytea NOT NULL CHECK (octet_length(sealed) = 60),
  created_at timestamptz NOT NULL
);

-- One live key per company, workspace and subject. Destroying a key deletes its row: the key id
-- written into segments then leads nowhere, and the material is gone.
CREATE TABLE subject_keys (
  id           uuid PRIMARY KEY,
  company_id   uuid NOT NULL,
  workspace_id uuid NOT NULL,
  reference    bytea NOT NULL CHECK (octet_length(reference) = 32),
  sealed       bytea NOT NULL CHECK (octet_length(sealed) = 60),
  created_at   timestamptz NOT NULL,
  UNIQUE (company_id, workspace_id, reference)
);

-- When a subject's keys were last destroyed, per workspace, or company-wide (workspace_id is
-- then the nil UUID). An event recorded up to then is archived with its personal values
-- erased; a later one gets a new key.
CREATE TABLE subject_key_tombstones (
  company_id   uuid NOT NULL,
  workspace_id uuid NOT NULL,
  reference    bytea NOT NULL CHECK (octet_length(reference) = 32),
  destroyed_at timestamptz NOT NULL,
  PRIMARY KEY (company_id, workspace_id, reference)
);

-- The application role: peppers are never changed or deleted (UPDATE on one column only lets
-- it lock a company's row FOR SHARE / FOR UPDATE, which serializes sealing and destroying);
-- keys are created and deleted, never changed; tombstones only move later.
DO $$
BEGIN
  IF '${appRole}' <> '' THEN
    EXECUTE format('GRANT SELECT, INSERT, UPDATE (created_at) ON subject_key_peppers TO %I',
      '${appRole}');
    EXECUTE format('GRANT SELECT, INSERT, DELETE ON subject_keys TO %I', '${appRole}');
    EXECUTE format('GRANT SELECT, INSERT, UPDATE (destroyed_at) ON subject_key_tombstones TO %I',
      '${appRole}');
  END IF;
END $$;
