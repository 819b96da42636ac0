package io.hyrelog.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hyrelog.AuditEvent;
import io.hyrelog.DataRegion;
import io.hyrelog.Digest;
import io.hyrelog.EventLimits;
import io.hyrelog.EventScope;
import io.hyrelog.HyrelogException;
import io.hyrelog.IdSource;
import io.hyrelog.NewEvent;
import io.hyrelog.PendingEvent;
import io.hyrelog.PersonalDataPolicy;
import io.hyrelog.WorkspaceRef;
import io.hyrelog.integrity.ChainCheckpoint;
import io.hyrelog.integrity.MerkleTree;
import io.hyrelog.log.EventLog;
import io.hyrelog.spi.ChainTree;
import io.hyrelog.storage.postgres.internal.EventRows;
import io.hyrelog.testkit.ChainTreeContract;
import io.hyrelog.testkit.MutableClock;
import io.hyrelog.testkit.SampleEvents;
import io.hyrelog.tlog.Tile;
import io.hyrelog.tlog.TileId;
import io.hyrelog.tlog.TiledTree;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The back-fill on databases populated before the tiles existed: the schema is migrated to V9
 * only, chains are loaded with raw inserts of real sealed events (as the store wrote them
 * before V10), then V10 is applied, as an upgrade does.
 */
class PostgresTreeBackfillIT {
  private static final Instant T0 = Instant.parse("2026-11-26T12:00:00Z");
  private static final String NS = "audit.example.com";

  private final WorkspaceRef a = SampleEvents.workspace(21, DataRegion.EU);
  private final WorkspaceRef b = SampleEvents.workspace(22, DataRegion.EU);
  private PostgresFixture.Database db;
  private PostgresEventStore store;
  private ChainTree tree;
  private EventLog log;

  @BeforeEach
  void setUp() {
    db = PostgresFixture.newEmptyDatabase();
    flyway().target("9").load().migrate();
  }

  @AfterEach
  void tearDown() {
    if (store != null) {
      store.close();
    }
    db.close();
  }

  private org.flywaydb.core.api.configuration.FluentConfiguration flyway() {
    return Flyway.configure(PostgresMigrations.class.getClassLoader()).dataSource(db.owner())
        .locations("classpath:db/hyrelog").schemas("hyrelog").defaultSchema("hyrelog")
        .createSchemas(true).table(PostgresMigrations.DEFAULT_HISTORY_TABLE)
        .placeholders(Map.of("appRole", PostgresFixture.APP_ROLE, "schema", "hyrelog"));
  }

  /** V10 on the loaded database, then the store on it. */
  private void upgrade() {
    PostgresMigrations.builder(db.owner()).applicationRole(PostgresFixture.APP_ROLE).build()
        .migrate();
    store = PostgresEventStore.builder(db.app()).build();
    tree = store.tree().orElseThrow();
    MutableClock clock = new MutableClock(T0.plusSeconds(86_400));
    log = EventLog.builder(store).clock(clock).idSource(IdSource.seeded(clock, 3)).build();
  }

  private PostgresTreeBackfill backfill(int batch) {
    return PostgresTreeBackfill.builder(db.app()).batchEvents(batch).build();
  }

  @Test
  void run_chainsOlderThanTheTiles_buildsTheSpecsTilesAndAppendsKeepThemInStep() {
    load(a, 1000);
    load(b, 300);
    upgrade();
    assertThat(tree.size(EventScope.of(a))).isZero();
    PostgresTreeBackfill backfill = backfill(128);
    assertThat(backfill.pendingChains()).isEqualTo(2);
    // Before the back-fill, appends leave the tree alone and checkpoints stream the events.
    append(a, 5);
    assertThat(tree.size(EventScope.of(a))).isZero();
    ChainCheckpoint streamed = log.checkpoint(NS, EventScope.of(a));

    PostgresTreeBackfill.Outcome out = backfill.run();

    assertThat(out).isEqualTo(new PostgresTreeBackfill.Outcome(2, 1305, List.of(), false));
    assertThat(backfill.pendingChains()).isZero();
    assertTilesMatch(a);
    assertTilesMatch(b);
    assertThat(log.checkpoint(NS, EventScope.of(a))).isEqualTo(streamed);
    append(a, 300);
    append(b, 1);
    assertTilesMatch(a);
    assertTilesMatch(b);
    assertThat(backfill.run()).isEqualTo(new PostgresTreeBackfill.Outcome(0, 0, List.of(),
        false));
  }

  @Test
  void backfill_failingPartWay_leavesAConsistentTreeThatALaterRunCompletes() {
    load(a, 1000);
    upgrade();
    // The 8th connection the back-fill takes fails (each batch takes three: position, hashes,
    // tiles), after two batches of 300 committed: a crash part-way.
    AtomicInteger connections = new AtomicInteger();
    DataSource failing = (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(),
        new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
          if (method.getName().equals("getConnection")
              && connections.incrementAndGet() == 8) {
            throw new SQLException("test: the connection failed", "08006");
          }
          try {
            return method.invoke(db.app(), args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
    PostgresTreeBackfill crashing = PostgresTreeBackfill.builder(failing).batchEvents(300)
        .build();
    connections.set(0); // build() checked the schema on a connection of its own

    assertThatThrownBy(() -> crashing.backfill(EventScope.of(a)))
        .isInstanceOf(PostgresStorageException.class);

    long size = tree.size(EventScope.of(a));
    assertThat(size).isEqualTo(600);
    List<Digest> hashes = hashes(a);
    assertThat(TiledTree.of(size, tree.source(EventScope.of(a))).root())
        .isEqualTo(root(hashes.subList(0, (int) size)));
    assertThat(backfill(300).backfill(EventScope.of(a))).isEqualTo(400);
    assertTilesMatch(a);
  }

  @Test
  void run_onAnInterruptedThread_stopsWithoutWorkAndALaterRunResumes() {
    load(a, 700);
    upgrade();
    PostgresTreeBackfill backfill = backfill(256);
    Thread.currentThread().interrupt();
    try {
      assertThat(backfill.run()).isEqualTo(new PostgresTreeBackfill.Outcome(0, 0, List.of(),
          true));
      assertThat(Thread.currentThread().isInterrupted()).isTrue(); // the flag stays set
    } finally {
      Thread.interrupted();
    }
    assertThat(tree.size(EventScope.of(a))).isZero();
    assertThat(backfill.run()).isEqualTo(new PostgresTreeBackfill.Outcome(1, 700, List.of(),
        false));
    assertTilesMatch(a);
  }

  @Test
  void backfill_whileAppendsGoOn_completesAndTheTreeStaysInStep() throws Exception {
    load(a, 3000);
    upgrade();
    AtomicBoolean stop = new AtomicBoolean();
    CountDownLatch appending = new CountDownLatch(3);
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      List<Future<Integer>> appenders = new ArrayList<>();
      for (int t = 0; t < 3; t++) {
        int seed = t;
        appenders.add(pool.submit(() -> {
          int n = 0;
          while (!stop.get()) {
            log.append(a, NewEvent.builder("user", "t" + seed + "-" + n++).build());
            appending.countDown();
          }
          // and some after the back-fill finished, which extend the tiles themselves
          for (int k = 0; k < 10; k++) {
            log.append(a, NewEvent.builder("user", "t" + seed + "-" + n++).build());
          }
          return n;
        }));
      }
      appending.await(); // every appender has appended to the chain whose tree is behind
      long added = backfill(256).backfill(EventScope.of(a));
      assertThat(added).isGreaterThanOrEqualTo(3000);
      assertThat(tree.size(EventScope.of(a))).isGreaterThanOrEqualTo(3000);
      stop.set(true);
      for (Future<Integer> f : appenders) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(store.head(EventScope.of(a)).orElseThrow().seq()).isGreaterThanOrEqualTo(3033);
    assertTilesMatch(a);
  }

  @Test
  void run_chainWhosePrefixWasPurged_isReportedBlockedAndOthersComplete() throws SQLException {
    load(a, 300);
    load(b, 10);
    try (Connection c = db.app().getConnection(); Statement s = c.createStatement()) {
      s.execute("INSERT INTO hyrelog.lifecycle_ranges (workspace_id, state, from_seq, to_seq,"
          + " reference) VALUES ('" + a.workspaceId() + "', 'ARCHIVED', 1, 100, 'test')");
      s.execute("SELECT hyrelog.hyrelog_purge_events('" + a.workspaceId() + "', 1, 100,"
          + " 'test')");
    }
    upgrade();
    PostgresTreeBackfill backfill = backfill(64);

    PostgresTreeBackfill.Outcome out = backfill.run();

    assertThat(out.blocked()).containsExactly(a.workspaceId());
    assertThat(out.chainsCompleted()).isEqualTo(1);
    assertThat(tree.size(EventScope.of(a))).isZero();
    assertThatThrownBy(() -> backfill.backfill(EventScope.of(a)))
        .isInstanceOf(HyrelogException.class).hasMessageContaining("seq 1 is not in the events"
            + " table");
    assertTilesMatch(b);
  }

  @Test
  void builder_badValues_areRefusedNamingTheParameter() {
    assertThatThrownBy(() -> PostgresTreeBackfill.builder(db.app()).batchEvents(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("batchEvents");
    assertThatThrownBy(() -> PostgresTreeBackfill.builder(db.app()).schema("Bad"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("schema");
    // V9 only: the back-fill needs the tiles' table and says so.
    assertThatThrownBy(() -> PostgresTreeBackfill.builder(db.app()).build())
        .isInstanceOf(HyrelogException.class).hasMessageContaining("chain_tiles");
  }

  // -------------------------------------------------------------------------------------

  /** {@code n} real sealed events in {@code ws}, inserted as the store did before V10. */
  private void load(WorkspaceRef ws, int n) {
    SampleEvents samples = new SampleEvents(ws.workspaceId().hashCode());
    MutableClock clock = new MutableClock(T0);
    IdSource ids = IdSource.seeded(clock, ws.workspaceId().hashCode());
    String schema = PostgresMigrations.DEFAULT_SCHEMA;
    Digest prev = Digest.ZERO;
    try (Connection c = db.app().getConnection();
        PreparedStatement ev = c.prepareStatement(EventRows.render(EventRows.INSERT_EVENT,
            schema));
        PreparedStatement pe = c.prepareStatement(EventRows.render(EventRows.INSERT_PERSONAL,
            schema));
        PreparedStatement head = c.prepareStatement("INSERT INTO hyrelog.chain_heads"
            + " (workspace_id, company_id, seq, hash) VALUES (?, ?, ?, ?)")) {
      for (int seq = 1; seq <= n; seq++) {
        NewEvent e = samples.next(null);
        PendingEvent p = PendingEvent.prepare(ws, EventLimits.defaults().check(e,
            clock.instant()), clock.instant(), ids, PersonalDataPolicy.defaults());
        PendingEvent.Sealed sealed = p.sealWithView(seq, prev);
        AuditEvent sealedEvent = sealed.event();
        prev = sealedEvent.hash();
        EventRows.Row row = EventRows.toRow(sealed, p.fingerprint());
        EventRows.bind(ev, EventRows.eventArguments(row, sealedEvent.id(), seq,
            sealedEvent.timestamp(), sealedEvent.recordedAt()));
        ev.addBatch();
        for (EventRows.PersonalRow personal : row.personal()) {
          EventRows.bind(pe, EventRows.personalArguments(sealedEvent.id(), personal));
          pe.addBatch();
        }
        clock.advance(java.time.Duration.ofSeconds(1));
      }
      ev.executeBatch();
      pe.executeBatch();
      head.setObject(1, ws.workspaceId());
      head.setObject(2, ws.companyId());
      head.setLong(3, n);
      head.setBytes(4, prev.bytes());
      head.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private void append(WorkspaceRef ws, int n) {
    for (int i = 0; i < n; i += 50) {
      List<NewEvent> batch = new ArrayList<>();
      for (int k = i; k < Math.min(n, i + 50); k++) {
        batch.add(NewEvent.builder("user", "later-" + k).build());
      }
      log.appendBatch(ws, batch);
    }
  }

  private List<Digest> hashes(WorkspaceRef ws) {
    try (Stream<AuditEvent> s = store.read(EventScope.of(ws), 1, Long.MAX_VALUE)) {
      return s.map(AuditEvent::hash).toList();
    }
  }

  private static Digest root(List<Digest> leaves) {
    MerkleTree t = new MerkleTree();
    leaves.forEach(t::append);
    return t.root();
  }

  /** The tree covers the head and every tile holds what tlog-tiles defines. */
  private void assertTilesMatch(WorkspaceRef ws) {
    EventScope chain = EventScope.of(ws);
    List<Digest> hashes = hashes(ws);
    assertThat(tree.size(chain)).isEqualTo(hashes.size())
        .isEqualTo(store.head(chain).orElseThrow().seq());
    List<TileId> ids = TileId.tiles(hashes.size()).toList();
    for (int at = 0; at < ids.size(); at += 500) {
      List<TileId> part = ids.subList(at, Math.min(ids.size(), at + 500));
      Map<TileId, Tile> got = tree.tiles(chain, part);
      for (TileId id : part) {
        assertThat(got.get(id)).as(id.path())
            .isEqualTo(ChainTreeContract.expectedTile(id, hashes));
      }
    }
  }
}
