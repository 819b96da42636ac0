package io.hyrelog.cli;

import static io.hyrelog.cli.HyrelogCliTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.hyrelog.compliance.evidence.EvidenceBundle;
import io.hyrelog.integrity.Ed25519NoteSigner;
import io.hyrelog.integrity.NoteSignature;
import io.hyrelog.integrity.SignedNote;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stable codes of signature failures in the CLI's output, for checkpoints and evidence
 * bundles, with the exit codes as before (1 for a refused signature, 2 for a file that is not a
 * signed note).
 */
class SignatureCodesCliTest {
  private static final Ed25519NoteSigner SERVER = Ed25519NoteSigner.fromSeed("audit.example.com",
      seed(1));
  private static final Ed25519NoteSigner STRANGER = Ed25519NoteSigner.fromSeed(
      "audit.example.com", seed(9));
  private static final Ed25519NoteSigner MALLORY = Ed25519NoteSigner.fromSeed("mallory",
      seed(8));

  @TempDir Path dir;

  private static byte[] seed(int b) {
    byte[] s = new byte[32];
    Arrays.fill(s, (byte) b);
    return s;
  }

  /** {@code note} with the first byte of its first signature flipped. */
  private static String flipped(String note) {
    SignedNote n = SignedNote.parse(note);
    NoteSignature s = n.signatures().get(0);
    byte[] sig = s.signature();
    sig[0] ^= 1;
    return new SignedNote(n.text(), List.of(new NoteSignature(s.keyName(), s.keyId(), sig)))
        .format();
  }

  private HyrelogCliTest.Result verifyCheckpoint(CliFixtures f, String note) throws IOException {
    Path export = f.writeExport(dir);
    Path cp = Files.writeString(dir.resolve("checkpoint.txt"), note);
    return run("verify", export.toString(), "--checkpoint", cp.toString(), "--public-key",
        f.signer.verifier().verifierKey());
  }

  @Test
  void verify_checkpointSignedByAnotherKey_failedUntrustedSigner() throws IOException {
    CliFixtures f = new CliFixtures(5);
    String note = STRANGER.signNote(f.checkpoint(CliFixtures.WS).toCheckpoint().body())
        .format();

    HyrelogCliTest.Result r = verifyCheckpoint(f, note);

    assertThat(r.code()).as(r.out() + r.err()).isEqualTo(1);
    assertThat(r.out()).startsWith("FAILED: UNTRUSTED_SIGNER ");
  }

  @Test
  void verify_checkpointSignatureAltered_failedSignatureInvalid() throws IOException {
    CliFixtures f = new CliFixtures(5);

    HyrelogCliTest.Result r = verifyCheckpoint(f, flipped(f.signedCheckpoint(CliFixtures.WS)));

    assertThat(r.code()).as(r.out() + r.err()).isEqualTo(1);
    assertThat(r.out()).startsWith("FAILED: SIGNATURE_INVALID ");
  }

  @Test
  void verify_checkpointNotASignedNote_usageErrorNamingMalformedNote() throws IOException {
    CliFixtures f = new CliFixtures(5);
    String note = f.signedCheckpoint(CliFixtures.WS).replace("\n\n", "\n");

    HyrelogCliTest.Result r = verifyCheckpoint(f, note);

    assertThat(r.code()).as(r.out() + r.err()).isEqualTo(2);
    assertThat(r.err()).contains("is not a HyreLog checkpoint: MALFORMED_NOTE ");
  }

  @Test
  void verifyConsistency_checkpointSignedByAnotherKey_notConsistentUntrustedSigner()
      throws IOException {
    CliFixtures f = new CliFixtures(5);
    Path older = Files.writeString(dir.resolve("old.txt"), f.signedCheckpoint(CliFixtures.WS));
    Path newer = Files.writeString(dir.resolve("new.txt"), STRANGER.signNote(
        f.checkpoint(CliFixtures.WS).toCheckpoint().body()).format());
    Path proof = Files.writeString(dir.resolve("proof.json"), "{}");

    HyrelogCliTest.Result r = run("verify-consistency", older.toString(), newer.toString(),
        proof.toString(), "--public-key", f.signer.verifier().verifierKey());

    assertThat(r.code()).as(r.out() + r.err()).isEqualTo(1);
    assertThat(r.out()).startsWith("NOT consistent: UNTRUSTED_SIGNER ");
  }

  private HyrelogCliTest.Result verifyBundle(EvidenceBundle b, String... more) {
    List<String> args = new java.util.ArrayList<>(List.of("verify", b.packagePath().toString(),
        "--signer-key", SERVER.verifier().verifierKey(), "--countersigner-key",
        Ed25519NoteSigner.fromSeed("alice.compliance", seed(2)).verifier().verifierKey()));
    args.addAll(List.of(more));
    return run(args.toArray(String[]::new));
  }

  @Test
  void verify_bundleSignedByAnotherKey_problemsNameUntrustedSigner() {
    EvidenceBundle b = BundleCliTest.bundle(3, dir, STRANGER);

    HyrelogCliTest.Result r = verifyBundle(b);

    assertThat(r.code()).as(r.out() + r.err()).isEqualTo(1);
    assertThat(r.out()).contains("problem: signature: UNTRUSTED_SIGNER ",
        "problem: checkpoints/", ".note: UNTRUSTED_SIGNER ");
  }

  @Test
  void verify_bundleSignatureAltered_problemNamesSignatureInvalid() throws IOException {
    EvidenceBundle b = BundleCliTest.bundle(3, dir, SERVER);
    Files.writeString(b.signaturePath(), flipped(Files.readString(b.signaturePath())));

    HyrelogCliTest.Result r = verifyBundle(b);

    assertThat(r.code()).as(r.out() + r.err()).isEqualTo(1);
    assertThat(r.out()).contains("problem: signature: SIGNATURE_INVALID ");
  }

  @Test
  void verify_bundleSignatureNotASignedNote_problemNamesMalformedNote() throws IOException {
    EvidenceBundle b = BundleCliTest.bundle(3, dir, SERVER);
    Files.writeString(b.signaturePath(), "not a note\n");

    HyrelogCliTest.Result r = verifyBundle(b);

    assertThat(r.code()).as(r.out() + r.err()).isEqualTo(1);
    assertThat(r.out()).contains("problem: signature: MALFORMED_NOTE ");
  }

  @Test
  void verify_bundleCountersignedByAnUnknownKey_problemNamesUntrustedSigner()
      throws IOException {
    EvidenceBundle b = BundleCliTest.bundle(3, dir, SERVER);
    String text = SignedNote.parse(Files.readString(b.signaturePath())).text();
    Files.writeString(b.signaturePath().resolveSibling(b.bundleId() + ".countersign"),
        MALLORY.signNote(text).format());

    HyrelogCliTest.Result r = verifyBundle(b, "--require-countersign");

    assertThat(r.code()).as(r.out() + r.err()).isEqualTo(1);
    assertThat(r.out()).contains("problem: countersign: UNTRUSTED_SIGNER countersignature by"
        + " mallory+");
  }
}
