package io.hyrelog.compliance.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hyrelog.AuditEvent;
import io.hyrelog.Company;
import io.hyrelog.DataRegion;
import io.hyrelog.Digest;
import io.hyrelog.EventScope;
import io.hyrelog.IdSource;
import io.hyrelog.Plan;
import io.hyrelog.PlanTier;
import io.hyrelog.WorkspaceRef;
import io.hyrelog.archive.Archival;
import io.hyrelog.archive.LocalDirectoryArchiveStore;
import io.hyrelog.compliance.ChainSeal;
import io.hyrelog.compliance.SigningKeys;
import io.hyrelog.compliance.SnapshotManifest;
import io.hyrelog.compliance.SnapshotStatement;
import io.hyrelog.integrity.Ed25519NoteSigner;
import io.hyrelog.integrity.SignedNote;
import io.hyrelog.log.EventLog;
import io.hyrelog.spi.SnapshotCatalog;
import io.hyrelog.spi.SnapshotCatalog.SealedRange;
import io.hyrelog.spi.SnapshotCatalog.Snapshot;
import io.hyrelog.testkit.MutableClock;
import io.hyrelog.testkit.SampleEvents;
import io.hyrelog.testkit.StoragePorts;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The snapshot workflow without a database or a server: the testkit's in-memory twins, a local
 * directory archive store, a virtual clock and fixed keys.
 */
class SnapshotsTest {
  private static final Instant DAY1 = Instant.parse("2026-03-01T00:00:00Z");
  private static final Instant DAY2 = DAY1.plus(Duration.ofDays(1));
  private static final Instant DAY3 = DAY2.plus(Duration.ofDays(1));
  private static final Company COMPANY = new Company(
      UUID.fromString("0190a000-0000-7000-8000-000000000001"), "Acme", DataRegion.US,
      PlanTier.FREE, null);
  private static final WorkspaceRef A = new WorkspaceRef(COMPANY.id(),
      UUID.fromString("0190a000-0000-7000-8000-00000000000a"), DataRegion.US);
  private static final WorkspaceRef B = new WorkspaceRef(COMPANY.id(),
      UUID.fromString("0190a000-0000-7000-8000-00000000000b"), DataRegion.US);
  private static final WorkspaceRef QUIET = new WorkspaceRef(COMPANY.id(),
      UUID.fromString("0190a000-0000-7000-8000-00000000000c"), DataRegion.US);

  private final MutableClock clock = new MutableClock(DAY1.plus(Duration.ofHours(10)));
  private final Ed25519NoteSigner key1 = Ed25519NoteSigner.fromSeed("hyrelog.test", seed(1));
  private final Ed25519NoteSigner key2 = Ed25519NoteSigner.fromSeed("hyrelog.test", seed(2));
  private final SampleEvents sample = new SampleEvents(7);
  @TempDir
  Path dir;
  private StoragePorts ports;
  private LocalDirectoryArchiveStore objects;
  private EventLog log;

  @BeforeEach
  void setUp() {
    ports = StoragePorts.inMemory();
    objects = LocalDirectoryArchiveStore.builder(dir).build();
    log = EventLog.builder(ports.events()).clock(clock).idSource(IdSource.seeded(clock, 1))
        .build();
    append(A, 5);                                 // A 1..5, day 1
    append(QUIET, 3);                             // QUIET 1..3, day 1 only
    clock.set(DAY2.plus(Duration.ofHours(1)));
    append(A, 23);                                // A 6..28, day 2: several batches of 7
    append(B, 4);                                 // B 1..4, day 2
    clock.set(DAY3.plus(Duration.ofHours(1)));
    append(A, 2);                                 // A 29..30, day 3
    clock.set(DAY3.plus(Duration.ofHours(2)));
  }

  @AfterEach
  void tearDown() throws Exception {
    ports.close();
  }

  private static byte[] seed(int n) {
    byte[] s = new byte[32];
    s[0] = (byte) n;
    return s;
  }

  private void append(WorkspaceRef ws, int n) {
    for (int i = 0; i < n; i++) {
      log.append(ws, sample.next(null));
    }
  }

  private Archival archival() {
    return Archival.create(ports.events(), ports.archive(), objects, clock);
  }

  private Snapshots snapshots(SigningKeys keys) {
    return snapshots(keys, ports.snapshots());
  }

  private Snapshots snapshots(SigningKeys keys, SnapshotCatalog catalog) {
    return Snapshots.builder(archival(), ports.exports(), catalog, objects, log).keys(keys)
        .namespace("hyrelog.test").clock(clock).batchSize(7).build();
  }

  private SigningKeys keys1() {
    return SigningKeys.of(key1, List.of());
  }

  private List<AuditEvent> chain(WorkspaceRef ws) {
    try (Stream<AuditEvent> s = ports.events().read(EventScope.of(ws), 1, Long.MAX_VALUE)) {
      return s.toList();
    }
  }

  private ChainSeal expectedSeal(WorkspaceRef ws, long first, long last) {
    ChainSeal.Builder b = new ChainSeal.Builder(ws.workspaceId());
    chain(ws).stream().filter(e -> e.seq() >= first && e.seq() <= last).forEach(b::add);
    return b.build();
  }

  private SnapshotManifest manifest(Snapshot s) throws IOException {
    return SnapshotManifest.parse(Files.readAllBytes(dir.resolve(s.manifestKey())));
  }

  private String signature(Snapshot s) throws IOException {
    return Files.readString(dir.resolve(s.signatureKey()));
  }

  @Test
  void take_period_sealsEachChainsRangeSignsStoresRecordsAndAppends() throws IOException {
    ChainSeal a = expectedSeal(A, 6, 28);
    ChainSeal b = expectedSeal(B, 1, 4);

    SnapshotResult r = snapshots(keys1()).take(COMPANY, DAY2, DAY3);

    assertThat(r.created()).isTrue();
    Snapshot s = r.snapshot();
    assertThat(s.id()).isEqualTo(Snapshots.snapshotId(COMPANY.id(), DAY2, DAY3));
    assertThat(s.manifestKey()).isEqualTo("snapshots/" + COMPANY.id()
        + "/20260302T000000Z_20260303T000000Z/manifest.json");
    assertThat(s.signatureKey()).isEqualTo(Snapshots.keyPrefix(COMPANY.id(), DAY2, DAY3)
        + "manifest.sig");
    assertThat(s.chains()).isEqualTo(2);
    assertThat(s.events()).isEqualTo(27);
    assertThat(s.keyId()).isEqualTo(SigningKeys.keyIdHex(key1.verifier()));
    assertThat(s.createdAt()).isEqualTo(clock.instant());
    SnapshotManifest m = manifest(s);
    assertThat(m.chains()).containsExactlyInAnyOrder(a, b);
    assertThat(m.sha256()).isEqualTo(s.manifestSha256());
    SignedNote note = SignedNote.parse(signature(s));
    assertThat(note.verify(List.of(key1.verifier()))).containsExactly(key1.verifier());
    assertThat(SnapshotStatement.parse(note.text())).isEqualTo(
        SnapshotStatement.of("hyrelog.test", m));
    assertThat(ports.snapshots().find(COMPANY.id(), DAY2, DAY3)).contains(s);
    assertThat(snapshots(keys1()).sealed(s.id())).containsExactly(
        new SealedRange(A.workspaceId(), 6, 28), new SealedRange(B.workspaceId(), 1, 4));
    // One snapshot.created event at the head of each sealed chain; the quiet chain gets none.
    for (WorkspaceRef ws : List.of(A, B)) {
      AuditEvent last = chain(ws).get(chain(ws).size() - 1);
      assertThat(last.action()).isEqualTo("snapshot.created");
      assertThat(last.actor().id()).isEqualTo(Snapshots.ACTOR_ID);
      assertThat(last.metadata().get("snapshotId").asText())
          .isEqualTo(s.id().toString());
      assertThat(last.metadata().get("signatureKeyId").asText()).isEqualTo(s.keyId());
    }
    assertThat(chain(A)).hasSize(31);
    assertThat(chain(B)).hasSize(5);
    assertThat(chain(QUIET)).hasSize(3);
  }

  @Test
  void take_recordedPeriod_returnsTheRecordedSnapshotAndChangesNothing() throws IOException {
    Snapshot first = snapshots(keys1()).take(COMPANY, DAY2, DAY3).snapshot();
    String sig = signature(first);
    clock.advance(Duration.ofHours(1));

    // Even with another active key: the recorded snapshot stands.
    SnapshotResult again = snapshots(SigningKeys.of(key2, List.of())).take(COMPANY, DAY2, DAY3);

    assertThat(again.created()).isFalse();
    assertThat(again.snapshot()).isEqualTo(first);
    assertThat(signature(first)).isEqualTo(sig);
    assertThat(chain(A)).hasSize(31);
    assertThat(chain(B)).hasSize(5);
  }

  @Test
  void take_crashedBeforeRecording_rerunAfterRotationAdoptsTheStoredSignature()
      throws IOException {
    SnapshotCatalog crashing = new CrashingCatalog(ports.snapshots());
    assertThatThrownBy(() -> snapshots(keys1(), crashing).take(COMPANY, DAY2, DAY3))
        .hasMessageContaining("simulated crash");
    String prefix = Snapshots.keyPrefix(COMPANY.id(), DAY2, DAY3);
    String sig = Files.readString(dir.resolve(prefix + "manifest.sig"));
    assertThat(ports.snapshots().find(COMPANY.id(), DAY2, DAY3)).isEmpty();
    assertThat(chain(A)).hasSize(31);

    // Rotation: key 2 active, key 1 retired but still accepted.
    SnapshotResult r = snapshots(SigningKeys.of(key2, List.of(key1.verifier())))
        .take(COMPANY, DAY2, DAY3);

    assertThat(r.created()).isTrue();
    assertThat(r.snapshot().keyId()).isEqualTo(SigningKeys.keyIdHex(key1.verifier()))
        .isNotEqualTo(SigningKeys.keyIdHex(key2.verifier()));
    assertThat(Files.readString(dir.resolve(prefix + "manifest.sig"))).isEqualTo(sig);
    // The crashed run's events are not appended twice.
    assertThat(chain(A)).hasSize(31);
    assertThat(chain(B)).hasSize(5);
    assertThat(chain(A).get(30).metadata().get("signatureKeyId").asText())
        .isEqualTo(r.snapshot().keyId());
  }

  @Test
  void take_crashedBeforeRecording_rerunWithTheSameKeyFinishes() {
    assertThatThrownBy(() -> snapshots(keys1(), new CrashingCatalog(ports.snapshots()))
        .take(COMPANY, DAY2, DAY3)).hasMessageContaining("simulated crash");

    SnapshotResult r = snapshots(keys1()).take(COMPANY, DAY2, DAY3);

    assertThat(r.created()).isTrue();
    assertThat(r.snapshot().keyId()).isEqualTo(SigningKeys.keyIdHex(key1.verifier()));
    assertThat(chain(A)).hasSize(31);
  }

  @Test
  void take_storedSignatureByAnUnacceptedKey_refusedAndNothingRecorded() {
    assertThatThrownBy(() -> snapshots(keys1(), new CrashingCatalog(ports.snapshots()))
        .take(COMPANY, DAY2, DAY3)).hasMessageContaining("simulated crash");

    // Rotated without keeping key 1.
    assertThatThrownBy(() -> snapshots(SigningKeys.of(key2, List.of())).take(COMPANY, DAY2,
        DAY3)).isInstanceOfSatisfying(SnapshotException.class, e -> {
          assertThat(e.reason()).isEqualTo(SnapshotException.Reason.UNACCEPTED_SIGNATURE);
          assertThat(e.getMessage()).contains("manifest.sig", "do not accept",
              "hyrelog.test+" + SigningKeys.keyIdHex(key2.verifier()));
        });
    assertThat(ports.snapshots().find(COMPANY.id(), DAY2, DAY3)).isEmpty();
    assertThat(chain(A)).hasSize(31);
  }

  @Test
  void take_storeHoldsADifferentManifest_refusedAndNothingSignedRecordedOrAppended() {
    String key = Snapshots.keyPrefix(COMPANY.id(), DAY2, DAY3) + "manifest.json";
    objects.put(key, new ByteArrayInputStream("{}".getBytes(StandardCharsets.UTF_8)));

    assertThatThrownBy(() -> snapshots(keys1()).take(COMPANY, DAY2, DAY3))
        .isInstanceOfSatisfying(SnapshotException.class, e -> {
          assertThat(e.reason()).isEqualTo(SnapshotException.Reason.STORED_OBJECT_DIFFERS);
          assertThat(e.getMessage()).contains("already holds a different " + key);
        });
    assertThat(objects.head(Snapshots.keyPrefix(COMPANY.id(), DAY2, DAY3) + "manifest.sig"))
        .isEmpty();
    assertThat(ports.snapshots().find(COMPANY.id(), DAY2, DAY3)).isEmpty();
    assertThat(chain(A)).hasSize(30);
  }

  @Test
  void take_storedSignatureOverAnotherStatement_refused() {
    String key = Snapshots.keyPrefix(COMPANY.id(), DAY2, DAY3) + "manifest.sig";
    String other = new SnapshotStatement("hyrelog.test", COMPANY.id(), UUID.randomUUID(), DAY2,
        DAY3, 5, Digest.sha256(new byte[0])).sign(key1);
    objects.put(key, new ByteArrayInputStream(other.getBytes(StandardCharsets.UTF_8)));

    assertThatThrownBy(() -> snapshots(keys1()).take(COMPANY, DAY2, DAY3))
        .isInstanceOfSatisfying(SnapshotException.class, e -> {
          assertThat(e.reason()).isEqualTo(SnapshotException.Reason.STORED_OBJECT_DIFFERS);
          assertThat(e.getMessage()).contains("signed over another statement");
        });
    assertThat(ports.snapshots().find(COMPANY.id(), DAY2, DAY3)).isEmpty();
    assertThat(chain(A)).hasSize(30);
  }

  @Test
  void take_overlappingARecordedPeriod_refused() {
    snapshots(keys1()).take(COMPANY, DAY2, DAY3);

    assertThatThrownBy(() -> snapshots(keys1()).take(COMPANY, DAY2.plus(Duration.ofHours(12)),
        DAY3.plus(Duration.ofHours(1))))
        .isInstanceOfSatisfying(SnapshotException.class, e -> {
          assertThat(e.reason()).isEqualTo(SnapshotException.Reason.OVERLAPPING_PERIOD);
          assertThat(e.getMessage()).contains("overlaps snapshot");
        });
  }

  @Test
  void take_emptyPeriod_recordsASignedManifestWithoutChainsAndAppendsNothing()
      throws IOException {
    Instant from = DAY1.minus(Duration.ofDays(3));
    Snapshot s = snapshots(keys1()).take(COMPANY, from, DAY1).snapshot();

    assertThat(s.chains()).isZero();
    assertThat(s.events()).isZero();
    assertThat(manifest(s).chains()).isEmpty();
    assertThat(chain(A)).hasSize(30);
  }

  @Test
  void take_badPeriod_refusedBeforeAnythingIsStored() {
    assertThatThrownBy(() -> snapshots(keys1()).take(COMPANY, DAY2, DAY2))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("before");
    assertThatThrownBy(() -> snapshots(keys1()).take(COMPANY, DAY3, clock.instant()
        .plusSeconds(1))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("only once it has ended");
    assertThat(dir.resolve("snapshots")).doesNotExist();
  }

  @Test
  void take_periodArchivedAndPurged_sealsTheSameRangesFromTheSegments() throws IOException {
    ChainSeal a = expectedSeal(A, 6, 28);
    ChainSeal b = expectedSeal(B, 1, 4);
    clock.set(DAY3.plus(Duration.ofDays(8)));
    Archival archival = archival();
    archival.markRetention(COMPANY.id(), COMPANY.plan(Plan.defaults(COMPANY.planTier())), clock.instant());
    Archival.Outcome out = archival.archive(COMPANY.id());
    assertThat(out.errors()).isEmpty();
    assertThat(out.rowsPurged()).isEqualTo(37);
    OptionalLong scan = ports.snapshots().purgedScanStart(A.workspaceId(), DAY2);
    assertThat(scan).isPresent();

    Snapshot s = snapshots(keys1()).take(COMPANY, DAY2, DAY3).snapshot();

    assertThat(manifest(s).chains()).containsExactlyInAnyOrder(a, b);
    assertThat(snapshots(keys1()).sealed(s.id())).containsExactly(
        new SealedRange(A.workspaceId(), 6, 28), new SealedRange(B.workspaceId(), 1, 4));
  }

  @Test
  void builder_missingOrBadValues_refusedNamingTheParameter() {
    Snapshots.Builder b = Snapshots.builder(archival(), ports.exports(), ports.snapshots(),
        objects, log);
    assertThatThrownBy(b::build).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("keys");
    assertThatThrownBy(() -> b.keys(keys1()).build()).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("namespace");
    assertThatThrownBy(() -> b.batchSize(0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("batchSize");
    assertThatThrownBy(() -> b.namespace(" ")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("namespace");
  }

  /** A catalog that fails to record, as a process that died before recording. */
  private record CrashingCatalog(SnapshotCatalog delegate) implements SnapshotCatalog {
    @Override
    public Optional<Snapshot> find(UUID companyId, Instant from, Instant to) {
      return delegate.find(companyId, from, to);
    }

    @Override
    public Optional<Snapshot> overlapping(UUID companyId, Instant from, Instant to) {
      return delegate.overlapping(companyId, from, to);
    }

    @Override
    public Optional<SealedRange> periodRange(UUID workspaceId, Instant from, Instant to) {
      return delegate.periodRange(workspaceId, from, to);
    }

    @Override
    public OptionalLong purgedScanStart(UUID workspaceId, Instant from) {
      return delegate.purgedScanStart(workspaceId, from);
    }

    @Override
    public boolean record(Snapshot snapshot, List<SealedRange> ranges) {
      throw new IllegalStateException("simulated crash");
    }

    @Override
    public List<SealedRange> sealed(UUID snapshotId) {
      return delegate.sealed(snapshotId);
    }
  }
}
