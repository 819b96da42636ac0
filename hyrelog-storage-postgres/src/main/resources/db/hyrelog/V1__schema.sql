-- HyreLog schema, version 1. Owned by the migrating role; the application connects as
-- ${appRole}, which gets only the privileges below (no UPDATE/DELETE/TRUNCATE on events).
-- Flyway runs every migration with the HyreLog schema ${schema} as its default schema, so
-- unqualified names here are that schema's; functions pin their search_path to it.

CREATE TABLE plans (
  tier                     text PRIMARY KEY CHECK (tier IN ('FREE', 'STARTER', 'GROWTH', 'ENTERPRISE')),
  hot_retention_days       integer NOT NULL CHECK (hot_retention_days > 0),
  archive_retention_days   integer CHECK (archive_retention_days > 0),
  cold_archive_after_days  integer CHECK (cold_archive_after_days > 0),
  max_export_rows          bigint CHECK (max_export_rows > 0),
  webhooks_enabled         boolean NOT NULL,
  max_webhooks             integer NOT NULL CHECK (max_webhooks >= 0),
  streaming_exports_enabled boolean NOT NULL,
  custom_categories_enabled boolean NOT NULL
);

INSERT INTO plans VALUES
  ('FREE',         7, NULL, NULL,     10000, false,  0, false, false),
  ('STARTER',     30,  180,   90,    250000, false,  0, true,  true),
  ('GROWTH',      90,  365,  180,   1000000, true,   3, true,  true),
  ('ENTERPRISE', 180, 2555,  365,      NULL, true,  20, true,  true);

CREATE TABLE companies (
  id             uuid PRIMARY KEY,
  name           text NOT NULL,
  region         text NOT NULL CHECK (region IN ('US', 'EU', 'UK', 'AU')),
  plan_tier      text NOT NULL REFERENCES plans (tier),
  plan_overrides jsonb NOT NULL DEFAULT '{}',
  created_at     timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE workspaces (
  id         uuid PRIMARY KEY,
  company_id uuid NOT NULL REFERENCES companies (id),
  name       text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX workspaces_company ON workspaces (company_id);

CREATE TABLE projects (
  id           uuid PRIMARY KEY,
  workspace_id uuid NOT NULL REFERENCES workspaces (id),
  company_id   uuid NOT NULL REFERENCES companies (id),
  name         text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now()
);

-- API keys are stored only as HMAC-SHA256 under a server secret; the prefix names type and
-- region (hlk_us_ws_...) so a lookup goes to one region's database.
CREATE TABLE api_keys (
  id            uuid PRIMARY KEY,
  company_id    uuid NOT NULL REFERENCES companies (id),
  workspace_id  uuid REFERENCES workspaces (id),
  type          text NOT NULL CHECK (type IN ('WORKSPACE', 'COMPANY')),
  prefix        text NOT NULL UNIQUE,
  key_hmac      bytea NOT NULL UNIQUE,
  ip_allowlist  cidr[] NOT NULL DEFAULT '{}',
  expires_at    timestamptz,
  revoked_at    timestamptz,
  rotated_from  uuid REFERENCES api_keys (id),
  created_at    timestamptz NOT NULL DEFAULT now(),
  last_used_at  timestamptz,
  CHECK ((type = 'WORKSPACE') = (workspace_id IS NOT NULL))
);

-- One row per chain, locked (SELECT ... FOR UPDATE) by every append transaction.
CREATE TABLE chain_heads (
  workspace_id uuid PRIMARY KEY,
  company_id   uuid NOT NULL,
  seq          bigint NOT NULL CHECK (seq >= 0),
  hash         bytea NOT NULL CHECK (length(hash) = 32),
  updated_at   timestamptz NOT NULL DEFAULT now()
);

-- Insert-only. `view` holds the exact canonical bytes that were hashed (RFC 8785 JSON of the
-- event's view, docs/format.md); every read is rebuilt from them. The other columns are copies
-- for indexing and filtering. Personal values are not here (they live in event_personal, which
-- erasure may change); the view holds only their commitments.
CREATE TABLE events (
  workspace_id    uuid NOT NULL,
  seq             bigint NOT NULL CHECK (seq >= 1),
  id              uuid NOT NULL,
  company_id      uuid NOT NULL,
  project_id      uuid,
  ts              timestamptz NOT NULL,
  recorded_at     timestamptz NOT NULL,
  category        text NOT NULL,
  action          text NOT NULL,
  actor_id        text,
  idempotency_key text,
  prev_hash       bytea NOT NULL CHECK (length(prev_hash) = 32),
  hash            bytea NOT NULL CHECK (length(hash) = 32),
  view            bytea NOT NULL,
  metadata        jsonb NOT NULL,
  PRIMARY KEY (workspace_id, seq)
);
CREATE UNIQUE INDEX events_id ON events (id);
CREATE UNIQUE INDEX events_idempotency ON events (workspace_id, idempotency_key)
  WHERE idempotency_key IS NOT NULL;
CREATE INDEX events_company_time ON events (company_id, ts DESC, id DESC);
CREATE INDEX events_workspace_time ON events (workspace_id, ts DESC, id DESC);
CREATE INDEX events_company_category ON events (company_id, category, action, ts DESC);
CREATE INDEX events_company_actor ON events (company_id, actor_id, ts DESC)
  WHERE actor_id IS NOT NULL;
CREATE INDEX events_project_time ON events (project_id, ts DESC) WHERE project_id IS NOT NULL;

-- Idempotency records: the request fingerprint decides replay (same) or conflict (different).
CREATE TABLE idempotency_keys (
  workspace_id uuid NOT NULL,
  key          text NOT NULL,
  event_id     uuid NOT NULL,
  fingerprint  bytea NOT NULL CHECK (length(fingerprint) = 32),
  PRIMARY KEY (workspace_id, key)
);

-- Erasable personal data: the value and salt of each committed field. Erasure sets both to
-- NULL (and records when); the commitment in events.view stays, so chains still verify.
CREATE TABLE event_personal (
  event_id   uuid NOT NULL,
  path       text NOT NULL,
  salt       bytea CHECK (length(salt) = 16),
  value      bytea,
  erased_at  timestamptz,
  PRIMARY KEY (event_id, path),
  CHECK ((salt IS NULL) = (value IS NULL)),
  CHECK ((erased_at IS NULL) = (salt IS NOT NULL))
);
CREATE INDEX event_personal_value ON event_personal (path, value) WHERE value IS NOT NULL;

-- Lifecycle state by chain and seq range, never by updating events rows.
CREATE TABLE lifecycle_ranges (
  workspace_id uuid NOT NULL,
  state        text NOT NULL CHECK (state IN ('ARCHIVED', 'COLD', 'SEALED')),
  from_seq     bigint NOT NULL CHECK (from_seq >= 1),
  to_seq       bigint NOT NULL,
  reference    text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, state, from_seq),
  CHECK (to_seq >= from_seq)
);

-- The one audited way rows leave the events table: retention, after verified archival.
CREATE TABLE purge_log (
  id           bigserial PRIMARY KEY,
  workspace_id uuid NOT NULL,
  from_seq     bigint NOT NULL,
  to_seq       bigint NOT NULL,
  rows_purged  bigint NOT NULL,
  archive_ref  text NOT NULL,
  purged_by    text NOT NULL DEFAULT session_user,
  purged_at    timestamptz NOT NULL DEFAULT now()
);

CREATE FUNCTION hyrelog_refuse_event_change() RETURNS trigger LANGUAGE plpgsql
  SET search_path = "${schema}", pg_temp AS $$
BEGIN
  IF TG_OP = 'DELETE' AND current_setting('hyrelog.purge_in_progress', true) = 'on' THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'hyrelog: events are insert-only (% refused)', TG_OP
    USING ERRCODE = 'insufficient_privilege',
          HINT = 'retention removes archived rows only through hyrelog_purge_events()';
END $$;

CREATE TRIGGER events_insert_only BEFORE UPDATE OR DELETE ON events
  FOR EACH ROW EXECUTE FUNCTION hyrelog_refuse_event_change();
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
  FOR EACH STATEMENT EXECUTE FUNCTION hyrelog_refuse_event_change();

-- Deletes seqs from_seq..to_seq of one chain, only where an ARCHIVED range covers them, and
-- logs it. Runs with the owner's rights; the application role cannot delete otherwise.
CREATE FUNCTION hyrelog_purge_events(p_workspace uuid, p_from bigint, p_to bigint,
    p_archive_ref text) RETURNS bigint
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = "${schema}", pg_temp AS $$
DECLARE
  n bigint;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM lifecycle_ranges r
                 WHERE r.workspace_id = p_workspace AND r.state = 'ARCHIVED'
                   AND r.from_seq <= p_from AND r.to_seq >= p_to) THEN
    RAISE EXCEPTION 'hyrelog: seqs %..% of chain % are not covered by one archived range',
      p_from, p_to, p_workspace;
  END IF;
  PERFORM set_config('hyrelog.purge_in_progress', 'on', true);
  DELETE FROM events WHERE workspace_id = p_workspace AND seq BETWEEN p_from AND p_to;
  GET DIAGNOSTICS n = ROW_COUNT;
  PERFORM set_config('hyrelog.purge_in_progress', 'off', true);
  INSERT INTO purge_log (workspace_id, from_seq, to_seq, rows_purged, archive_ref)
    VALUES (p_workspace, p_from, p_to, n, p_archive_ref);
  RETURN n;
END $$;

DO $$
BEGIN
  IF '${appRole}' <> '' THEN
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO %I', '${schema}', '${appRole}');
    EXECUTE format('GRANT SELECT ON plans TO %I', '${appRole}');
    EXECUTE format('GRANT SELECT, INSERT, UPDATE ON companies, workspaces, projects, api_keys TO %I', '${appRole}');
    EXECUTE format('GRANT SELECT, INSERT, UPDATE ON chain_heads TO %I', '${appRole}');
    EXECUTE format('GRANT SELECT, INSERT ON events, idempotency_keys TO %I', '${appRole}');
    EXECUTE format('GRANT SELECT, INSERT, UPDATE (salt, value, erased_at) ON event_personal TO %I', '${appRole}');
    EXECUTE format('GRANT SELECT, INSERT ON lifecycle_ranges TO %I', '${appRole}');
    EXECUTE format('GRANT SELECT ON purge_log TO %I', '${appRole}');
    EXECUTE format('GRANT EXECUTE ON FUNCTION hyrelog_purge_events(uuid, bigint, bigint, text) TO %I', '${appRole}');
  END IF;
END $$;
