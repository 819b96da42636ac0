package io.hyrelog.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hyrelog.DataRegion;
import io.hyrelog.EventScope;
import io.hyrelog.IdSource;
import io.hyrelog.NewEvent;
import io.hyrelog.WorkspaceRef;
import io.hyrelog.integrity.ChainCheckpoint;
import io.hyrelog.integrity.ConsistencyProof;
import io.hyrelog.integrity.InclusionProof;
import io.hyrelog.log.EventLog;
import io.hyrelog.spi.AppendOutcomeUnknownException;
import io.hyrelog.spi.EventStore;
import io.hyrelog.testkit.ChainTreeContract;
import io.hyrelog.testkit.SampleEvents;
import io.hyrelog.tlog.Tile;
import io.hyrelog.tlog.TileId;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The {@link io.hyrelog.spi.ChainTree} contract on a real PostgreSQL, plus what only the
 * database can show: the triggers that keep tiles grow-only, tiles outliving the purge of their
 * events, two store instances (two processes' worth of writers) appending to the same chains,
 * and a group transaction that fails at COMMIT leaving no tile.
 */
class PostgresChainTreeIT extends ChainTreeContract {
  private static final String NS = "audit.example.com";

  private PostgresFixture.Database db;

  @Override
  protected EventStore createStore() {
    db = PostgresFixture.newDatabase();
    try {
      return PostgresEventStore.builder(db.app()).build();
    } catch (RuntimeException e) {
      db.close();
      throw e;
    }
  }

  @Override
  protected void closeStore(EventStore s) {
    ((PostgresEventStore) s).close();
    db.close();
  }

  @Test
  void update_fullTileOrAPartialTilesPrefix_isRefusedForTheApplicationAndTheOwner()
      throws SQLException {
    append(ws, 300, 300); // tile/0/000 full, tile/0/001.p/44
    byte[] full = tree.tiles(chain, List.of(TileId.full(0, 0))).get(TileId.full(0, 0)).bytes();
    byte[] partial = tree.tiles(chain, List.of(new TileId(0, 1, 44)))
        .get(new TileId(0, 1, 44)).bytes();
    byte[] flipped = partial.clone();
    flipped[0] ^= 1;
    byte[] wider = new byte[partial.length + 32];
    System.arraycopy(flipped, 0, wider, 0, partial.length);

    for (boolean owner : new boolean[] {false, true}) {
      try (Connection c = owner ? DriverManager.getConnection(db.ownerUrl())
          : db.app().getConnection()) {
        // UPDATE (hashes) is granted, so the trigger answers both roles.
        assertRefused(c, "UPDATE hyrelog.chain_tiles SET hashes = hashes || hashes"
            + " WHERE level = 0 AND idx = 0", "may only grow");
        assertRefused(c, "UPDATE hyrelog.chain_tiles SET hashes = substring(hashes FROM 1"
            + " FOR 32) WHERE level = 0 AND idx = 1", "may only grow");
        assertRefused(c, setHashes(wider, 1), "may only grow");
        assertRefused(c, setHashes(partial, 1), "may only grow"); // the same width
        // DELETE and TRUNCATE are not granted to the application; the owner meets the trigger.
        assertRefused(c, "DELETE FROM hyrelog.chain_tiles",
            owner ? "never removed" : "permission denied");
        assertRefused(c, "TRUNCATE hyrelog.chain_tiles",
            owner ? "never removed" : "permission denied");
        assertRefused(c, "UPDATE hyrelog.chain_tiles SET idx = idx + 7",
            owner ? "may only grow" : "permission denied");
      }
    }
    assertThat(tree.tiles(chain, List.of(TileId.full(0, 0))).get(TileId.full(0, 0)).bytes())
        .isEqualTo(full);
    assertTilesMatch(chain);
  }

  @Test
  void update_partialTileToAWiderOneItIsAPrefixOf_isAllowed() throws SQLException {
    append(ws, 3, 3);
    byte[] three = tree.tiles(chain, List.of(new TileId(0, 0, 3))).get(new TileId(0, 0, 3))
        .bytes();
    byte[] four = new byte[128];
    System.arraycopy(three, 0, four, 0, 96);
    four[100] = 7;
    try (Connection c = db.app().getConnection(); Statement s = c.createStatement()) {
      assertThat(s.executeUpdate(setHashes(four, 0))).isEqualTo(1);
    }
    // The trigger lets a prefix grow (what appends do); it does not check the new hash, which
    // only the application computes, and the tree size still says 3.
    assertThat(tree.size(chain)).isEqualTo(3);
    assertThat(tree.tiles(chain, List.of(new TileId(0, 0, 3))).get(new TileId(0, 0, 3))
        .bytes()).isEqualTo(three);
  }

  @Test
  void purge_ofArchivedEvents_keepsEveryTileAndCheckpointsAndProofsStillWork()
      throws SQLException {
    append(ws, 600, 100);
    ChainCheckpoint before = log.checkpoint(NS, chain);
    ChainCheckpoint older = log.checkpoint(NS, chain, 123);
    InclusionProof inclusion = log.inclusionProof(chain, 5, 600);
    ConsistencyProof consistency = log.consistencyProof(chain, 123, 600);
    Map<TileId, Tile> tiles = tree.tiles(chain, TileId.tiles(600).toList());

    try (Connection c = db.app().getConnection(); Statement s = c.createStatement()) {
      s.execute("INSERT INTO hyrelog.lifecycle_ranges (workspace_id, state, from_seq, to_seq,"
          + " reference) VALUES ('" + ws.workspaceId() + "', 'ARCHIVED', 1, 400, 'test')");
      s.execute("SELECT hyrelog.hyrelog_purge_events('" + ws.workspaceId() + "', 1, 400,"
          + " 'test')");
    }

    try (Stream<io.hyrelog.AuditEvent> left = store.read(chain, 1, Long.MAX_VALUE)) {
      assertThat(left.findFirst().orElseThrow().seq()).isEqualTo(401);
    }
    assertThat(tree.tiles(chain, TileId.tiles(600).toList())).isEqualTo(tiles);
    assertThat(log.checkpoint(NS, chain)).isEqualTo(before);
    assertThat(log.checkpoint(NS, chain, 123)).isEqualTo(older);
    assertThat(log.inclusionProof(chain, 5, 600)).isEqualTo(inclusion);
    assertThat(log.consistencyProof(chain, 123, 600)).isEqualTo(consistency);
  }

  @Test
  void concurrentAppends_manyThreadsOnTwoStoreInstances_tilesMatchTheEvents() throws Exception {
    WorkspaceRef second = SampleEvents.workspace(12, DataRegion.EU);
    try (PostgresEventStore other = PostgresEventStore.builder(db.app()).writers(2).build()) {
      EventLog otherLog = EventLog.builder(other).clock(clock)
          .idSource(IdSource.seeded(clock, 8)).build();
      List<EventLog> logs = List.of(log, otherLog);
      ExecutorService pool = Executors.newFixedThreadPool(8);
      try {
        List<Callable<Void>> tasks = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
          int seed = t;
          tasks.add(() -> {
            Random r = new Random(seed);
            EventLog mine = logs.get(seed % 2);
            for (int i = 0; i < 20; i++) {
              List<NewEvent> batch = new ArrayList<>();
              int n = 1 + r.nextInt(r.nextBoolean() ? 4 : 60);
              for (int k = 0; k < n; k++) {
                batch.add(NewEvent.builder("user", "t" + seed + "-" + i + "-" + k).build());
              }
              mine.appendBatch(r.nextInt(3) == 0 ? second : ws, batch);
            }
            return null;
          });
        }
        for (Future<Void> f : pool.invokeAll(tasks)) {
          f.get();
        }
      } finally {
        pool.shutdownNow();
      }
    }
    assertThat(store.head(chain).orElseThrow().seq()).isGreaterThan(256);
    assertTilesMatch(chain);
    assertTilesMatch(EventScope.of(second));
  }

  @Test
  void commitFailure_midBatch_leavesNoTileAndALaterAppendExtendsTheTree() throws SQLException {
    WorkspaceRef healthy = SampleEvents.workspace(13, DataRegion.EU);
    append(ws, 300, 300);
    append(healthy, 5, 5);
    Map<TileId, Tile> before = tree.tiles(chain, TileId.tiles(300).toList());
    // A deferred constraint trigger fails the transaction at COMMIT, after every statement of
    // the group (events, tiles, heads) ran: the latest point a database failure can strike.
    try (Connection c = DriverManager.getConnection(db.ownerUrl());
        Statement s = c.createStatement()) {
      s.execute("CREATE FUNCTION hyrelog.test_fail_commit() RETURNS trigger LANGUAGE plpgsql"
          + " AS $$ BEGIN RAISE EXCEPTION 'test: failing the commit'; END $$");
      s.execute("CREATE CONSTRAINT TRIGGER test_fail_commit AFTER INSERT OR UPDATE"
          + " ON hyrelog.chain_tiles DEFERRABLE INITIALLY DEFERRED FOR EACH ROW"
          + " WHEN (NEW.workspace_id = '" + ws.workspaceId() + "')"
          + " EXECUTE FUNCTION hyrelog.test_fail_commit()");
    }

    assertThatThrownBy(() -> append(ws, 40, 40))
        .isInstanceOf(AppendOutcomeUnknownException.class);
    append(healthy, 3, 3); // other chains go on

    assertThat(store.head(chain).orElseThrow().seq()).isEqualTo(300);
    assertThat(tree.size(chain)).isEqualTo(300);
    // tile/0/000, tile/0/001.p/44 and tile/1/000.p/1
    assertThat(tileRows(ws.workspaceId())).isEqualTo(3);
    assertThat(tree.tiles(chain, TileId.tiles(300).toList())).isEqualTo(before);
    assertThat(tree.tiles(chain, List.of(new TileId(0, 1, 45)))).isEmpty();

    try (Connection c = DriverManager.getConnection(db.ownerUrl());
        Statement s = c.createStatement()) {
      s.execute("DROP TRIGGER test_fail_commit ON hyrelog.chain_tiles");
    }
    append(ws, 240, 40);
    assertThat(store.head(chain).orElseThrow().seq()).isEqualTo(540);
    assertTilesMatch(chain);
    assertTilesMatch(EventScope.of(healthy));
  }

  private long tileRows(UUID workspace) throws SQLException {
    try (Connection c = DriverManager.getConnection(db.ownerUrl());
        PreparedStatement ps = c.prepareStatement(
            "SELECT count(*) FROM hyrelog.chain_tiles WHERE workspace_id = ?")) {
      ps.setObject(1, workspace);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  private static String setHashes(byte[] bytes, long idx) {
    return "UPDATE hyrelog.chain_tiles SET hashes = '\\x" + java.util.HexFormat.of()
        .formatHex(bytes) + "'::bytea WHERE level = 0 AND idx = " + idx;
  }

  /** {@code sql} fails with SQLState 42501 (a privilege or a trigger) and {@code message}. */
  static void assertRefused(Connection c, String sql, String message) {
    assertThatThrownBy(() -> {
      try (Statement s = c.createStatement()) {
        s.execute(sql);
      }
    }).as(sql).isInstanceOf(SQLException.class)
        .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("42501"))
        .satisfies(e -> {
          if (message != null) {
            assertThat(e.getMessage()).contains(message);
          }
        });
  }
}
