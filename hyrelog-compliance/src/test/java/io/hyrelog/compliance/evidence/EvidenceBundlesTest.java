package io.hyrelog.compliance.evidence;

import static io.hyrelog.compliance.evidence.BundleFixture.ALICE;
import static io.hyrelog.compliance.evidence.BundleFixture.MALLORY;
import static io.hyrelog.compliance.evidence.BundleFixture.NAMESPACE;
import static io.hyrelog.compliance.evidence.BundleFixture.SERVER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hyrelog.DataRegion;
import io.hyrelog.WorkspaceRef;
import io.hyrelog.archive.Archival;
import io.hyrelog.archive.LocalDirectoryArchiveStore;
import io.hyrelog.compliance.SigningKeys;
import io.hyrelog.compliance.evidence.InvalidCountersignatureException.Reason;
import io.hyrelog.log.EventLog;
import io.hyrelog.testkit.MutableClock;
import io.hyrelog.testkit.SampleEvents;
import io.hyrelog.testkit.SeededRandom;
import io.hyrelog.testkit.StoragePorts;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The evidence workflow without a server: export from the in-memory twins' chains, verify,
 * countersign, quota and the path rules, with a directory vault, a local master key and a
 * virtual clock.
 */
class EvidenceBundlesTest {
  private static final Instant DAY1 = Instant.parse("2026-11-01T00:00:00Z");
  private static final Instant DAY2 = DAY1.plus(Duration.ofDays(1));
  private static final WorkspaceRef A = SampleEvents.workspace(21, DataRegion.EU);
  private static final WorkspaceRef B = new WorkspaceRef(A.companyId(),
      UUID.fromString("0190a000-0000-7000-8000-00000000000b"), DataRegion.EU);
  private static final WorkspaceRef OTHER = SampleEvents.workspace(22, DataRegion.EU);

  private final MutableClock clock = new MutableClock(DAY1.minus(Duration.ofHours(2)));
  private final SampleEvents sample = new SampleEvents(5);
  @TempDir
  Path dir;
  private StoragePorts ports;
  private EvidenceBundles bundles;

  @BeforeEach
  void setUp() {
    ports = StoragePorts.inMemory();
    EventLog log = EventLog.builder(ports.events()).clock(clock).build();
    append(log, A, 3);                                  // before the period
    clock.set(DAY1.plus(Duration.ofHours(1)));
    append(log, A, 10);
    append(log, B, 4);
    append(log, OTHER, 6);
    clock.set(DAY2.plus(Duration.ofHours(1)));
    append(log, A, 2);                                  // after the period
    bundles = builder().masterKey(masterKey()).build();
  }

  @AfterEach
  void tearDown() throws Exception {
    ports.close();
  }

  private void append(EventLog log, WorkspaceRef ws, int n) {
    for (int i = 0; i < n; i++) {
      log.append(ws, sample.next(null));
    }
  }

  private static AesKeyWrapper masterKey() {
    byte[] k = new byte[32];
    Arrays.fill(k, (byte) 9);
    return new AesKeyWrapper("master-1", k);
  }

  private EvidenceBundles.Builder builder() {
    Archival archival = Archival.create(ports.events(), ports.archive(),
        LocalDirectoryArchiveStore.builder(dir.resolve("archive")).build(), clock);
    return EvidenceBundles.builder(dir.resolve("evidence"))
        .keys(SigningKeys.of(SERVER, List.of())).namespace(NAMESPACE)
        .countersigners(List.of(ALICE.verifier()))
        .vaultDirectory(dir.resolve("vault"), Duration.ofDays(30))
        .chains(ports.exports(), archival).clock(clock).random(SeededRandom.secure(3));
  }

  private static EvidenceExporter.Options plain() {
    return new EvidenceExporter.Options(true, false, false, false, false);
  }

  private ExportedBundle exportPeriod() {
    return bundles.export(A.companyId(), DAY1, DAY2, null, plain());
  }

  private String line(ExportedBundle b, io.hyrelog.integrity.NoteSigner signer)
      throws IOException {
    return EvidenceSignatures.countersignLine(signer, Files.readString(bundles
        .companyDirectory(A.companyId()).resolve(b.signaturePath())));
  }

  private List<Path> files(Path root) throws IOException {
    if (!Files.exists(root)) {
      return List.of();
    }
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(Files::isRegularFile).toList();
    }
  }

  @Test
  void export_period_writesASignedBundleOfTheCompanysChainsWithVaultCopyAndRecord()
      throws IOException {
    ExportedBundle b = exportPeriod();

    assertThat(b.result().bundle().manifest().events()).isEqualTo(14);
    assertThat(b.packagePath()).isEqualTo(b.bundleId() + "/" + b.bundleId() + ".zip");
    Path companyDir = bundles.companyDirectory(A.companyId());
    assertThat(companyDir).isEqualTo(dir.resolve("evidence").resolve(A.companyId().toString()));
    assertThat(companyDir.resolve(b.packagePath())).isRegularFile();
    assertThat(companyDir.resolve(b.bundleId().toString()).resolve("export.json")).isRegularFile();
    assertThat(b.toJson().path("event_count").asLong()).isEqualTo(14);
    assertThat(b.toJson().path("signature_enabled").asBoolean()).isTrue();
    // The vault copy is reported relative to the company's vault directory.
    assertThat(b.vaultCopy()).hasValueSatisfying(v -> assertThat(dir.resolve("vault")
        .resolve(A.companyId().toString()).resolve(v)).isDirectory());
    EvidenceVerification v = bundles.verify(A.companyId(), b.bundleId(), false);
    assertThat(v.ok()).as("%s", v.problems()).isTrue();
    assertThat(v.events()).isEqualTo(14);
  }

  @Test
  void export_oneWorkspace_exportsOnlyItsChain() {
    ExportedBundle b = bundles.export(A.companyId(), DAY1, DAY2, B.workspaceId(), plain());

    assertThat(b.result().bundle().manifest().events()).isEqualTo(4);
  }

  @Test
  void export_optionNotConfigured_refusedBeforeAnythingIsWritten() throws IOException {
    assertThatThrownBy(() -> bundles.export(A.companyId(), DAY1, DAY2, null,
        new EvidenceExporter.Options(true, false, true, false, false)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("external_worm");
    assertThat(files(dir.resolve("evidence"))).isEmpty();
    assertThat(files(dir.resolve("vault"))).isEmpty();
  }

  @Test
  void export_withEnvelope_keepsNoPlaintextAndVerifyOpensTheEnvelope() {
    ExportedBundle b = bundles.export(A.companyId(), DAY1, DAY2, null,
        new EvidenceExporter.Options(false, true, false, false, false));

    assertThat(b.envelopePath()).isPresent();
    assertThat(bundles.companyDirectory(A.companyId()).resolve(b.packagePath())).doesNotExist();
    assertThat(bundles.verify(A.companyId(), b.bundleId(), false).ok()).isTrue();
    // Without the master key the envelope cannot be opened: a conflict, not a failed check.
    EvidenceBundles noKey = builder().build();
    assertThatThrownBy(() -> noKey.verify(A.companyId(), b.bundleId(), false))
        .isInstanceOf(EvidenceConflictException.class).hasMessageContaining("envelope");
  }

  @Test
  void verify_anotherCompanysBundle_findsNoPackage() {
    ExportedBundle b = exportPeriod();

    EvidenceVerification v = bundles.verify(OTHER.companyId(), b.bundleId(), false);

    assertThat(v.packageExists()).isFalse();
    assertThat(v.ok()).isFalse();
  }

  @Test
  void countersign_byAConfiguredKey_addedOnceCopiedToTheVaultAndVerified() throws IOException {
    ExportedBundle b = exportPeriod();
    String line = line(b, ALICE);
    String keyId = SigningKeys.keyIdHex(ALICE.verifier());

    Countersigned first = bundles.countersign(A.companyId(), b.bundleId(), ALICE.name(), keyId,
        line);
    Countersigned again = bundles.countersign(A.companyId(), b.bundleId(), ALICE.name(), keyId,
        line);

    assertThat(first.added()).isTrue();
    assertThat(first.countersignCount()).isEqualTo(1);
    assertThat(first.countersignPath()).isEqualTo(b.bundleId() + "/" + b.bundleId()
        + ".countersign");
    assertThat(first.vaultCountersignPath()).hasValueSatisfying(p -> assertThat(
        dir.resolve("vault").resolve(A.companyId().toString()).resolve(p)).isRegularFile());
    assertThat(again.added()).isFalse();
    assertThat(again.entryCount()).isEqualTo(1);
    assertThat(again.vaultCountersignPath()).isEmpty();
    EvidenceVerification v = bundles.verify(A.companyId(), b.bundleId(), true);
    assertThat(v.countersignValid()).isTrue();
    assertThat(v.ok()).isTrue();
  }

  @Test
  void countersign_refusedLines_nameTheCheckAndWriteNothing() throws IOException {
    ExportedBundle b = exportPeriod();
    UUID id = b.bundleId();
    UUID company = A.companyId();
    String alice = SigningKeys.keyIdHex(ALICE.verifier());

    assertThatThrownBy(() -> bundles.countersign(company, UUID.randomUUID(), ALICE.name(),
        alice, line(b, ALICE))).isInstanceOf(EvidenceNotFoundException.class);
    assertThatThrownBy(() -> bundles.countersign(OTHER.companyId(), id, ALICE.name(), alice,
        line(b, ALICE))).isInstanceOf(EvidenceNotFoundException.class);
    assertReason(() -> bundles.countersign(company, id, ALICE.name(), alice, "not a line"),
        Reason.MALFORMED_LINE);
    assertReason(() -> bundles.countersign(company, id, "bob", alice, line(b, ALICE)),
        Reason.SIGNER_MISMATCH);
    assertReason(() -> bundles.countersign(company, id, ALICE.name(), "00000000",
        line(b, ALICE)), Reason.KEY_ID_MISMATCH);
    assertReason(() -> bundles.countersign(company, id, SERVER.name(),
        SigningKeys.keyIdHex(SERVER.verifier()), line(b, SERVER)), Reason.SAME_SIGNER);
    assertReason(() -> bundles.countersign(company, id, MALLORY.name(),
        SigningKeys.keyIdHex(MALLORY.verifier()), line(b, MALLORY)), Reason.UNKNOWN_KEY);
    // Alice's own line, but over another bundle's note.
    String forged = line(exportPeriod(), ALICE);
    assertReason(() -> bundles.countersign(company, id, ALICE.name(), alice, forged),
        Reason.SIGNATURE_MISMATCH);
    assertThat(bundles.companyDirectory(company).resolve(id + "/" + id + ".countersign"))
        .doesNotExist();
  }

  private interface Call {
    void run() throws Exception;
  }

  private static void assertReason(Call call, Reason reason) {
    assertThatThrownBy(call::run).isInstanceOfSatisfying(
        InvalidCountersignatureException.class, e -> assertThat(e.reason()).isEqualTo(reason));
  }

  @Test
  void requireQuota_reachedByTheBundlesAndVaultCopies_refusedWithTheNumbers() {
    bundles.requireQuota(A.companyId(), 1);
    exportPeriod();
    long used = bundles.usedBytes(A.companyId());
    assertThat(used).isPositive();

    bundles.requireQuota(A.companyId(), used + 1);
    assertThatThrownBy(() -> bundles.requireQuota(A.companyId(), used))
        .isInstanceOfSatisfying(EvidenceQuotaExceededException.class, e -> {
          assertThat(e.usedBytes()).isEqualTo(used);
          assertThat(e.quotaBytes()).isEqualTo(used);
        });
    assertThat(bundles.usedBytes(OTHER.companyId())).isZero();
  }

  @Test
  void parsePackagePath_acceptsTheBundleForms_refusesAnyOtherPath() {
    UUID id = UUID.fromString("0190a000-0000-7000-8000-0000000000ff");
    for (String ok : List.of(id.toString(), id + ".zip", id + "/" + id + ".zip")) {
      assertThat(EvidenceBundles.parsePackagePath(ok)).isEqualTo(id);
    }
    for (String bad : List.of("../" + id, id.toString().toUpperCase(), UUID.randomUUID() + "/"
        + id + ".zip", id + ".sig", "/" + id, "")) {
      assertThatThrownBy(() -> EvidenceBundles.parsePackagePath(bad)).as(bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
    assertThat(EvidenceBundles.isBundleFile(id + ".sig", id, ".sig")).isTrue();
    assertThat(EvidenceBundles.isBundleFile(id + "/" + id + ".sig", id, ".sig")).isTrue();
    assertThat(EvidenceBundles.isBundleFile("../" + id + ".sig", id, ".sig")).isFalse();
  }

  @Test
  void build_countersignerIsASigningKey_refused() {
    assertThatThrownBy(() -> builder().countersigners(List.of(SERVER.verifier())).build())
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void build_missingKeysOrBadEndpoints_refusedNamingTheParameter() {
    assertThatThrownBy(() -> EvidenceBundles.builder(dir).namespace(NAMESPACE).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("keys");
    assertThatThrownBy(() -> EvidenceBundles.builder(dir).wormEndpoint(null))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("wormEndpoint");
    assertThatThrownBy(() -> EvidenceBundles.builder(dir).vaultDirectory(dir, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("retention");
    assertThat(builder().wormEndpoint(URI.create("https://worm.example/upload")).build()
        .defaultOptions().externalWorm()).isTrue();
  }
}
