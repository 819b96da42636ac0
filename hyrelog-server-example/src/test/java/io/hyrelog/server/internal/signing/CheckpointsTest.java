package io.hyrelog.server.internal.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hyrelog.AuditEvent;
import io.hyrelog.DataRegion;
import io.hyrelog.EventScope;
import io.hyrelog.NewEvent;
import io.hyrelog.WorkspaceRef;
import io.hyrelog.archive.Archival;
import io.hyrelog.archive.LocalDirectoryArchiveStore;
import io.hyrelog.compliance.SigningKeys;
import io.hyrelog.integrity.ChainCheckpoint;
import io.hyrelog.integrity.Ed25519NoteSigner;
import io.hyrelog.integrity.MerkleTree;
import io.hyrelog.log.EventLog;
import io.hyrelog.server.internal.ApiException;
import io.hyrelog.server.internal.ErrorCode;
import io.hyrelog.server.internal.VerifiedChains;
import io.hyrelog.spi.ChainTree;
import io.hyrelog.spi.EventStore;
import io.hyrelog.testkit.ForwardingEventStore;
import io.hyrelog.testkit.InMemoryArchiveCatalog;
import io.hyrelog.testkit.InMemoryEventStore;
import io.hyrelog.testkit.MutableClock;
import io.hyrelog.testkit.SampleEvents;
import io.hyrelog.testkit.SeededKeys;
import io.hyrelog.tlog.Tile;
import io.hyrelog.tlog.TileId;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which way a checkpoint is computed: from the stored tree (no event read) when it covers the
 * head, from the verified chain when it does not, and never signed when the tree disagrees with
 * the head event.
 */
class CheckpointsTest {
  private static final Ed25519NoteSigner KEY = SeededKeys.signer("audit.test", 3);
  private static final String NAMESPACE = "audit.test";
  private final WorkspaceRef ws = SampleEvents.workspace(9, DataRegion.EU);
  private final EventScope chain = EventScope.of(ws);
  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T00:00:00Z"));
  private final AtomicLong eventsRead = new AtomicLong();
  @TempDir
  Path dir;

  /** A store over {@code real} that counts the events read and offers {@code tree}. */
  private EventStore counting(EventStore real, Optional<ChainTree> tree) {
    return new ForwardingEventStore(real) {
      @Override
      public Stream<AuditEvent> read(EventScope c, long fromSeq, long toSeq) {
        return super.read(c, fromSeq, toSeq).peek(e -> eventsRead.incrementAndGet());
      }

      @Override
      public Optional<ChainTree> tree() {
        return tree;
      }
    };
  }

  private static void append(EventStore store, SampleEvents samples, int n) {
    List<NewEvent> batch = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      batch.add(samples.next(null));
    }
    EventLog.builder(store).build().appendBatch(SampleEvents.workspace(9, DataRegion.EU),
        batch);
  }

  private String note(InMemoryEventStore real, EventStore store) {
    Checkpoints checkpoints = new Checkpoints(ServerSigning.of(SigningKeys.of(KEY, List.of()),
        NAMESPACE), 100, new VerifiedChains());
    Archival archival = Archival.create(store, new InMemoryArchiveCatalog(real),
        LocalDirectoryArchiveStore.builder(dir.resolve("archive")).build(), clock);
    return checkpoints.signedNote(EventLog.builder(store).clock(clock).build(), archival, chain);
  }

  /** The checkpoint of the whole chain, computed here from its events. */
  private static ChainCheckpoint expected(EventStore store, EventScope chain) {
    MerkleTree tree = new MerkleTree();
    AuditEvent last = null;
    try (Stream<AuditEvent> s = store.read(chain, 1, Long.MAX_VALUE)) {
      for (Iterator<AuditEvent> it = s.iterator(); it.hasNext(); ) {
        last = it.next();
        tree.append(last.hash());
      }
    }
    return new ChainCheckpoint(NAMESPACE, chain.workspaceId(), tree.size(), tree.root(),
        last.hash());
  }

  @Test
  void signedNote_treeCoversTheHead_readsNoEventAndSignsTheChainsRoot() {
    InMemoryEventStore real = new InMemoryEventStore();
    append(real, new SampleEvents(4), 300); // more than one full tile
    EventStore store = counting(real, real.tree());

    String note = note(real, store);

    assertThat(eventsRead.get()).as("events read for the checkpoint").isZero();
    assertThat(ChainCheckpoint.verifyNote(note, List.of(KEY.verifier())))
        .isEqualTo(expected(real, chain));
  }

  @Test
  void signedNote_treeBehindTheHead_checkpointsTheVerifiedChain() {
    InMemoryEventStore real = new InMemoryEventStore();
    append(real, new SampleEvents(4), 300);
    ChainTree lagging = new ChainTree() { // a back-fill that has reached seq 256 so far
      @Override
      public long size(EventScope c) {
        return Math.min(256, real.tree().orElseThrow().size(c));
      }

      @Override
      public Map<TileId, Tile> tiles(EventScope c, Collection<TileId> ids) {
        return real.tree().orElseThrow().tiles(c, ids);
      }
    };
    EventStore store = counting(real, Optional.of(lagging));

    String note = note(real, store);

    assertThat(eventsRead.get()).as("the chain verified from seq 1").isEqualTo(300);
    assertThat(ChainCheckpoint.verifyNote(note, List.of(KEY.verifier())))
        .isEqualTo(expected(real, chain));
  }

  @Test
  void signedNote_treeDisagreesWithTheHeadEvent_conflictAndNothingSigned() {
    InMemoryEventStore real = new InMemoryEventStore();
    append(real, new SampleEvents(4), 20);
    InMemoryEventStore other = new InMemoryEventStore(); // the same chain with other events
    append(other, new SampleEvents(5), 20);
    EventStore store = counting(real, other.tree());

    assertThatThrownBy(() -> note(real, store)).isInstanceOfSatisfying(ApiException.class,
        e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT))
        .hasMessageContaining("stored Merkle tree holds another hash at seq 20");
  }

  @Test
  void signedNote_noTree_checkpointsTheVerifiedChain() {
    InMemoryEventStore real = InMemoryEventStore.withoutTree();
    append(real, new SampleEvents(4), 30);
    EventStore store = counting(real, Optional.empty());

    String note = note(real, store);

    assertThat(eventsRead.get()).isEqualTo(30);
    assertThat(ChainCheckpoint.verifyNote(note, List.of(KEY.verifier())))
        .isEqualTo(expected(real, chain));
  }
}
