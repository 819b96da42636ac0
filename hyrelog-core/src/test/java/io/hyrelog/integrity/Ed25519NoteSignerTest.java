package io.hyrelog.integrity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class Ed25519NoteSignerTest {
  // Go's signer key
  // "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
  // from golang.org/x/mod/sumdb/note; the 32 bytes after the 0x01 type byte are the seed.
  static final byte[] PETER_SEED =
      Arrays.copyOfRange(
          Base64.getDecoder().decode("AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"), 1, 33);

  @Test
  void fromSeed_goPeterNeumannSeed_derivesGoVerifierKey() {
    Ed25519NoteSigner signer = Ed25519NoteSigner.fromSeed("PeterNeumann", PETER_SEED);

    assertThat(signer.name()).isEqualTo("PeterNeumann");
    assertThat(signer.verifier().verifierKey()).isEqualTo(NoteVerifierTest.PETER_KEY);
  }

  @Test
  void signNote_goPeterNeumannSeed_reproducesGoSignedNoteExactly() {
    Ed25519NoteSigner signer = Ed25519NoteSigner.fromSeed("PeterNeumann", PETER_SEED);

    String note = signer.signNote(NoteVerifierTest.PETER_TEXT).format();

    assertThat(note)
        .isEqualTo(
            NoteVerifierTest.PETER_TEXT
                + "\n\u2014 PeterNeumann "
                + NoteVerifierTest.PETER_SIG_B64
                + "\n");
  }

  @Test
  void fromSeed_rfc8032Seed_derivesKnownPublicKey() {
    // Seed 0x00..0x1f; public key cross-checked with `openssl pkey -pubout`.
    byte[] seed = new byte[32];
    for (int i = 0; i < seed.length; i++) {
      seed[i] = (byte) i;
    }

    Ed25519NoteSigner signer = Ed25519NoteSigner.fromSeed("hyrelog.test", seed);

    assertThat(HexFormat.of().formatHex(signer.verifier().rawPublicKey()))
        .isEqualTo("03a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b8");
  }

  @Test
  void generate_freshKey_signsWhatItsVerifierAccepts() {
    Ed25519NoteSigner signer = Ed25519NoteSigner.generate("example.com/log", new SecureRandom());
    String text = "example.com/log\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n";

    SignedNote note = signer.signNote(text);

    assertThat(note.verify(List.of(signer.verifier()))).containsExactly(signer.verifier());
    assertThat(signer.verifier().verify(text + "x\n", note.signatures().get(0))).isFalse();
  }

  @Test
  void generate_twice_givesDifferentKeys() {
    SecureRandom random = new SecureRandom();

    NoteVerifier a = Ed25519NoteSigner.generate("k", random).verifier();
    NoteVerifier b = Ed25519NoteSigner.generate("k", random).verifier();

    assertThat(a.rawPublicKey()).isNotEqualTo(b.rawPublicKey());
  }

  @Test
  void sign_sameText_isDeterministicAndCarriesKeyId() {
    Ed25519NoteSigner signer = Ed25519NoteSigner.fromSeed("PeterNeumann", PETER_SEED);

    NoteSignature first = signer.sign("hello\n");
    NoteSignature second = signer.sign("hello\n");

    assertThat(first).isEqualTo(second);
    assertThat(first.keyName()).isEqualTo("PeterNeumann");
    assertThat(first.keyId()).isEqualTo(0xc74f20a3);
    assertThat(first.signature()).hasSize(64);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "no final newline", "tab\there\n", "lone \ud800 surrogate\n"})
  void sign_invalidNoteText_throwsIllegalArgument(String text) {
    Ed25519NoteSigner signer = Ed25519NoteSigner.fromSeed("PeterNeumann", PETER_SEED);

    assertThatIllegalArgumentException().isThrownBy(() -> signer.sign(text));
  }

  @Test
  void fromSeed_wrongLengthOrBadName_throwsWithoutKeyMaterial() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> Ed25519NoteSigner.fromSeed("k", Arrays.copyOf(PETER_SEED, 31)))
        .withMessageContaining("got 31");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> Ed25519NoteSigner.fromSeed("a+b", PETER_SEED));
    assertThatIllegalArgumentException()
        .isThrownBy(() -> Ed25519NoteSigner.generate("a b", new SecureRandom()));
  }

  @Test
  void fromSeed_callerMutatesSeedAfterwards_signerUnaffected() {
    byte[] seed = PETER_SEED.clone();
    Ed25519NoteSigner signer = Ed25519NoteSigner.fromSeed("PeterNeumann", seed);
    Arrays.fill(seed, (byte) 0);

    assertThat(signer.verifier().verifierKey()).isEqualTo(NoteVerifierTest.PETER_KEY);
    assertThat(signer.signNote(NoteVerifierTest.PETER_TEXT).signatures().get(0))
        .isEqualTo(NoteVerifierTest.peterSignature());
  }

  @Test
  void toString_signer_containsNoKeyMaterial() {
    Ed25519NoteSigner signer = Ed25519NoteSigner.fromSeed("PeterNeumann", PETER_SEED);
    String hexSeed = HexFormat.of().formatHex(PETER_SEED);
    String b64Seed = Base64.getEncoder().encodeToString(PETER_SEED);

    assertThat(signer.toString())
        .isEqualTo("Ed25519NoteSigner[PeterNeumann+c74f20a3]")
        .doesNotContain(hexSeed)
        .doesNotContain(b64Seed.substring(0, 16));
  }
}
