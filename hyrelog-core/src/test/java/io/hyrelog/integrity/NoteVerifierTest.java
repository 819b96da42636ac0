package io.hyrelog.integrity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hyrelog.Digest;
import io.hyrelog.HyrelogException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NoteVerifierTest {
  // Vectors from golang.org/x/mod/sumdb/note (note.go, note_test.go).
  static final String PETER_KEY =
      "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
  static final String ENOCH_KEY = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop";
  static final String PETER_TEXT =
      "If you think cryptography is the answer to your problem,\n"
          + "then you don't know what your problem is.\n";
  static final String PETER_SIG_B64 =
      "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=";

  @Test
  void parse_goPeterNeumannKey_exposesNameIdAndKey() {
    NoteVerifier v = NoteVerifier.parse(PETER_KEY);

    assertThat(v.name()).isEqualTo("PeterNeumann");
    assertThat(v.keyId()).isEqualTo(0xc74f20a3);
    assertThat(v.rawPublicKey())
        .isEqualTo(
            Arrays.copyOfRange(
                Base64.getDecoder().decode("ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"), 1, 33));
    assertThat(v.verifierKey()).isEqualTo(PETER_KEY);
  }

  @Test
  void of_goPeterNeumannRawKey_computesGoKeyId() {
    NoteVerifier parsed = NoteVerifier.parse(PETER_KEY);

    NoteVerifier built = NoteVerifier.of("PeterNeumann", parsed.rawPublicKey());

    assertThat(built.keyId()).isEqualTo(0xc74f20a3);
    assertThat(built.verifierKey()).isEqualTo(PETER_KEY);
    assertThat(built).isEqualTo(parsed).hasSameHashCodeAs(parsed);
  }

  @Test
  void of_sameKeyUnderAnotherName_hasAnotherKeyId() {
    byte[] raw = NoteVerifier.parse(PETER_KEY).rawPublicKey();

    NoteVerifier renamed = NoteVerifier.of("PeterNeumann2", raw);

    assertThat(renamed.keyId()).isNotEqualTo(0xc74f20a3);
    assertThat(renamed).isNotEqualTo(NoteVerifier.parse(PETER_KEY));
  }

  @Test
  void parse_goEnochRootKey_hasGoKeyId() {
    assertThat(NoteVerifier.parse(ENOCH_KEY).keyId()).isEqualTo(0xaf0cfe78);
  }

  @Test
  void parse_everyProperSubstringOfGoKey_isRejected() {
    List<String> accepted = new ArrayList<>();
    for (int i = 0; i <= PETER_KEY.length(); i++) {
      for (int j = i + 1; j <= PETER_KEY.length(); j++) {
        if (i == 0 && j == PETER_KEY.length()) {
          continue;
        }
        if (parses(PETER_KEY.substring(i, j))) {
          accepted.add(PETER_KEY.substring(i, j));
        }
      }
    }

    assertThat(accepted).isEmpty();
  }

  @Test
  void parse_everySingleCharacterIncrementOfGoKey_isRejected() {
    List<String> accepted = new ArrayList<>();
    char[] chars = PETER_KEY.toCharArray();
    for (int i = 0; i < chars.length; i++) {
      chars[i]++;
      if (parses(new String(chars))) {
        accepted.add(new String(chars));
      }
      chars[i]--;
    }

    assertThat(accepted).isEmpty();
  }

  @Test
  void parse_goWrongLengthKeyWithMatchingId_isRejected() {
    // Go's vector; its base64 also has non-zero trailing bits, which HyreLog rejects first.
    assertThatThrownBy(
            () ->
                NoteVerifier.parse(
                    "PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY=="))
        .isInstanceOf(HyrelogException.class);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 31, 33, 64})
  void parse_keyOfWrongLengthWithMatchingId_isRejected(int keyLength) {
    byte[] typed = new byte[1 + keyLength];
    typed[0] = 0x01;
    Arrays.fill(typed, 1, typed.length, (byte) 0x42);

    assertThatThrownBy(() -> NoteVerifier.parse(verifierKey("PeterNeumann", typed)))
        .isInstanceOf(HyrelogException.class)
        .hasMessageContaining("has " + keyLength + " key bytes, expected 32");
  }

  @Test
  void parse_keyWithMatchingIdButEcdsaType_isRejected() {
    byte[] typed = new byte[33];
    typed[0] = 0x02;

    assertThatThrownBy(() -> NoteVerifier.parse(verifierKey("PeterNeumann", typed)))
        .isInstanceOf(HyrelogException.class)
        .hasMessageContaining("signature type 0x02");
  }

  @Test
  void parse_goUnknownAlgorithmWithMatchingId_isRejected() {
    assertThatThrownBy(
            () ->
                NoteVerifier.parse(
                    "PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"))
        .isInstanceOf(HyrelogException.class)
        .hasMessageContaining("signature type 0x65");
  }

  @Test
  void parse_keyIdNotMatchingKey_isRejectedWithoutKeyMaterial() {
    assertThatThrownBy(
            () ->
                NoteVerifier.parse(
                    "PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"))
        .isInstanceOf(HyrelogException.class)
        .hasMessageContaining("does not match")
        .hasMessageNotContaining("ARpc2Q");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "PeterNeumann+C74F20A3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", // uppercase id
        "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW=", // over-padded
        "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq_LDE4izWy10TW", // base64url
        "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW\n", // trailing newline
        "Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", // space in name
        "+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", // empty name
        "PeterNeumann+c74f20a3", // no key
        "",
      })
  void parse_malformedVerifierKey_isRejected(String key) {
    assertThatThrownBy(() -> NoteVerifier.parse(key)).isInstanceOf(HyrelogException.class);
  }

  @Test
  void of_invalidNameOrKeyLength_throwsIllegalArgument() {
    byte[] raw = NoteVerifier.parse(PETER_KEY).rawPublicKey();

    assertThatIllegalArgumentException().isThrownBy(() -> NoteVerifier.of("a+b", raw));
    assertThatIllegalArgumentException().isThrownBy(() -> NoteVerifier.of("a b", raw));
    assertThatIllegalArgumentException().isThrownBy(() -> NoteVerifier.of("a\u00a0b", raw));
    assertThatIllegalArgumentException().isThrownBy(() -> NoteVerifier.of("", raw));
    assertThatIllegalArgumentException()
        .isThrownBy(() -> NoteVerifier.of("PeterNeumann", Arrays.copyOf(raw, 31)));
    assertThatIllegalArgumentException()
        .isThrownBy(() -> NoteVerifier.of("PeterNeumann", Arrays.copyOf(raw, 33)));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        // libsodium's has_small_order blocklist (little-endian y), then sign-bit variants and one
        // more non-canonical y (p + 2).
        "0000000000000000000000000000000000000000000000000000000000000000",
        "0100000000000000000000000000000000000000000000000000000000000000",
        "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
        "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
        "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "0000000000000000000000000000000000000000000000000000000000000080",
        "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85",
        "efffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
      })
  void of_smallOrderOrNonCanonicalKey_throwsIllegalArgument(String rawHex) {
    byte[] raw = HexFormat.of().parseHex(rawHex);

    assertThatIllegalArgumentException()
        .isThrownBy(() -> NoteVerifier.of("k", raw))
        .withMessageContaining("small-order");
  }

  @Test
  void parse_allZeroKeyWithMatchingId_isRejected() {
    byte[] typed = new byte[33];
    typed[0] = 0x01;

    assertThatThrownBy(() -> NoteVerifier.parse(verifierKey("PeterNeumann", typed)))
        .isInstanceOf(HyrelogException.class)
        .hasMessageContaining("not a usable Ed25519 public key");
  }

  @Test
  void rawPublicKey_mutatedCopy_doesNotChangeVerifier() {
    NoteVerifier v = NoteVerifier.parse(PETER_KEY);
    byte[] raw = v.rawPublicKey();
    raw[0] ^= 1;

    assertThat(v.rawPublicKey()).isNotEqualTo(raw);
    assertThat(v.verifierKey()).isEqualTo(PETER_KEY);
  }

  @Test
  void verify_goPeterSignature_isTrue() {
    NoteVerifier v = NoteVerifier.parse(PETER_KEY);

    assertThat(v.verify(PETER_TEXT, peterSignature())).isTrue();
  }

  @Test
  void verify_tamperedTextOrSignature_isFalse() {
    NoteVerifier v = NoteVerifier.parse(PETER_KEY);
    NoteSignature good = peterSignature();
    byte[] flipped = good.signature();
    flipped[10] ^= 0x01;

    assertThat(v.verify(PETER_TEXT.replace("problem,", "problem;"), good)).isFalse();
    assertThat(v.verify(PETER_TEXT, new NoteSignature("PeterNeumann", 0xc74f20a3, flipped)))
        .isFalse();
    assertThat(
            v.verify(
                PETER_TEXT,
                new NoteSignature("PeterNeumann", 0xc74f20a3, Arrays.copyOf(flipped, 63))))
        .isFalse();
  }

  @Test
  void verify_validBytesUnderOtherNameOrId_isFalse() {
    NoteVerifier v = NoteVerifier.parse(PETER_KEY);
    byte[] sig = peterSignature().signature();

    assertThat(v.verify(PETER_TEXT, new NoteSignature("EnochRoot", 0xc74f20a3, sig))).isFalse();
    assertThat(v.verify(PETER_TEXT, new NoteSignature("PeterNeumann", 0xc74f20a4, sig))).isFalse();
  }

  @Test
  void toString_verifier_showsNameAndIdOnly() {
    assertThat(NoteVerifier.parse(PETER_KEY)).hasToString("NoteVerifier[PeterNeumann+c74f20a3]");
  }

  static NoteSignature peterSignature() {
    byte[] raw = Base64.getDecoder().decode(PETER_SIG_B64);
    return new NoteSignature("PeterNeumann", 0xc74f20a3, Arrays.copyOfRange(raw, 4, raw.length));
  }

  /** A verifier key string whose id is computed the spec's way over {@code typedKey}. */
  private static String verifierKey(String name, byte[] typedKey) {
    byte[] nameBytes = (name + "\n").getBytes(StandardCharsets.UTF_8);
    byte[] hashed = Arrays.copyOf(nameBytes, nameBytes.length + typedKey.length);
    System.arraycopy(typedKey, 0, hashed, nameBytes.length, typedKey.length);
    String id = Digest.sha256(hashed).hex().substring(0, 8);
    return name + "+" + id + "+" + Base64.getEncoder().encodeToString(typedKey);
  }

  private static boolean parses(String key) {
    try {
      NoteVerifier.parse(key);
      return true;
    } catch (HyrelogException e) {
      return false;
    }
  }
}
