package io.hyrelog.integrity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Each reason a signed note is refused carries its stable code. */
class SignatureFailureTest {
  private static final Ed25519NoteSigner LOG = Ed25519NoteSigner.fromSeed("audit.example.com",
      seed(1));
  private static final Ed25519NoteSigner OTHER_LOG = Ed25519NoteSigner.fromSeed(
      "other.example.com", seed(2));
  private static final ChainCheckpoint CP = new ChainCheckpoint("audit.example.com",
      UUID.fromString("0190a000-0000-7000-8000-000000000042"), 3,
      io.hyrelog.Digest.sha256(new byte[] {1}), io.hyrelog.Digest.sha256(new byte[] {2}));

  private static byte[] seed(int b) {
    byte[] s = new byte[32];
    Arrays.fill(s, (byte) b);
    return s;
  }

  private static String signed(Ed25519NoteSigner signer, String text) {
    return new SignedNote(text, List.of(signer.sign(text))).format();
  }

  private static SignatureFailure code(Runnable r) {
    Throwable t = catchThrowable(r::run);
    assertThat(t).as("refused").isNotNull();
    return SignatureFailure.of(t).orElseThrow(() -> new AssertionError("no code for " + t));
  }

  @Test
  void verify_trustedKeysSignatureOverOtherText_signatureInvalid() {
    String body = CP.toCheckpoint().body();
    String note = signed(LOG, body);
    String forged = note.replace("\n3\n", "\n4\n"); // another size, the same signature line

    assertThat(code(() -> ChainCheckpoint.verifyNote(forged, List.of(LOG.verifier()))))
        .isEqualTo(SignatureFailure.SIGNATURE_INVALID);
  }

  @Test
  void verify_signedOnlyByAnUnknownKey_untrustedSigner() {
    String note = signed(OTHER_LOG, "hello\n");

    assertThat(code(() -> SignedNote.parse(note).verify(List.of(LOG.verifier()))))
        .isEqualTo(SignatureFailure.UNTRUSTED_SIGNER);
  }

  @Test
  void verifyNote_trustedKeyOfAnotherLog_untrustedSigner() {
    String body = new ChainCheckpoint("audit.example.com", CP.chainId(), CP.size(), CP.root(),
        CP.head()).toCheckpoint().body();
    String note = signed(OTHER_LOG, body); // a key trusted, but for its own log

    assertThat(code(() -> ChainCheckpoint.verifyNote(note, List.of(LOG.verifier(),
        OTHER_LOG.verifier())))).isEqualTo(SignatureFailure.UNTRUSTED_SIGNER);
  }

  @Test
  void parse_noBlankLineBeforeTheSignatures_malformedNote() {
    String note = signed(LOG, CP.toCheckpoint().body()).replace("\n\n", "\n");

    assertThat(code(() -> ChainCheckpoint.verifyNote(note, List.of(LOG.verifier()))))
        .isEqualTo(SignatureFailure.MALFORMED_NOTE);
  }

  @Test
  void describe_codeThenMessage_onlyForSignedNoteFailures() {
    InvalidSignatureException e = new InvalidSignatureException(
        SignatureFailure.UNTRUSTED_SIGNER, "note has no signature from a trusted key");

    assertThat(SignatureFailure.describe(e))
        .isEqualTo("UNTRUSTED_SIGNER note has no signature from a trusted key");
    assertThat(SignatureFailure.describe(new MalformedNoteException("no signature lines")))
        .isEqualTo("MALFORMED_NOTE no signature lines");
    assertThat(SignatureFailure.describe(new MalformedCheckpointException("bad size")))
        .isEqualTo("bad size");
    assertThat(SignatureFailure.of(new IllegalStateException())).isEmpty();
  }
}
