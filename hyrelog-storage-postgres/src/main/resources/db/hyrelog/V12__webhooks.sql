-- Webhooks (io.hyrelog.spi.WebhookStore): endpoints, the deliveries the append transaction
-- writes for every created event and matching enabled endpoint (a transactional outbox), and
-- the insert-only record of every delivery attempt.

-- Secrets are sealed (AES-256-GCM under the deployment's webhook key) before they reach here;
-- the database never sees a plain secret. The previous secret signs beside the current one
-- until previous_until (a rotation's grace period).
CREATE TABLE webhook_endpoints (
  id              uuid PRIMARY KEY,
  company_id      uuid NOT NULL,
  workspace_id    uuid NOT NULL,
  project_id      uuid,
  url             text NOT NULL CHECK (char_length(url) BETWEEN 1 AND 2048),
  events          text[] NOT NULL CHECK (cardinality(events) >= 1),
  description     text NOT NULL CHECK (char_length(description) <= 500),
  secret          bytea NOT NULL CHECK (length(secret) BETWEEN 1 AND 256),
  previous_secret bytea CHECK (length(previous_secret) BETWEEN 1 AND 256),
  previous_until  timestamptz,
  enabled         boolean NOT NULL,
  disabled_reason text CHECK (char_length(disabled_reason) BETWEEN 1 AND 500),
  failing_since   timestamptz,
  created_at      timestamptz NOT NULL,
  updated_at      timestamptz NOT NULL,
  CHECK ((previous_secret IS NULL) = (previous_until IS NULL)),
  CHECK (enabled = (disabled_reason IS NULL)),
  CHECK (updated_at >= created_at)
);
-- A company's endpoints, oldest first (and counted under the company's lock at creation).
CREATE INDEX webhook_endpoints_company ON webhook_endpoints (company_id, created_at, id);
-- The outbox looks up the enabled endpoints of the appended chains.
CREATE INDEX webhook_endpoints_outbox ON webhook_endpoints (workspace_id) WHERE enabled;

-- One event for one endpoint. The rules of io.hyrelog.webhook.WebhookDelivery hold here too.
-- A lease (lease_owner, lease_until) is a worker's claim; it only ever rests on a PENDING row.
-- No foreign key to events: retention purges events, their delivery records stay.
CREATE TABLE webhook_deliveries (
  id               uuid PRIMARY KEY,
  endpoint_id      uuid NOT NULL REFERENCES webhook_endpoints (id),
  company_id       uuid NOT NULL,
  workspace_id     uuid NOT NULL,
  event_id         uuid NOT NULL,
  seq              bigint NOT NULL CHECK (seq >= 1),
  status           text NOT NULL CHECK (status IN ('PENDING', 'SUCCEEDED', 'FAILED')),
  attempts         integer NOT NULL CHECK (attempts >= 0),
  next_attempt_at  timestamptz,
  lease_owner      text CHECK (char_length(lease_owner) BETWEEN 1 AND 200),
  lease_until      timestamptz,
  last_attempt_at  timestamptz,
  last_status_code integer CHECK (last_status_code = 0 OR last_status_code BETWEEN 100 AND 599),
  created_at       timestamptz NOT NULL,
  -- An endpoint covers one chain: one delivery per event, and the page order (seq).
  UNIQUE (endpoint_id, seq),
  CHECK ((next_attempt_at IS NOT NULL) = (status = 'PENDING')),
  CHECK ((last_attempt_at IS NOT NULL) = (attempts > 0)),
  CHECK ((last_status_code IS NOT NULL) = (attempts > 0)),
  CHECK ((lease_owner IS NULL) = (lease_until IS NULL)),
  CHECK (lease_owner IS NULL OR status = 'PENDING')
);
-- The claim: per endpoint, its lowest PENDING seq (one probe per endpoint; only PENDING rows
-- are in it, so delivered history does not slow claims down).
CREATE INDEX webhook_deliveries_claim ON webhook_deliveries (endpoint_id, seq)
  WHERE status = 'PENDING';

-- Insert-only, like events: what each attempt got back.
CREATE TABLE webhook_attempts (
  delivery_id uuid NOT NULL REFERENCES webhook_deliveries (id),
  number      integer NOT NULL CHECK (number >= 1),
  at          timestamptz NOT NULL,
  status_code integer NOT NULL CHECK (status_code = 0 OR status_code BETWEEN 100 AND 599),
  duration_ns bigint NOT NULL CHECK (duration_ns >= 0),
  error_class text NOT NULL CHECK (char_length(error_class) <= 100),
  excerpt     text NOT NULL CHECK (char_length(excerpt) <= 1024),
  PRIMARY KEY (delivery_id, number),
  CHECK ((status_code = 0) = (error_class <> ''))
);

CREATE FUNCTION hyrelog_refuse_attempt_change() RETURNS trigger LANGUAGE plpgsql
  SET search_path = "${schema}", pg_temp AS $$
BEGIN
  RAISE EXCEPTION 'hyrelog: webhook attempts are insert-only (% refused)', TG_OP
    USING ERRCODE = 'insufficient_privilege',
          HINT = 'an attempt is a record of what happened; a retry adds a new one';
END $$;

CREATE TRIGGER webhook_attempts_insert_only BEFORE UPDATE OR DELETE ON webhook_attempts
  FOR EACH ROW EXECUTE FUNCTION hyrelog_refuse_attempt_change();
CREATE TRIGGER webhook_attempts_no_truncate BEFORE TRUNCATE ON webhook_attempts
  FOR EACH STATEMENT EXECUTE FUNCTION hyrelog_refuse_attempt_change();

REVOKE ALL ON FUNCTION hyrelog_refuse_attempt_change() FROM PUBLIC;

-- Least privilege: no DELETE anywhere; UPDATE only of what changes after creation.
DO $$
BEGIN
  IF '${appRole}' <> '' THEN
    EXECUTE format('GRANT SELECT, INSERT, UPDATE (secret, previous_secret, previous_until,'
      ' enabled, disabled_reason, failing_since, updated_at) ON webhook_endpoints TO %I',
      '${appRole}');
    EXECUTE format('GRANT SELECT, INSERT, UPDATE (status, attempts, next_attempt_at,'
      ' lease_owner, lease_until, last_attempt_at, last_status_code) ON webhook_deliveries'
      ' TO %I', '${appRole}');
    EXECUTE format('GRANT SELECT, INSERT ON webhook_attempts TO %I', '${appRole}');
  END IF;
END $$;
