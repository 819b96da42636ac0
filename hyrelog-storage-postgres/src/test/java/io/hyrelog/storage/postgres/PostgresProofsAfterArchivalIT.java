package io.hyrelog.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hyrelog.AuditEvent;
import io.hyrelog.DataRegion;
import io.hyrelog.EventScope;
import io.hyrelog.HyrelogException;
import io.hyrelog.IdSource;
import io.hyrelog.Plan;
import io.hyrelog.PlanTier;
import io.hyrelog.WorkspaceRef;
import io.hyrelog.archive.Archival;
import io.hyrelog.archive.LocalDirectoryArchiveStore;
import io.hyrelog.integrity.ChainCheckpoint;
import io.hyrelog.integrity.ConsistencyProof;
import io.hyrelog.integrity.InclusionProof;
import io.hyrelog.integrity.MerkleProofs;
import io.hyrelog.log.EventLog;
import io.hyrelog.spi.ArchiveObject;
import io.hyrelog.spi.ArchiveStore;
import io.hyrelog.spi.ChainTree;
import io.hyrelog.testkit.ForwardingArchiveStore;
import io.hyrelog.testkit.ForwardingEventStore;
import io.hyrelog.testkit.MutableClock;
import io.hyrelog.testkit.SampleEvents;
import io.hyrelog.testkit.StoragePorts;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checkpoints and proofs of a chain whose prefix was archived and purged come from the stored
 * tiles alone: after the real archival workflow (mark, archive, verify, purge) the archive store
 * refuses every read, and the answers are those given before the purge.
 */
class PostgresProofsAfterArchivalIT {
  private static final Instant START = Instant.parse("2026-01-10T00:00:00Z");
  private static final String NS = "audit.example.com";

  @TempDir
  Path dir;

  @Test
  void checkpointAndProofs_afterTheirEventsWereArchivedAndPurged_comeFromTheTilesAlone()
      throws Exception {
    WorkspaceRef ws = SampleEvents.workspace(31, DataRegion.US);
    EventScope chain = EventScope.of(ws);
    StoragePorts ports = PostgresPorts.of(PostgresFixture.newDatabase());
    try {
      MutableClock clock = new MutableClock(START);
      EventLog log = EventLog.builder(ports.events()).clock(clock)
          .idSource(IdSource.seeded(clock, 4)).build();
      SampleEvents samples = new SampleEvents(31);
      for (int day = 0; day < 3; day++) { // 3 x 200 events on three UTC days
        for (int i = 0; i < 200; i++) {
          log.append(ws, samples.next(null));
          clock.advance(Duration.ofMinutes(5));
        }
        clock.set(START.plus(Duration.ofDays(day + 1)));
      }
      ChainCheckpoint head = log.checkpoint(NS, chain);
      ChainCheckpoint early = log.checkpoint(NS, chain, 150);
      InclusionProof first = log.inclusionProof(chain, 1, 600);
      InclusionProof inEarly = log.inclusionProof(chain, 77, 150);
      ConsistencyProof grown = log.consistencyProof(chain, 150, 600);

      AtomicBoolean sealed = new AtomicBoolean();
      ArchiveStore objects = new ForwardingArchiveStore(LocalDirectoryArchiveStore
          .builder(dir.resolve("archive")).clock(clock).build()) {
        @Override
        public InputStream open(String key) throws java.io.IOException {
          refuseOnceSealed();
          return super.open(key);
        }

        @Override
        public Optional<ArchiveObject> head(String key) {
          refuseOnceSealed();
          return super.head(key);
        }

        @Override
        public Stream<ArchiveObject> list(String prefix) {
          refuseOnceSealed();
          return super.list(prefix);
        }

        private void refuseOnceSealed() {
          if (sealed.get()) {
            throw new AssertionError("the archive was read after the purge");
          }
        }
      };
      Instant asOf = START.plus(Duration.ofDays(92)); // GROWTH keeps 90 days hot
      clock.set(asOf);
      Archival archival = Archival.create(ports.events(), ports.archive(), objects,
          IdSource.seeded(clock, 5), clock);
      archival.markRetention(ws.companyId(), Plan.defaults(PlanTier.GROWTH), asOf);
      Archival.Outcome out = archival.archive(ws.companyId());
      assertThat(out.errors()).isEmpty();
      assertThat(out.rowsPurged()).isEqualTo(400); // the first two days
      sealed.set(true);

      try (Stream<AuditEvent> hot = ports.events().read(chain, 1, Long.MAX_VALUE)) {
        assertThat(hot.findFirst().orElseThrow().seq()).isEqualTo(401);
      }
      assertThat(log.checkpoint(NS, chain)).isEqualTo(head);
      assertThat(log.checkpoint(NS, chain, 150)).isEqualTo(early);
      assertThat(log.inclusionProof(chain, 1, 600)).isEqualTo(first);
      assertThat(log.inclusionProof(chain, 77, 150)).isEqualTo(inEarly);
      assertThat(log.consistencyProof(chain, 150, 600)).isEqualTo(grown);
      MerkleProofs.verifyInclusion(log.inclusionProof(chain, 1, 600), head.root());
      MerkleProofs.verifyConsistency(log.consistencyProof(chain, 150, 600), early.root(),
          head.root());

      // Without the tiles the same question needs the purged events, and fails.
      EventLog untiled = EventLog.builder(new ForwardingEventStore(ports.events()) {
        @Override
        public Optional<ChainTree> tree() {
          return Optional.empty();
        }
      }).clock(clock).build();
      assertThatThrownBy(() -> untiled.checkpoint(NS, chain))
          .isInstanceOf(HyrelogException.class).hasMessageContaining("seq 401");
    } finally {
      ports.close();
    }
  }
}
