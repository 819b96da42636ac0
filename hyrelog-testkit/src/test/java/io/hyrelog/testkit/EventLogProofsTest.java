package io.hyrelog.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hyrelog.AuditEvent;
import io.hyrelog.BeyondHeadException;
import io.hyrelog.DataRegion;
import io.hyrelog.Digest;
import io.hyrelog.log.EventLog;
import io.hyrelog.EventScope;
import io.hyrelog.HyrelogException;
import io.hyrelog.NewEvent;
import io.hyrelog.WorkspaceRef;
import io.hyrelog.integrity.ChainCheckpoint;
import io.hyrelog.integrity.ConsistencyProof;
import io.hyrelog.integrity.InclusionProof;
import io.hyrelog.integrity.MerkleProofs;
import io.hyrelog.spi.ChainTree;
import io.hyrelog.spi.EventStore;
import io.hyrelog.IdSource;
import io.hyrelog.tlog.Tile;
import io.hyrelog.tlog.TileId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * EventLog's checkpoints and proofs: from a stored tree and by streaming they are the same, the
 * stored tree is used without reading events, a lagging tree falls back to streaming, and a
 * stored tree that disagrees with the chain is caught at the head.
 */
class EventLogProofsTest {
  private static final String NS = "audit.example.com";
  private static final Instant T0 = Instant.parse("2026-11-26T12:00:00Z");
  private final WorkspaceRef ws = SampleEvents.workspace(5, DataRegion.EU);
  private final EventScope chain = EventScope.of(ws);

  private InMemoryEventStore tiled;
  private InMemoryEventStore streamed;

  /** The same 700 events (same seeds, same clock) appended to both stores. */
  @BeforeEach
  void fill() {
    tiled = new InMemoryEventStore();
    streamed = InMemoryEventStore.withoutTree();
    for (EventStore s : List.of(tiled, streamed)) {
      MutableClock clock = new MutableClock(T0);
      EventLog log = EventLog.builder(s).clock(clock).idSource(IdSource.seeded(clock, 3)).build();
      SampleEvents samples = new SampleEvents(3);
      for (int i = 0; i < 7; i++) {
        List<NewEvent> batch = new ArrayList<>();
        for (int k = 0; k < 100; k++) {
          batch.add(samples.next(null));
        }
        log.appendBatch(ws, batch);
      }
    }
  }

  private static EventLog log(EventStore s) {
    MutableClock clock = new MutableClock(T0);
    return EventLog.builder(s).clock(clock).idSource(IdSource.seeded(clock, 4)).build();
  }

  @Test
  void checkpointsAndProofs_fromTilesAndByStreaming_areIdentical() {
    assertThat(tiled.tree()).isPresent();
    assertThat(streamed.tree()).isEmpty();
    Random r = new Random(9);
    for (int i = 0; i < 30; i++) {
      long size = 1 + r.nextInt(700);
      long seq = 1 + r.nextInt((int) size);
      long from = 1 + r.nextInt((int) size);
      ChainCheckpoint cp = log(tiled).checkpoint(NS, chain, size);

      assertThat(log(streamed).checkpoint(NS, chain, size)).isEqualTo(cp);
      InclusionProof p = log(tiled).inclusionProof(chain, seq, size);
      assertThat(log(streamed).inclusionProof(chain, seq, size)).isEqualTo(p);
      MerkleProofs.verifyInclusion(p, cp.root());
      ConsistencyProof c = log(tiled).consistencyProof(chain, from, size);
      assertThat(log(streamed).consistencyProof(chain, from, size)).isEqualTo(c);
      MerkleProofs.verifyConsistency(c, log(tiled).checkpoint(NS, chain, from).root(),
          cp.root());
    }
    assertThat(log(tiled).checkpoint(NS, chain)).isEqualTo(log(streamed).checkpoint(NS, chain));
  }

  /** {@code store}, counting its event reads in {@code reads}. */
  private static ForwardingEventStore counting(EventStore store, AtomicInteger reads) {
    return new ForwardingEventStore(store) {
      @Override
      public Stream<AuditEvent> read(EventScope c, long fromSeq, long toSeq) {
        reads.incrementAndGet();
        return super.read(c, fromSeq, toSeq);
      }
    };
  }

  @Test
  void storedTree_answersWithoutReadingEvents() {
    AtomicInteger reads = new AtomicInteger();
    EventStore counting = counting(tiled, reads);

    log(counting).checkpoint(NS, chain);
    log(counting).checkpoint(NS, chain, 123);
    log(counting).inclusionProof(chain, 77, 650);
    log(counting).consistencyProof(chain, 12, 700);

    assertThat(reads.get()).isZero();
  }

  @Test
  void laggingTree_fallsBackToStreamingBeyondWhatItCovers() {
    AtomicInteger reads = new AtomicInteger();
    EventStore lagging = new ForwardingEventStore(counting(tiled, reads)) {
      @Override
      public Optional<ChainTree> tree() {
        ChainTree real = super.tree().orElseThrow();
        return Optional.of(new ChainTree() {
          @Override
          public long size(EventScope c) {
            return Math.min(real.size(c), 500);
          }

          @Override
          public Map<TileId, Tile> tiles(EventScope c, Collection<TileId> ids) {
            return real.tiles(c, ids);
          }
        });
      }
    };

    assertThat(log(lagging).checkpoint(NS, chain, 500))
        .isEqualTo(log(streamed).checkpoint(NS, chain, 500));
    assertThat(reads.get()).isZero();
    assertThat(log(lagging).checkpoint(NS, chain, 501))
        .isEqualTo(log(streamed).checkpoint(NS, chain, 501));
    assertThat(log(lagging).inclusionProof(chain, 3, 650))
        .isEqualTo(log(streamed).inclusionProof(chain, 3, 650));
    assertThat(reads.get()).isEqualTo(2);
  }

  @Test
  void checkpointAtHead_storedTreeDisagreeingWithTheChain_isRefused() {
    EventStore lying = new ForwardingEventStore(tiled) {
      @Override
      public Optional<ChainTree> tree() {
        ChainTree real = super.tree().orElseThrow();
        return Optional.of(new ChainTree() {
          @Override
          public long size(EventScope c) {
            return real.size(c);
          }

          @Override
          public Map<TileId, Tile> tiles(EventScope c, Collection<TileId> ids) {
            Map<TileId, Tile> out = new HashMap<>(real.tiles(c, ids));
            out.replaceAll((id, t) -> id.level() == 0 && !id.isFull() ? forged(t) : t);
            return out;
          }
        });
      }
    };

    assertThatThrownBy(() -> log(lying).checkpoint(NS, chain))
        .isInstanceOf(HyrelogException.class)
        .hasMessageContaining("seq 700");
  }

  private static Tile forged(Tile t) {
    List<Digest> hashes = new ArrayList<>(t.hashes());
    hashes.set(hashes.size() - 1, Digest.sha256(new byte[] {1}));
    return Tile.of(t.id(), hashes);
  }

  @Test
  void requests_beyondTheHeadOrOutOfOrder_areRefusedClearly() {
    for (EventStore s : List.of(tiled, streamed)) {
      EventLog log = log(s);
      assertThatThrownBy(() -> log.checkpoint(NS, chain, 701))
          .isInstanceOf(BeyondHeadException.class)
          .hasMessageContaining("has 700 events; tree size 701")
          .satisfies(e -> assertThat(((BeyondHeadException) e).head()).isEqualTo(700));
      assertThatThrownBy(() -> log.inclusionProof(chain, 1, 800))
          .isInstanceOf(BeyondHeadException.class);
      assertThatThrownBy(() -> log.consistencyProof(chain, 1, 701))
          .isInstanceOf(BeyondHeadException.class);
      assertThatIllegalArgumentException().isThrownBy(() -> log.inclusionProof(chain, 0, 5));
      assertThatIllegalArgumentException().isThrownBy(() -> log.inclusionProof(chain, 6, 5));
      assertThatIllegalArgumentException().isThrownBy(() -> log.consistencyProof(chain, 0, 5));
      assertThatIllegalArgumentException().isThrownBy(() -> log.consistencyProof(chain, 6, 5));
      assertThatIllegalArgumentException().isThrownBy(() -> log.checkpoint(NS, chain, -1));
      assertThatIllegalArgumentException().isThrownBy(
          () -> log.checkpoint(NS, EventScope.company(ws.companyId()), 1));
    }
  }

  @Test
  void emptyChain_hasTheEmptyCheckpointAtSizeZero() {
    EventScope empty = EventScope.of(SampleEvents.workspace(6, DataRegion.EU));
    ChainCheckpoint cp = log(tiled).checkpoint(NS, empty);

    assertThat(cp.size()).isZero();
    assertThat(cp.head()).isEqualTo(Digest.ZERO);
    assertThat(log(tiled).checkpoint(NS, empty, 0)).isEqualTo(cp);
    assertThatThrownBy(() -> log(tiled).inclusionProof(empty, 1, 1))
        .isInstanceOf(BeyondHeadException.class);
  }
}
