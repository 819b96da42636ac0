-- What the server records about the checkpoints it signs (io.hyrelog.spi.CheckpointRecords):
-- the C2SP tlog-witness cosignatures it collected per chain and size (served appended to the
-- signed note), the size each witness holds per chain (the "old" size of the next
-- add-checkpoint request), the witnesses' refusals (forks, rollbacks, bad cosignatures) and
-- the checkpoint sizes published to the archive store by the checkpoints.publish job.
-- A witness is its cosignature key label, <name>+<8 hex key id>; nothing here is secret.
-- Cosignatures, refusals and publications are insert-only.

CREATE TABLE checkpoint_cosignatures (
  workspace_id uuid NOT NULL,
  tree_size    bigint NOT NULL CHECK (tree_size >= 1),
  witness      text NOT NULL CHECK (length(witness) BETWEEN 1 AND 300),
  line         text NOT NULL CHECK (length(line) BETWEEN 1 AND 500),
  received_at  timestamptz NOT NULL,
  PRIMARY KEY (workspace_id, tree_size, witness)
);

CREATE TABLE witness_positions (
  witness      text NOT NULL CHECK (length(witness) BETWEEN 1 AND 300),
  workspace_id uuid NOT NULL,
  size         bigint NOT NULL CHECK (size >= 0),
  updated_at   timestamptz NOT NULL,
  PRIMARY KEY (witness, workspace_id)
);

CREATE TABLE witness_refusals (
  witness      text NOT NULL CHECK (length(witness) BETWEEN 1 AND 300),
  workspace_id uuid NOT NULL,
  tree_size    bigint NOT NULL CHECK (tree_size >= 0),
  witness_size bigint NOT NULL CHECK (witness_size >= -1),
  reason       text NOT NULL CHECK (reason ~ '^[a-z_]{1,40}$'),
  created_at   timestamptz NOT NULL,
  PRIMARY KEY (witness, workspace_id, tree_size, reason)
);
CREATE INDEX witness_refusals_chain ON witness_refusals (workspace_id, created_at);

CREATE TABLE checkpoint_publications (
  workspace_id uuid NOT NULL,
  tree_size    bigint NOT NULL CHECK (tree_size >= 1),
  object_key   text NOT NULL UNIQUE CHECK (length(object_key) BETWEEN 1 AND 1024),
  published_at timestamptz NOT NULL,
  PRIMARY KEY (workspace_id, tree_size)
);

DO $$
BEGIN
  IF '${appRole}' <> '' THEN
    EXECUTE format('GRANT SELECT, INSERT ON checkpoint_cosignatures, witness_refusals,'
      ' checkpoint_publications TO %I', '${appRole}');
    EXECUTE format('GRANT SELECT, INSERT, UPDATE (size, updated_at) ON witness_positions TO %I',
      '${appRole}');
  END IF;
END $$;
