package io.hyrelog.compliance.evidence;

import static io.hyrelog.compliance.evidence.BundleFixture.NAMESPACE;
import static io.hyrelog.compliance.evidence.BundleFixture.SERVER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hyrelog.AuditEvent;
import io.hyrelog.DataRegion;
import io.hyrelog.EventScope;
import io.hyrelog.HyrelogException;
import io.hyrelog.IdSource;
import io.hyrelog.NewEvent;
import io.hyrelog.WorkspaceRef;
import io.hyrelog.archive.Archival;
import io.hyrelog.archive.LocalDirectoryArchiveStore;
import io.hyrelog.compliance.SigningKeys;
import io.hyrelog.log.EventLog;
import io.hyrelog.spi.ChainTree;
import io.hyrelog.spi.EventStore;
import io.hyrelog.testkit.ForwardingEventStore;
import io.hyrelog.testkit.InMemoryEventStore;
import io.hyrelog.testkit.MutableClock;
import io.hyrelog.testkit.SampleEvents;
import io.hyrelog.testkit.SeededRandom;
import io.hyrelog.testkit.StoragePorts;
import io.hyrelog.tlog.Tile;
import io.hyrelog.tlog.TileId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bundles whose checkpoints' roots come from the stored tree: the same bytes as a bundle read
 * from seq 1, without reading an event before the period.
 */
class EvidenceBundlesFromTilesTest {
  private static final Instant DAY1 = Instant.parse("2026-11-01T00:00:00Z");
  private static final Instant DAY2 = DAY1.plus(Duration.ofDays(1));
  private static final WorkspaceRef A = SampleEvents.workspace(31, DataRegion.EU);
  private static final WorkspaceRef B = new WorkspaceRef(A.companyId(),
      UUID.fromString("0190a000-0000-7000-8000-00000000001b"), DataRegion.EU);
  private static final WorkspaceRef C = new WorkspaceRef(A.companyId(),
      UUID.fromString("0190a000-0000-7000-8000-00000000001c"), DataRegion.EU);

  private final MutableClock clock = new MutableClock(DAY1.minus(Duration.ofHours(5)));
  private final SampleEvents sample = new SampleEvents(8);
  /** The smallest seq read per chain. */
  private final Map<UUID, Long> firstRead = new ConcurrentHashMap<>();
  @TempDir
  Path dir;
  private StoragePorts ports;

  @BeforeEach
  void setUp() {
    ports = StoragePorts.inMemory();
    EventLog log = EventLog.builder(ports.events()).clock(clock).build();
    append(log, A, 300);                     // before the period: more than a full tile
    append(log, C, 5);                       // a chain with nothing in the period
    clock.set(DAY1.plus(Duration.ofHours(1)));
    append(log, A, 20);
    append(log, B, 7);
    clock.set(DAY2.plus(Duration.ofHours(1)));
    append(log, A, 4);                       // after the period
  }

  @AfterEach
  void tearDown() throws Exception {
    ports.close();
  }

  private void append(EventLog log, WorkspaceRef ws, int n) {
    List<NewEvent> batch = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      batch.add(sample.next(null));
    }
    log.appendBatch(ws, batch);
  }

  /** The store, recording the first seq read of each chain. */
  private EventStore observed() {
    return new ForwardingEventStore(ports.events()) {
      @Override
      public Stream<AuditEvent> read(EventScope chain, long fromSeq, long toSeq) {
        return super.read(chain, fromSeq, toSeq).peek(e -> firstRead.merge(e.workspaceId(),
            e.seq(), Math::min));
      }
    };
  }

  /** Bundles in {@code name}, with the same ids, clock and randomness every time. */
  private EvidenceBundles.Builder builder(String name) {
    Archival archival = Archival.create(observed(), ports.archive(),
        LocalDirectoryArchiveStore.builder(dir.resolve("archive")).build(), clock);
    return EvidenceBundles.builder(dir.resolve(name))
        .keys(SigningKeys.of(SERVER, List.of())).namespace(NAMESPACE)
        .chains(ports.exports(), archival).clock(clock).ids(IdSource.seeded(clock, 7))
        .random(SeededRandom.secure(3));
  }

  private static EvidenceExporter.Options plain() {
    return new EvidenceExporter.Options(false, false, false, false, false);
  }

  private static byte[] bytes(EvidenceBundles bundles, String path) throws IOException {
    return Files.readAllBytes(bundles.companyDirectory(A.companyId()).resolve(path));
  }

  private ChainTree tree() {
    return ports.events().tree().orElseThrow();
  }

  @Test
  void export_fromTiles_sameBytesAsFromStreaming() throws IOException {
    EvidenceBundles streamed = builder("streamed").build();
    EvidenceBundles tiled = builder("tiled").tree(tree(), ports.snapshots()).build();

    ExportedBundle s = streamed.export(A.companyId(), DAY1, DAY2, null, plain());
    ExportedBundle t = tiled.export(A.companyId(), DAY1, DAY2, null, plain());

    assertThat(t.result().bundle().manifest().events()).isEqualTo(27);
    assertThat(t.packagePath()).isEqualTo(s.packagePath());
    assertThat(bytes(tiled, t.packagePath())).isEqualTo(bytes(streamed, s.packagePath()));
    assertThat(bytes(tiled, t.signaturePath())).isEqualTo(bytes(streamed, s.signaturePath()));
    assertThat(tiled.verify(A.companyId(), t.bundleId(), false).ok()).isTrue();
  }

  @Test
  void export_fromTiles_readsNoEventBeforeThePeriod() {
    EvidenceBundles tiled = builder("tiled").tree(tree(), ports.snapshots()).build();

    ExportedBundle b = tiled.export(A.companyId(), DAY1, DAY2, null, plain());

    assertThat(b.result().bundle().manifest().events()).isEqualTo(27);
    // A's period starts at seq 301, B's at 1; C has nothing in the period and is not read.
    assertThat(firstRead).containsOnly(Map.entry(A.workspaceId(), 301L),
        Map.entry(B.workspaceId(), 1L));
    assertThat(tiled.verify(A.companyId(), b.bundleId(), false).ok()).isTrue();
  }

  @Test
  void export_treeBehindTheHead_readsTheChainFromSeqOne() throws IOException {
    ChainTree lagging = new ChainTree() { // a back-fill that has not reached A's head yet
      @Override
      public long size(EventScope chain) {
        return Math.min(256, tree().size(chain));
      }

      @Override
      public Map<TileId, Tile> tiles(EventScope chain, Collection<TileId> ids) {
        return tree().tiles(chain, ids);
      }
    };
    EvidenceBundles streamed = builder("streamed").build();
    EvidenceBundles behind = builder("behind").tree(lagging, ports.snapshots()).build();

    ExportedBundle s = streamed.export(A.companyId(), DAY1, DAY2, null, plain());
    firstRead.clear();
    ExportedBundle t = behind.export(A.companyId(), DAY1, DAY2, null, plain());

    assertThat(firstRead).containsEntry(A.workspaceId(), 1L);
    assertThat(bytes(behind, t.packagePath())).isEqualTo(bytes(streamed, s.packagePath()));
  }

  @Test
  void export_treeDisagreesWithTheEvents_refusedAndNothingSigned() throws IOException {
    InMemoryEventStore other = new InMemoryEventStore(); // the same chains with other events
    EventLog log = EventLog.builder(other).clock(clock).build();
    append(log, A, 330);
    append(log, B, 7);
    EvidenceBundles lying = builder("lying").tree(other.tree().orElseThrow(),
        ports.snapshots()).build();

    assertThatThrownBy(() -> lying.export(A.companyId(), DAY1, DAY2, null, plain()))
        .isInstanceOf(HyrelogException.class)
        .hasMessageContaining("stored Merkle tree holds another hash than the event at seq");
    try (Stream<Path> files = Files.walk(dir.resolve("lying"))) {
      assertThat(files.filter(Files::isRegularFile).toList()).as("files left").isEmpty();
    }
  }
}
