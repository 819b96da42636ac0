-- Personal-data requests (docs/gdpr.md): erasure (GDPR Art. 17) and access (Art. 15, 20).
--
-- A request moves PENDING_APPROVAL -> APPROVED -> RUNNING -> COMPLETED, or ends REJECTED or
-- CANCELLED (from PENDING_APPROVAL) or FAILED (from RUNNING); a RUNNING request may be rewritten
-- in place (progress). Access requests are filed APPROVED. io.hyrelog.personal.GdprRequestStatus
-- holds the same table. The CHECK constraints tie each status to the columns it needs, hold
-- dual control (an erasure's approver is not its requester) and drop the subject's value once
-- the request is final (only its salted hash stays); the trigger refuses any other status
-- change and any change of the request's identity, whoever writes. Writers change a row only
-- with UPDATE ... WHERE id = ? AND status = ? AND updated_at = ? AND result IS NOT DISTINCT
-- FROM ?, so two processes racing for one request cannot both win. Rows are never deleted.

CREATE TABLE gdpr_requests (
  id              uuid PRIMARY KEY,
  company_id      uuid NOT NULL REFERENCES companies (id),
  workspace_id    uuid,
  type            text NOT NULL CHECK (type IN ('ERASURE', 'ACCESS')),
  subject_kind    text NOT NULL CHECK (subject_kind IN ('ACTOR_ID', 'ACTOR_EMAIL', 'METADATA')),
  subject_key     text CHECK (char_length(subject_key) BETWEEN 1 AND 128),
  subject_value   text CHECK (char_length(subject_value) BETWEEN 1 AND 1024),
  subject_salt    bytea NOT NULL CHECK (length(subject_salt) = 16),
  subject_hash    bytea NOT NULL CHECK (length(subject_hash) = 32),
  reason          text NOT NULL CHECK (char_length(reason) BETWEEN 1 AND 1000),
  requester_kind  text NOT NULL CHECK (requester_kind IN ('KEY', 'DASHBOARD_USER')),
  requester_id    text NOT NULL CHECK (char_length(requester_id) BETWEEN 1 AND 256),
  status          text NOT NULL CHECK (status IN ('PENDING_APPROVAL', 'APPROVED', 'RUNNING',
                    'COMPLETED', 'REJECTED', 'CANCELLED', 'FAILED')),
  filed_at        timestamptz NOT NULL,
  due_at          timestamptz NOT NULL,
  updated_at      timestamptz NOT NULL,
  decided_by_kind text CHECK (decided_by_kind IN ('KEY', 'DASHBOARD_USER')),
  decided_by_id   text CHECK (char_length(decided_by_id) BETWEEN 1 AND 256),
  decided_at      timestamptz,
  started_at      timestamptz,
  finished_at     timestamptz,
  result          jsonb CHECK (result IS NULL OR jsonb_typeof(result) = 'object'),
  failure         text CHECK (char_length(failure) BETWEEN 1 AND 1000),
  CHECK ((subject_kind = 'METADATA') = (subject_key IS NOT NULL)),
  CHECK ((subject_value IS NULL) = (status IN ('COMPLETED', 'REJECTED', 'CANCELLED', 'FAILED'))),
  CHECK (due_at = filed_at + interval '30 days'),
  CHECK (updated_at >= filed_at),
  CHECK ((decided_by_kind IS NULL) = (decided_by_id IS NULL)),
  CHECK ((decided_by_kind IS NULL) = (decided_at IS NULL)),
  CHECK ((decided_by_kind IS NOT NULL) = (status IN ('REJECTED', 'CANCELLED')
         OR (type = 'ERASURE' AND status IN ('APPROVED', 'RUNNING', 'COMPLETED', 'FAILED')))),
  CHECK (NOT (type = 'ERASURE' AND status IN ('APPROVED', 'RUNNING', 'COMPLETED', 'FAILED')
         AND decided_by_kind = requester_kind AND decided_by_id = requester_id)),
  CHECK (type = 'ERASURE' OR status <> 'PENDING_APPROVAL'),
  CHECK ((started_at IS NOT NULL) = (status IN ('RUNNING', 'COMPLETED', 'FAILED'))),
  CHECK ((finished_at IS NOT NULL) = (status IN ('COMPLETED', 'FAILED'))),
  CHECK (status <> 'COMPLETED' OR result IS NOT NULL),
  CHECK (result IS NULL OR status IN ('RUNNING', 'COMPLETED')),
  CHECK ((failure IS NOT NULL) = (status = 'FAILED'))
);
CREATE INDEX gdpr_requests_company ON gdpr_requests (company_id, filed_at DESC, id DESC);
CREATE INDEX gdpr_requests_work ON gdpr_requests (status, filed_at, id)
  WHERE status IN ('PENDING_APPROVAL', 'APPROVED', 'RUNNING');

CREATE FUNCTION hyrelog_gdpr_transition() RETURNS trigger LANGUAGE plpgsql
  SET search_path = "${schema}", pg_temp AS $$
BEGIN
  IF (OLD.status, NEW.status) IN (
      ('PENDING_APPROVAL', 'APPROVED'), ('PENDING_APPROVAL', 'REJECTED'),
      ('PENDING_APPROVAL', 'CANCELLED'), ('APPROVED', 'RUNNING'), ('RUNNING', 'RUNNING'),
      ('RUNNING', 'COMPLETED'), ('RUNNING', 'FAILED')) THEN
    IF OLD.id <> NEW.id OR OLD.company_id <> NEW.company_id
        OR OLD.workspace_id IS DISTINCT FROM NEW.workspace_id OR OLD.type <> NEW.type
        OR OLD.subject_kind <> NEW.subject_kind
        OR OLD.subject_key IS DISTINCT FROM NEW.subject_key
        OR OLD.subject_salt <> NEW.subject_salt OR OLD.subject_hash <> NEW.subject_hash
        OR (NEW.subject_value IS NOT NULL AND NEW.subject_value <> OLD.subject_value)
        OR OLD.reason <> NEW.reason OR OLD.requester_kind <> NEW.requester_kind
        OR OLD.requester_id <> NEW.requester_id OR OLD.filed_at <> NEW.filed_at THEN
      RAISE EXCEPTION 'hyrelog: a gdpr request keeps its id, company, scope, subject, reason,'
        ' requester and filing time' USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'hyrelog: a gdpr request cannot move from % to %', OLD.status, NEW.status
    USING ERRCODE = 'check_violation';
END $$;

CREATE TRIGGER gdpr_requests_transition BEFORE UPDATE ON gdpr_requests
  FOR EACH ROW EXECUTE FUNCTION hyrelog_gdpr_transition();

DO $$
BEGIN
  IF '${appRole}' <> '' THEN
    EXECUTE format('GRANT SELECT, INSERT, UPDATE ON gdpr_requests TO %I', '${appRole}');
  END IF;
END $$;
