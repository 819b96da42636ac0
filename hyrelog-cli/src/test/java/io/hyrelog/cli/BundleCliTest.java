package io.hyrelog.cli;

import static io.hyrelog.cli.HyrelogCliTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.hyrelog.AuditEvent;
import io.hyrelog.DataRegion;
import io.hyrelog.log.EventLog;
import io.hyrelog.EventScope;
import io.hyrelog.WorkspaceRef;
import io.hyrelog.compliance.evidence.EvidenceBundle;
import io.hyrelog.compliance.evidence.EvidenceBundleWriter;
import io.hyrelog.compliance.evidence.PeriodEvents;
import io.hyrelog.integrity.Ed25519NoteSigner;
import io.hyrelog.testkit.InMemoryEventStore;
import io.hyrelog.testkit.MutableClock;
import io.hyrelog.testkit.SampleEvents;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BundleCliTest {
  private static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");
  private static final byte[] SERVER_SEED = seed(1);
  private static final byte[] ALICE_SEED = seed(2);
  private static final Ed25519NoteSigner SERVER =
      Ed25519NoteSigner.fromSeed("audit.example.com", SERVER_SEED);
  private static final Ed25519NoteSigner ALICE =
      Ed25519NoteSigner.fromSeed("alice.compliance", ALICE_SEED);

  @TempDir Path dir;
  EvidenceBundle bundle;
  Path keys;
  Path aliceKeys;

  @BeforeEach
  void write() throws IOException {
    bundle = bundle(8, dir);
    keys = dir.resolve("server.keys");
    Files.writeString(keys, SERVER.verifier().verifierKey() + "\n");
    aliceKeys = dir.resolve("countersigners.keys");
    Files.writeString(aliceKeys, "# the countersigners\n" + ALICE.verifier().verifierKey()
        + "\n");
  }

  /** A bundle of {@code n} real events of one chain, signed by SERVER. */
  private static EvidenceBundle bundle(int n, Path into) {
    return bundle(n, into, SERVER);
  }

  /** A bundle of {@code n} events of one chain, package and checkpoint signed by {@code key}. */
  static EvidenceBundle bundle(int n, Path into, Ed25519NoteSigner key) {
    WorkspaceRef ws = SampleEvents.workspace(3, DataRegion.US);
    MutableClock clock = new MutableClock(T0.plusSeconds(10));
    InMemoryEventStore store = new InMemoryEventStore();
    EventLog log = EventLog.builder(store).clock(clock).build();
    SampleEvents sample = new SampleEvents(5);
    for (int i = 0; i < n; i++) {
      log.append(ws, sample.next(clock.instant()));
    }
    List<AuditEvent> events = new ArrayList<>();
    try (var s = store.read(EventScope.of(ws), 1, Long.MAX_VALUE)) {
      s.forEach(events::add);
    }
    try (PeriodEvents period = PeriodEvents.of(T0, T0.plusSeconds(86400),
        List.of(events::stream))) {
      return EvidenceBundleWriter.builder(UUID.randomUUID(), ws.companyId(), T0,
          T0.plusSeconds(86400)).createdAt(T0.plusSeconds(86500)).signer(key)
          .checkpoints(key.verifier().name(), period).build().write(period, into);
    }
  }

  @Test
  void verify_largeBundle_showsProgressUnlessQuiet() {
    Path big = bundle(2_100, dir.resolve("big")).packagePath();
    HyrelogCliTest.Result r = run("verify", big.toString(), "--signer-key", keys.toString(),
        "--progress-interval", "0");
    assertThat(r.code()).as(r.out() + r.err()).isZero();
    assertThat(r.err()).contains("hyrelog verify: 1,024 events, ", "hyrelog verify: 2,048 events, ");
    assertThat(r.out()).contains("events: 2100", "checkpoints_valid: true");
    HyrelogCliTest.Result quiet = run("verify", "--quiet", big.toString(), "--signer-key",
        keys.toString(), "--progress-interval", "0");
    assertThat(quiet.code()).isZero();
    assertThat(quiet.err()).doesNotContain("events, ");
  }

  private String zip() {
    return bundle.packagePath().toString();
  }

  @Test
  void verify_bundle_printsFieldsAndExitsZero() {
    HyrelogCliTest.Result r = run("verify", zip(), "--signer-key", keys.toString());
    assertThat(r.code()).as(r.out() + r.err()).isZero();
    assertThat(r.out()).contains("package_exists: true", "manifest_valid: true",
        "events_valid: true", "checkpoints_valid: true", "checkpoint_count: 1",
        "signature_checked: true", "signature_valid: true", "countersign_checked: false",
        "countersign_count: 0", "OK: evidence bundle verified");
  }

  @Test
  void verify_tamperedBundle_exitsOne() throws IOException {
    byte[] b = Files.readAllBytes(bundle.packagePath());
    b[60] ^= 1; // inside events.jsonl's compressed data
    Files.write(bundle.packagePath(), b);
    HyrelogCliTest.Result r = run("verify", zip(), "--signer-key", keys.toString());
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.out()).contains("manifest_valid: false", "FAILED");
  }

  @Test
  void countersign_signerKey_thenRequireCountersign_verifies() throws IOException {
    HyrelogCliTest.Result r = run("verify", zip(), "--signer-key", keys.toString(),
        "--countersigner-key", aliceKeys.toString(), "--require-countersign");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.out()).contains("countersign_checked: false");

    Path key = aliceSignerKey();
    HyrelogCliTest.Result cs = run("countersign", bundle.signaturePath().toString(), "--key",
        key.toString());
    assertThat(cs.code()).as(cs.err()).isZero();
    assertThat(cs.out()).startsWith("— alice.compliance ");
    assertThat(cs.out()).doesNotContain(Files.readString(key).split("\\+")[4].strip());

    // The same line from a PEM key.
    Path pem = dir.resolve("alice.pem");
    byte[] der = new byte[48];
    System.arraycopy(HexFormat.of().parseHex("302e020100300506032b657004220420"), 0, der, 0,
        16);
    System.arraycopy(ALICE_SEED, 0, der, 16, 32);
    Files.writeString(pem, "-----BEGIN PRIVATE KEY-----\n"
        + Base64.getEncoder().encodeToString(der) + "\n-----END PRIVATE KEY-----\n");
    assertThat(run("countersign", bundle.signaturePath().toString(), "--key", pem.toString(),
        "--name", "alice.compliance").out()).isEqualTo(cs.out());

    String text = Files.readString(bundle.signaturePath());
    Files.writeString(dir.resolve(bundle.bundleId() + ".countersign"),
        text.substring(0, text.indexOf("\n\n") + 2) + cs.out());
    HyrelogCliTest.Result ok = run("verify", zip(), "--signer-key", keys.toString(),
        "--countersigner-key", aliceKeys.toString(), "--require-countersign");
    assertThat(ok.code()).as(ok.out()).isZero();
    assertThat(ok.out()).contains("countersign_checked: true", "countersign_valid: true",
        "countersign_count: 1");
  }

  @Test
  void countersign_badInput_exitsTwo() throws IOException {
    Path key = dir.resolve("k");
    Files.writeString(key, "not a key");
    assertThat(run("countersign", bundle.signaturePath().toString(), "--key", key.toString())
        .code()).isEqualTo(2);
    Files.writeString(key, Base64.getEncoder().encodeToString(ALICE_SEED));
    HyrelogCliTest.Result noName = run("countersign", bundle.signaturePath().toString(),
        "--key", key.toString());
    assertThat(noName.code()).isEqualTo(2);
    assertThat(noName.err()).contains("--name");
    Path notSig = dir.resolve("x.sig");
    Files.writeString(notSig, "hello\n");
    assertThat(run("countersign", notSig.toString(), "--key", key.toString(), "--name", "a")
        .code()).isEqualTo(2);
  }

  @Test
  void verify_bundle_usageErrors_exitTwo() {
    assertThat(run("verify", zip()).code()).isEqualTo(2);
    assertThat(run("verify", zip(), "--signer-key", keys.toString(), "--require-countersign")
        .err()).contains("--countersigner-key");
    assertThat(run("verify", dir.resolve("missing.zip").toString(), "--signer-key",
        keys.toString()).code()).isEqualTo(2);
    assertThat(run("verify", zip(), "--signer-key", dir.resolve("nokeys").toString())
        .code()).isEqualTo(2);
  }

  /**
   * The attack of the review, through the CLI's entry point: ALICE, a countersigner, fabricates
   * a bundle of 3 events for the real workspace and signs it with her key. Before, {@code
   * --public-key server-and-countersigners.keys} printed OK (exit 0). Now keys have roles: with
   * ALICE as countersigner it fails; the old option is refused.
   */
  @Test
  void verify_bundleForgedByACountersigner_failsAndPublicKeyIsRefused() throws IOException {
    Path forgedDir = dir.resolve("forged");
    EvidenceBundle forged = bundle(3, forgedDir, ALICE);
    Path both = dir.resolve("server-and-countersigners.keys");
    Files.writeString(both, SERVER.verifier().verifierKey() + "\n"
        + ALICE.verifier().verifierKey() + "\n");

    // Before: OK, exit 0. The option is ambiguous and now refused.
    HyrelogCliTest.Result old = run("verify", forged.packagePath().toString(), "--public-key",
        both.toString());
    assertThat(old.code()).isEqualTo(2);
    assertThat(old.out()).doesNotContain("OK");
    assertThat(old.err()).contains("--signer-key").contains("--countersigner-key");

    HyrelogCliTest.Result r = run("verify", forged.packagePath().toString(), "--signer-key",
        keys.toString(), "--countersigner-key", aliceKeys.toString());
    assertThat(r.code()).as(r.out() + r.err()).isEqualTo(1);
    assertThat(r.out()).contains("signature_valid: false", "checkpoints_valid: false",
        "FAILED: evidence bundle did not verify").doesNotContain("OK:");

    // Countersigned by ALICE as well: still nothing the server signed.
    String sig = Files.readString(forged.signaturePath());
    HyrelogCliTest.Result line = run("countersign", forged.signaturePath().toString(), "--key",
        aliceSignerKey().toString());
    assertThat(line.code()).as(line.err()).isZero();
    Files.writeString(forgedDir.resolve(forged.bundleId() + ".countersign"),
        sig.substring(0, sig.indexOf("\n\n") + 2) + line.out());
    HyrelogCliTest.Result required = run("verify", forged.packagePath().toString(),
        "--signer-key", keys.toString(), "--countersigner-key", aliceKeys.toString(),
        "--require-countersign");
    assertThat(required.code()).isEqualTo(1);
    assertThat(required.out()).contains("signature_valid: false").doesNotContain("OK:");

    // The auditor who puts ALICE among the signers too is stopped before anything verifies.
    HyrelogCliTest.Result confused = run("verify", forged.packagePath().toString(),
        "--signer-key", both.toString(), "--countersigner-key", aliceKeys.toString());
    assertThat(confused.code()).isEqualTo(2);
    assertThat(confused.err()).contains("alice.compliance+").contains("both as a signer");
    assertThat(confused.out()).isEmpty();
  }

  @Test
  void verify_bundleWithNamedPemKeys_verifies_barePemRefused() throws IOException {
    Path pem = dir.resolve("server.pub.pem");
    io.hyrelog.compliance.Ed25519Keys.writePublicKey(pem, SERVER.verifier());
    HyrelogCliTest.Result ok = run("verify", zip(), "--signer-key", "audit.example.com=" + pem);
    assertThat(ok.code()).as(ok.out() + ok.err()).isZero();
    HyrelogCliTest.Result bare = run("verify", zip(), "--signer-key", pem.toString());
    assertThat(bare.code()).isEqualTo(2);
    assertThat(bare.err()).contains("carries no key name")
        .contains("--signer-key NAME=" + pem);
    // Inline verifier keys work too.
    assertThat(run("verify", zip(), "--signer-key", SERVER.verifier().verifierKey()).code())
        .isZero();
  }

  private Path aliceSignerKey() throws IOException {
    Path key = dir.resolve("alice-signer.key");
    byte[] typed = new byte[33];
    typed[0] = 1;
    System.arraycopy(ALICE_SEED, 0, typed, 1, 32);
    Files.writeString(key, "PRIVATE+KEY+alice.compliance+"
        + String.format("%08x", ALICE.verifier().keyId()) + "+"
        + Base64.getEncoder().encodeToString(typed) + "\n");
    return key;
  }

  private static byte[] seed(int b) {
    byte[] s = new byte[32];
    Arrays.fill(s, (byte) b);
    return s;
  }
}
