-- Every chain's Merkle tree as C2SP tlog tiles (height 8; io.hyrelog.spi.ChainTree), so a
-- checkpoint or proof at any acknowledged size reads O(log n) stored hashes and never the
-- events. The append transaction writes the tiles of the events it stores, under the chain's
-- head lock; tiles are never purged (about 32 bytes per event), so proofs survive archival,
-- the cold tier and erasure.
--
-- One row per tile position (chain, level, index) holding its widest stored version: 32 bytes
-- per hash, 1 to 256 hashes (the width is length / 32; 256 is full). A partial tile only ever
-- grows into a wider one of which it is a prefix; a full tile never changes; no tile is deleted.

CREATE TABLE chain_tiles (
  workspace_id uuid NOT NULL,
  level        smallint NOT NULL CHECK (level BETWEEN 0 AND 63),
  idx          bigint NOT NULL CHECK (idx >= 0),
  hashes       bytea NOT NULL
    CHECK (length(hashes) BETWEEN 32 AND 8192 AND length(hashes) % 32 = 0),
  PRIMARY KEY (workspace_id, level, idx)
);
-- Tile bytes are hashes: compressing them gains nothing.
ALTER TABLE chain_tiles ALTER COLUMN hashes SET STORAGE EXTERNAL;

-- The number of leaves the stored tree covers. It equals seq while appends keep the tree in
-- step; a chain that existed before this migration starts at 0 (its events are there, its
-- tiles are not) until the back-fill (PostgresTreeBackfill) has built its tiles, and appends
-- extend the tiles only of a chain whose tree is complete (tree_size = seq).
ALTER TABLE chain_heads ADD COLUMN tree_size bigint NOT NULL DEFAULT 0;
ALTER TABLE chain_heads ADD CONSTRAINT chain_heads_tree_size_check
  CHECK (tree_size >= 0 AND tree_size <= seq);

CREATE FUNCTION hyrelog_refuse_tile_change() RETURNS trigger LANGUAGE plpgsql
  SET search_path = "${schema}", pg_temp AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    IF NEW.workspace_id = OLD.workspace_id AND NEW.level = OLD.level AND NEW.idx = OLD.idx
       AND length(OLD.hashes) < 8192 AND length(NEW.hashes) > length(OLD.hashes)
       AND substring(NEW.hashes FROM 1 FOR length(OLD.hashes)) = OLD.hashes THEN
      RETURN NEW;
    END IF;
    RAISE EXCEPTION 'hyrelog: tile %/% of chain % may only grow into a wider tile it is a prefix of (% to % bytes refused)',
      OLD.level, OLD.idx, OLD.workspace_id, length(OLD.hashes), length(NEW.hashes)
      USING ERRCODE = 'insufficient_privilege',
            HINT = 'a full tile never changes; tiles are written only by the append transaction';
  END IF;
  RAISE EXCEPTION 'hyrelog: tiles are never removed (% refused)', TG_OP
    USING ERRCODE = 'insufficient_privilege',
          HINT = 'tiles outlive the purge of the events they cover, so proofs keep working';
END $$;

CREATE TRIGGER chain_tiles_grow_only BEFORE UPDATE OR DELETE ON chain_tiles
  FOR EACH ROW EXECUTE FUNCTION hyrelog_refuse_tile_change();
CREATE TRIGGER chain_tiles_no_truncate BEFORE TRUNCATE ON chain_tiles
  FOR EACH STATEMENT EXECUTE FUNCTION hyrelog_refuse_tile_change();

REVOKE ALL ON FUNCTION hyrelog_refuse_tile_change() FROM PUBLIC;

DO $$
BEGIN
  IF '${appRole}' <> '' THEN
    EXECUTE format('GRANT SELECT, INSERT, UPDATE (hashes) ON chain_tiles TO %I', '${appRole}');
  END IF;
END $$;
