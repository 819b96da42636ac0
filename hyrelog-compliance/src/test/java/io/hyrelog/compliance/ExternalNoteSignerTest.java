package io.hyrelog.compliance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hyrelog.integrity.Ed25519NoteSigner;
import io.hyrelog.integrity.SignedNote;
import java.io.IOException;
import java.util.List;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.junit.jupiter.api.Test;

/**
 * The KMS/HSM adapter. The "KMS" here is BouncyCastle's own Ed25519 (an implementation
 * independent of the JDK's), which is what a real KMS would compute; no cloud KMS runs here.
 */
class ExternalNoteSignerTest {
  private static final String TEXT = "example.com/log\n5\n"
      + "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n";

  private static Ed25519PrivateKeyParameters key(long seed) {
    byte[] bytes = new byte[32];
    new java.util.Random(seed).nextBytes(bytes);
    return new Ed25519PrivateKeyParameters(bytes, 0);
  }

  private static byte[] bcSign(Ed25519PrivateKeyParameters k, byte[] message) {
    Ed25519Signer s = new Ed25519Signer();
    s.init(true, k);
    s.update(message, 0, message.length);
    return s.generateSignature();
  }

  @Test
  void sign_bcBackend_verifiesAndEqualsTheJdkSignerOfTheSameKey() {
    Ed25519PrivateKeyParameters k = key(7);
    ExternalNoteSigner ext = ExternalNoteSigner.of("kms.example", k.generatePublicKey()
        .getEncoded(), m -> bcSign(k, m));
    SignedNote note = new SignedNote(TEXT, List.of(ext.sign(TEXT)));
    assertThat(note.verify(List.of(ext.verifier()))).containsExactly(ext.verifier());
    // Ed25519 is deterministic: the in-memory signer with the same seed signs identically.
    Ed25519NoteSigner local = Ed25519NoteSigner.fromSeed("kms.example", k.getEncoded());
    assertThat(local.sign(TEXT)).isEqualTo(ext.sign(TEXT));
  }

  @Test
  void sign_backendHoldsAnotherKey_failsLoudly() {
    Ed25519PrivateKeyParameters k = key(1);
    Ed25519PrivateKeyParameters other = key(2);
    ExternalNoteSigner ext = ExternalNoteSigner.of("kms", k.generatePublicKey().getEncoded(),
        m -> bcSign(other, m));
    assertThatThrownBy(() -> ext.sign(TEXT)).isInstanceOf(SigningException.class)
        .hasMessageContaining("does not verify").hasMessageContaining("another key");
  }

  @Test
  void sign_backendFails_wrapsWithCause() {
    Ed25519PrivateKeyParameters k = key(3);
    IOException down = new IOException("connection refused");
    ExternalNoteSigner ext = ExternalNoteSigner.of("kms", k.generatePublicKey().getEncoded(),
        m -> {
          throw down;
        });
    assertThatThrownBy(() -> ext.sign(TEXT)).isInstanceOf(SigningException.class)
        .hasMessageContaining("failed to sign").hasCause(down);
  }

  @Test
  void sign_wrongLength_refused() {
    Ed25519PrivateKeyParameters k = key(4);
    ExternalNoteSigner ext = ExternalNoteSigner.of("kms", k.generatePublicKey().getEncoded(),
        m -> new byte[10]);
    assertThatThrownBy(() -> ext.sign(TEXT)).isInstanceOf(SigningException.class)
        .hasMessageContaining("10 bytes");
  }

  @Test
  void sign_invalidText_refusedBeforeCallingTheBackend() {
    Ed25519PrivateKeyParameters k = key(5);
    ExternalNoteSigner ext = ExternalNoteSigner.of("kms", k.generatePublicKey().getEncoded(),
        m -> {
          throw new AssertionError("backend called");
        });
    assertThatThrownBy(() -> ext.sign("no newline")).isInstanceOf(
        IllegalArgumentException.class);
  }
}
