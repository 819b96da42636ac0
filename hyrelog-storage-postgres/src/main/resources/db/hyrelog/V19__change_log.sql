-- The change log (io.hyrelog.spi.ChangeLog): a transactional outbox of administrative changes.
-- A row is written in the transaction of the change it records (a key revoked, a plan
-- assigned, a webhook endpoint created ...), so the two commit or roll back together; a drainer
-- appends it to the company's system chain (idempotency key from its id) and then deletes it.
-- seq is taken under a per-company advisory lock held to the commit, so within a company seq
-- order is commit order. No foreign key: a row names the company it belongs to, nothing more.
CREATE TABLE change_log (
  seq          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id           uuid NOT NULL UNIQUE,
  company_id   uuid NOT NULL,
  at           timestamptz NOT NULL,
  action       text NOT NULL CHECK (char_length(action) BETWEEN 1 AND 200),
  actor_id     text NOT NULL CHECK (char_length(actor_id) BETWEEN 1 AND 1024),
  actor_email  text CHECK (char_length(actor_email) <= 1024),
  actor_role   text CHECK (char_length(actor_role) <= 1024),
  actor_name   text CHECK (char_length(actor_name) <= 1024),
  target       text CHECK (char_length(target) BETWEEN 1 AND 200),
  -- Kept as text: read back byte for byte, so a replayed append has the same fingerprint.
  details      text NOT NULL CHECK (char_length(details) <= 65536),
  trace_id     text CHECK (char_length(trace_id) <= 1024),
  ip           text CHECK (char_length(ip) <= 1024),
  user_agent   text CHECK (char_length(user_agent) <= 4096)
);
CREATE INDEX change_log_company ON change_log (company_id, seq);

DO $$
BEGIN
  IF '${appRole}' <> '' THEN
    EXECUTE format('GRANT SELECT, INSERT, DELETE ON change_log TO %I', '${appRole}');
    EXECUTE format('GRANT USAGE ON SEQUENCE %s TO %I',
      pg_get_serial_sequence(format('%I.change_log', '${schema}'), 'seq'), '${appRole}');
  END IF;
END $$;
