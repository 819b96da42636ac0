package io.hyrelog.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hyrelog.Actor;
import io.hyrelog.AuditEvent;
import io.hyrelog.DataRegion;
import io.hyrelog.Digest;
import io.hyrelog.log.EventLog;
import io.hyrelog.EventScope;
import io.hyrelog.NewEvent;
import io.hyrelog.WorkspaceRef;
import io.hyrelog.integrity.ChainCheckpoint;
import io.hyrelog.integrity.ConsistencyProof;
import io.hyrelog.integrity.InclusionProof;
import io.hyrelog.integrity.MerkleProofs;
import io.hyrelog.integrity.MerkleTree;
import io.hyrelog.spi.ChainTree;
import io.hyrelog.spi.ErasureRequest;
import io.hyrelog.spi.EventStore;
import io.hyrelog.IdSource;
import io.hyrelog.spi.IdempotencyConflictException;
import io.hyrelog.tlog.Tile;
import io.hyrelog.tlog.TileId;
import io.hyrelog.tlog.TiledTree;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract of {@link ChainTree}: every store that offers a stored tree ({@link
 * EventStore#tree()}) runs it with a test class that extends this one and supplies a fresh,
 * empty store. Events are appended through {@link EventLog}; the expected tiles are computed
 * here from the stored event hashes with the streaming {@link MerkleTree}, not with the
 * production tile writer. Deterministic apart from thread interleavings, whose outcome it checks.
 */
public abstract class ChainTreeContract {
  protected static final Instant T0 = Instant.parse("2026-11-26T12:00:00Z");
  private static final String NS = "audit.example.com";

  protected EventStore store;
  protected ChainTree tree;
  protected MutableClock clock;
  protected EventLog log;
  protected WorkspaceRef ws;
  protected EventScope chain;
  private SampleEvents samples;

  /** A fresh store with no events whose {@link EventStore#tree()} is present. */
  protected abstract EventStore createStore() throws Exception;

  /** Releases the store; called after each test. */
  protected void closeStore(EventStore s) throws Exception {}

  @BeforeEach
  void setUpTreeContract() throws Exception {
    store = createStore();
    tree = store.tree().orElseThrow(() -> new AssertionError(
        "the store under test offers no ChainTree (EventStore.tree() is empty)"));
    clock = new MutableClock(T0);
    log = EventLog.builder(store).clock(clock).idSource(IdSource.seeded(clock, 7)).build();
    ws = SampleEvents.workspace(11, DataRegion.EU);
    chain = EventScope.of(ws);
    samples = new SampleEvents(11);
  }

  @AfterEach
  void tearDownTreeContract() throws Exception {
    if (store != null) {
      closeStore(store);
    }
  }

  /** Appends {@code n} sample events to {@code w} in batches of at most {@code batch}. */
  protected void append(WorkspaceRef w, int n, int batch) {
    for (int done = 0; done < n; ) {
      int k = Math.min(batch, n - done);
      List<NewEvent> events = new ArrayList<>(k);
      for (int i = 0; i < k; i++) {
        events.add(samples.next(null));
      }
      log.appendBatch(w, events);
      done += k;
    }
  }

  private List<Digest> hashes(EventScope scope) {
    try (Stream<AuditEvent> s = store.read(scope, 1, Long.MAX_VALUE)) {
      return s.map(AuditEvent::hash).collect(Collectors.toList());
    }
  }

  /**
   * The tile as tlog-tiles defines it, from the chain's event hashes (computed leaf by leaf with
   * the streaming {@link MerkleTree}, independently of the production tile writer).
   *
   * @param id the tile
   * @param leafHashes the chain's event hashes in seq order, at least as many as the tile covers
   * @return the tile's hashes
   */
  public static Tile expectedTile(TileId id, List<Digest> leafHashes) {
    long span = 1L << (TileId.HEIGHT * id.level());
    List<Digest> out = new ArrayList<>(id.width());
    for (int i = 0; i < id.width(); i++) {
      long from = (id.index() * TileId.FULL_WIDTH + i) * span;
      MerkleTree t = new MerkleTree();
      leafHashes.subList((int) from, (int) (from + span)).forEach(t::append);
      out.add(t.root());
    }
    return Tile.of(id, out);
  }

  private Tile stored(TileId id) {
    return tree.tiles(chain, List.of(id)).get(id);
  }

  private void assertTilesMatchTheChain() {
    assertTilesMatch(chain);
  }

  /**
   * Checks that the tree of {@code scope} covers its head and that every tile of it holds
   * exactly the hashes tlog-tiles defines from the chain's stored event hashes (for adapters'
   * own tests: concurrent writers, failures, back-fill).
   *
   * @param scope the chain (a workspace scope)
   */
  protected void assertTilesMatch(EventScope scope) {
    List<Digest> hashes = hashes(scope);
    assertThat(tree.size(scope)).isEqualTo(hashes.size());
    List<TileId> ids = TileId.tiles(hashes.size()).toList();
    for (int at = 0; at < ids.size(); at += 100) {
      List<TileId> part = ids.subList(at, Math.min(ids.size(), at + 100));
      Map<TileId, Tile> got = tree.tiles(scope, part);
      for (TileId id : part) {
        assertThat(got.get(id)).as(id.path()).isEqualTo(expectedTile(id, hashes));
      }
    }
  }

  /** An empty chain's tree has size 0 and no tiles. */
  @Test
  public void size_emptyChain_isZeroAndThereAreNoTiles() {
    assertThat(tree.size(chain)).isZero();
    assertThat(tree.tiles(chain, List.of(TileId.full(0, 0), new TileId(0, 0, 1)))).isEmpty();
  }

  /** After each append the tree's size equals the chain's head. */
  @Test
  public void size_afterEachAppend_equalsTheHead() {
    int[] batches = {1, 1, 254, 1, 300, 2, 255, 1};
    long total = 0;
    for (int b : batches) {
      append(ws, b, b);
      total += b;
      assertThat(tree.size(chain)).isEqualTo(total)
          .isEqualTo(store.head(chain).orElseThrow().seq());
    }
  }

  /** After uneven appends the tiles hold exactly the hashes the C2SP spec says. */
  @Test
  public void tiles_afterUnevenAppends_holdExactlyTheSpecsHashes() {
    Random r = new Random(3);
    for (int total = 0; total < 700; ) {
      int n = Math.min(700 - total, 1 + r.nextInt(r.nextBoolean() ? 3 : 200));
      append(ws, n, n);
      total += n;
    }
    assertTilesMatchTheChain();
    assertThat(TileId.tiles(700)).extracting(TileId::path).contains("tile/0/002.p/188",
        "tile/1/000.p/2");
  }

  /** Tiles of a smaller tree are prefixes of the stored ones; wider or missing ones are absent. */
  @Test
  public void tiles_ofASmallerTree_arePrefixesAndWiderOrMissingOnesAreAbsent() {
    append(ws, 700, 100);
    List<Digest> hashes = hashes(chain);
    TileId smaller = TileId.of(300, 0, 1).orElseThrow();
    TileId level1 = new TileId(1, 0, 1);

    Map<TileId, Tile> got = tree.tiles(chain, List.of(smaller, level1,
        new TileId(0, 2, 189), TileId.full(0, 2), new TileId(0, 3, 1), new TileId(2, 0, 1)));

    assertThat(got).containsOnlyKeys(smaller, level1);
    assertThat(got.get(smaller)).isEqualTo(expectedTile(smaller, hashes));
    assertThat(got.get(level1)).isEqualTo(expectedTile(level1, hashes));
  }

  /** Full tiles never change as the chain grows. */
  @Test
  public void fullTiles_neverChangeAsTheChainGrows() {
    append(ws, 520, 130);
    Map<TileId, Tile> before = tree.tiles(chain, List.of(TileId.full(0, 0), TileId.full(0, 1)));
    assertThat(before).hasSize(2);

    append(ws, 300, 7);

    assertThat(tree.tiles(chain, List.of(TileId.full(0, 0), TileId.full(0, 1))))
        .isEqualTo(before);
    assertTilesMatchTheChain();
  }

  /** Idempotent replays and refused batches change no tile. */
  @Test
  public void replaysAndRefusedBatches_changeNoTile() {
    append(ws, 10, 10);
    NewEvent keyed = NewEvent.builder("user", "login").idempotencyKey("k-1").build();
    log.append(ws, keyed);
    Tile before = stored(new TileId(0, 0, 11));

    log.append(ws, keyed);
    assertThatThrownBy(() -> log.appendBatch(ws, List.of(NewEvent.builder("user", "x").build(),
        NewEvent.builder("user", "logout").idempotencyKey("k-1").build())))
        .isInstanceOf(IdempotencyConflictException.class);

    assertThat(tree.size(chain)).isEqualTo(11);
    assertThat(stored(new TileId(0, 0, 11))).isEqualTo(before);
    assertThat(tree.tiles(chain, List.of(new TileId(0, 0, 12)))).isEmpty();
  }

  /** Erasing personal data changes no tile. */
  @Test
  public void erase_personalData_changesNoTile() {
    log.append(ws, NewEvent.builder("user", "login")
        .actor(new Actor("u1", "ada@example.com", "admin", "Ada")).build());
    append(ws, 5, 5);
    Tile before = stored(new TileId(0, 0, 6));

    long erased = store.erase(new ErasureRequest(EventScope.company(ws.companyId()), "u1", null));

    assertThat(erased).isEqualTo(1);
    assertThat(stored(new TileId(0, 0, 6))).isEqualTo(before);
    assertTilesMatchTheChain();
  }

  /** Reads outside the scope see nothing, and a company-wide scope is refused. */
  @Test
  public void reads_outsideTheScope_seeNothingAndCompanyScopeIsRefused() {
    append(ws, 3, 3);
    EventScope foreign = EventScope.workspace(UUID.nameUUIDFromBytes(new byte[] {9}),
        ws.workspaceId());
    WorkspaceRef other = SampleEvents.workspace(12, DataRegion.EU);

    assertThat(tree.size(foreign)).isZero();
    assertThat(tree.tiles(foreign, List.of(new TileId(0, 0, 1)))).isEmpty();
    assertThat(tree.size(EventScope.of(other))).isZero();
    assertThatIllegalArgumentException().isThrownBy(
        () -> tree.size(EventScope.company(ws.companyId())));
    assertThatIllegalArgumentException().isThrownBy(
        () -> tree.tiles(EventScope.company(ws.companyId()), List.of(new TileId(0, 0, 1))));
  }

  /** Asking for more than a thousand tiles at once is refused. */
  @Test
  public void tiles_moreThanAThousandIds_isRefused() {
    List<TileId> many = new ArrayList<>();
    for (int i = 0; i <= 1000; i++) {
      many.add(TileId.full(0, i));
    }
    assertThatIllegalArgumentException().isThrownBy(() -> tree.tiles(chain, many));
  }

  /** The checkpoint of every size has the root computed from the stored events. */
  @Test
  public void checkpoint_everySize_equalsTheRootOfTheStoredEvents() {
    append(ws, 530, 53);
    List<Digest> hashes = hashes(chain);
    MerkleTree streaming = new MerkleTree();
    for (int size = 0; size <= 530; size++) {
      ChainCheckpoint cp = log.checkpoint(NS, chain, size);
      assertThat(cp.root()).as("size %d", size).isEqualTo(streaming.root());
      assertThat(cp.head()).isEqualTo(size == 0 ? Digest.ZERO : hashes.get(size - 1));
      assertThat(TiledTree.of(size, tree.source(chain)).root()).isEqualTo(streaming.root());
      if (size < 530) {
        streaming.append(hashes.get(size));
      }
    }
    assertThat(log.checkpoint(NS, chain)).isEqualTo(log.checkpoint(NS, chain, 530));
  }

  /** Proofs from the stored tree verify against checkpoints. */
  @Test
  public void proofs_fromTheStoredTree_verifyAgainstCheckpoints() {
    append(ws, 600, 37);
    List<Digest> hashes = hashes(chain);
    Random r = new Random(5);
    for (int i = 0; i < 40; i++) {
      long size = 1 + r.nextInt(600);
      long seq = 1 + r.nextInt((int) size);
      long from = 1 + r.nextInt((int) size);
      ChainCheckpoint at = log.checkpoint(NS, chain, size);
      ChainCheckpoint older = log.checkpoint(NS, chain, from);

      InclusionProof p = log.inclusionProof(chain, seq, size);
      ConsistencyProof c = log.consistencyProof(chain, from, size);

      assertThat(p.leafHash()).isEqualTo(hashes.get((int) seq - 1));
      MerkleProofs.verifyInclusion(p, at.root());
      MerkleProofs.verifyConsistency(c, older.root(), at.root());
    }
  }

  /**
   * Concurrent appends leave the tree consistent with the chain.
   *
   * @throws Exception when the port under test fails unexpectedly
   */
  @Test
  public void concurrentAppends_leaveTheTreeConsistentWithTheChain() throws Exception {
    int threads = 4;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Callable<Void>> tasks = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int seed = t;
        tasks.add(() -> {
          Random r = new Random(seed);
          for (int i = 0; i < 25; i++) {
            int n = 1 + r.nextInt(12);
            List<NewEvent> batch = new ArrayList<>();
            for (int k = 0; k < n; k++) {
              batch.add(NewEvent.builder("user", "t" + seed + "-" + i + "-" + k).build());
            }
            log.appendBatch(ws, batch);
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
    assertTilesMatchTheChain();
    assertThat(log.verify(chain, Optional.of(log.checkpoint(NS, chain))).ok())
        .isTrue();
  }

  /** The chains of two workspaces have independent trees. */
  @Test
  public void chains_ofTwoWorkspaces_haveIndependentTrees() {
    WorkspaceRef other = new WorkspaceRef(ws.companyId(), UUID.nameUUIDFromBytes(new byte[] {4}),
        DataRegion.EU);
    append(ws, 300, 300);
    append(other, 2, 2);

    assertThat(tree.size(EventScope.of(other))).isEqualTo(2);
    Map<TileId, Tile> mine = new HashMap<>(tree.tiles(chain, List.of(new TileId(0, 0, 2))));
    Map<TileId, Tile> theirs = tree.tiles(EventScope.of(other), List.of(new TileId(0, 0, 2)));
    assertThat(theirs.get(new TileId(0, 0, 2))).isNotEqualTo(mine.get(new TileId(0, 0, 2)));
    assertTilesMatchTheChain();
  }
}
