-- Restore requests of cold archive segments and the dashboard's admin audit log (docs: README
-- "Cold storage and restore").
--
-- A restore request moves PENDING -> APPROVED -> INITIATING -> IN_PROGRESS -> COMPLETED ->
-- EXPIRED, or ends REJECTED (from PENDING), CANCELLED (from PENDING or APPROVED) or FAILED (from
-- INITIATING or IN_PROGRESS); io.hyrelog.lifecycle.RestoreStatus holds the same table. The
-- CHECK constraints tie each status to the columns it needs; the trigger refuses any other
-- status change, whoever writes. At most one open (not final) request per segment. Writers
-- change a row only with UPDATE ... WHERE id = ? AND status = <the status they read>, so two
-- processes racing for one request cannot both win.

CREATE TABLE restore_requests (
  id                 uuid PRIMARY KEY,
  company_id         uuid NOT NULL REFERENCES companies (id),
  segment_id         uuid NOT NULL REFERENCES archive_segments (id),
  tier               text NOT NULL CHECK (tier IN ('EXPEDITED', 'STANDARD', 'BULK')),
  days               integer NOT NULL CHECK (days BETWEEN 1 AND 365),
  status             text NOT NULL CHECK (status IN ('PENDING', 'APPROVED', 'INITIATING',
                       'IN_PROGRESS', 'COMPLETED', 'EXPIRED', 'REJECTED', 'CANCELLED', 'FAILED')),
  requested_by       text NOT NULL CHECK (length(requested_by) BETWEEN 1 AND 256),
  requested_by_email text NOT NULL CHECK (length(requested_by_email) BETWEEN 1 AND 320),
  estimated_cost     numeric(20, 6) NOT NULL CHECK (estimated_cost >= 0),
  currency           text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  created_at         timestamptz NOT NULL,
  updated_at         timestamptz NOT NULL,
  approved_by        text,
  approved_at        timestamptz,
  rejected_by        text,
  rejected_at        timestamptz,
  rejection_reason   text CHECK (length(rejection_reason) BETWEEN 1 AND 500),
  cancelled_by       text,
  cancelled_at       timestamptz,
  initiated_at       timestamptz,
  completed_at       timestamptz,
  restored_until     timestamptz,
  expired_at         timestamptz,
  failure            text,
  CHECK ((approved_by IS NULL) = (approved_at IS NULL)),
  CHECK ((rejected_by IS NULL) = (rejected_at IS NULL)),
  CHECK ((cancelled_by IS NULL) = (cancelled_at IS NULL)),
  CHECK ((completed_at IS NULL) = (restored_until IS NULL)),
  CHECK (status = 'CANCELLED' OR (approved_at IS NOT NULL) =
         (status IN ('APPROVED', 'INITIATING', 'IN_PROGRESS', 'COMPLETED', 'EXPIRED', 'FAILED'))),
  CHECK ((rejected_at IS NOT NULL) = (status = 'REJECTED')),
  CHECK ((rejection_reason IS NOT NULL) = (status = 'REJECTED')),
  CHECK ((cancelled_at IS NOT NULL) = (status = 'CANCELLED')),
  CHECK ((initiated_at IS NOT NULL) =
         (status IN ('INITIATING', 'IN_PROGRESS', 'COMPLETED', 'EXPIRED', 'FAILED'))),
  CHECK ((completed_at IS NOT NULL) = (status IN ('COMPLETED', 'EXPIRED'))),
  CHECK ((expired_at IS NOT NULL) = (status = 'EXPIRED')),
  CHECK ((failure IS NOT NULL) = (status = 'FAILED'))
);
CREATE UNIQUE INDEX restore_requests_one_open ON restore_requests (segment_id)
  WHERE status IN ('PENDING', 'APPROVED', 'INITIATING', 'IN_PROGRESS', 'COMPLETED');
CREATE INDEX restore_requests_company ON restore_requests (company_id, created_at DESC, id DESC);
CREATE INDEX restore_requests_created ON restore_requests (created_at DESC, id DESC);
CREATE INDEX restore_requests_work ON restore_requests (status, updated_at)
  WHERE status IN ('APPROVED', 'INITIATING', 'IN_PROGRESS', 'COMPLETED');

CREATE FUNCTION hyrelog_restore_transition() RETURNS trigger LANGUAGE plpgsql
  SET search_path = "${schema}", pg_temp AS $$
BEGIN
  IF OLD.status = NEW.status OR (OLD.status, NEW.status) IN (
      ('PENDING', 'APPROVED'), ('PENDING', 'REJECTED'), ('PENDING', 'CANCELLED'),
      ('APPROVED', 'INITIATING'), ('APPROVED', 'CANCELLED'),
      ('INITIATING', 'IN_PROGRESS'), ('INITIATING', 'FAILED'),
      ('IN_PROGRESS', 'COMPLETED'), ('IN_PROGRESS', 'FAILED'),
      ('COMPLETED', 'EXPIRED')) THEN
    IF OLD.id <> NEW.id OR OLD.company_id <> NEW.company_id OR OLD.segment_id <> NEW.segment_id
        OR OLD.created_at <> NEW.created_at THEN
      RAISE EXCEPTION 'hyrelog: a restore request keeps its id, company, segment and creation time'
        USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'hyrelog: a restore request cannot move from % to %', OLD.status, NEW.status
    USING ERRCODE = 'check_violation';
END $$;

CREATE TRIGGER restore_requests_transition BEFORE UPDATE ON restore_requests
  FOR EACH ROW EXECUTE FUNCTION hyrelog_restore_transition();

-- Every dashboard action, allowed or refused, by an authenticated dashboard user. Insert-only:
-- the application role may not change or delete rows, and a trigger refuses it for anyone.
-- Newest first is (id DESC): ids are assigned in insertion order.
CREATE TABLE admin_audit_log (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at            timestamptz NOT NULL,
  actor_user_id text NOT NULL,
  actor_email   text NOT NULL,
  actor_role    text NOT NULL,
  company_id    uuid,
  action        text NOT NULL,
  target        text,
  outcome       text NOT NULL CHECK (outcome IN ('OK', 'REFUSED')),
  details       jsonb NOT NULL DEFAULT '{}',
  request_id    text
);
CREATE INDEX admin_audit_log_company ON admin_audit_log (company_id, id DESC);

CREATE FUNCTION hyrelog_refuse_audit_change() RETURNS trigger LANGUAGE plpgsql
  SET search_path = "${schema}", pg_temp AS $$
BEGIN
  RAISE EXCEPTION 'hyrelog: the admin audit log is insert-only (% refused)', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END $$;

CREATE TRIGGER admin_audit_log_insert_only BEFORE UPDATE OR DELETE ON admin_audit_log
  FOR EACH ROW EXECUTE FUNCTION hyrelog_refuse_audit_change();
CREATE TRIGGER admin_audit_log_no_truncate BEFORE TRUNCATE ON admin_audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION hyrelog_refuse_audit_change();

DO $$
BEGIN
  IF '${appRole}' <> '' THEN
    EXECUTE format('GRANT SELECT, INSERT, UPDATE ON restore_requests TO %I', '${appRole}');
    EXECUTE format('GRANT SELECT, INSERT ON admin_audit_log TO %I', '${appRole}');
    EXECUTE format('GRANT USAGE ON SEQUENCE %s TO %I',
      pg_get_serial_sequence(format('%I.admin_audit_log', '${schema}'), 'id'), '${appRole}');
  END IF;
END $$;
