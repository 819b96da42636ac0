package io.hyrelog.compliance.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hyrelog.testkit.SeededRandom;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ExportEncryptionTest {
  static final String HEX_KEY =
      "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
  static final ExportKey KEY = ExportKey.parse("k2026", HEX_KEY);
  static final ExportDescriptor D = new ExportDescriptor("0190a1b2-0000-7000-8000-000000000001",
      "audit_events", "jsonl", Instant.parse("2026-03-01T02:00:00.123Z"));
  static final int SEG = 256;
  static final ObjectMapper JSON = new ObjectMapper();

  static SecureRandom seeded(long seed) {
    return SeededRandom.secure(seed);
  }

  static byte[] plaintext(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  static byte[] encrypt(byte[] plain, ExportEncryption.Mode mode, int segment) throws IOException {
    ExportEncryption enc = ExportEncryption.builder(KEY).mode(mode).segmentSize(segment)
        .envelopeThreshold(1000).random(seeded(7)).build();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (EncryptingOutputStream s = enc.open(out, D)) {
      // Uneven writes, so segment boundaries fall inside write calls.
      int off = 0;
      int step = 1;
      while (off < plain.length) {
        int n = Math.min(step, plain.length - off);
        s.write(plain, off, n);
        off += n;
        step = step * 3 + 1;
      }
    }
    return out.toByteArray();
  }

  /** Decrypts; on failure, checks that what was released is a true prefix, then rethrows. */
  static byte[] decrypt(byte[] file, ExportKey key, byte[] expected) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ExportEncryption.decrypt(new ByteArrayInputStream(file), out, key);
    } catch (ExportDecryptionException e) {
      byte[] released = out.toByteArray();
      assertThat(released.length).isLessThan(Math.max(1, expected.length + 1));
      assertThat(released).as("released bytes are authenticated plaintext")
          .isEqualTo(Arrays.copyOf(expected, released.length));
      throw e;
    }
    return out.toByteArray();
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, SEG - 1, SEG, SEG + 1, 2 * SEG, 5 * SEG + 17, 40 * SEG})
  void stream_roundTrip_sizesAroundSegmentBoundaries(int size) throws IOException {
    byte[] plain = plaintext(size, size);
    byte[] file = encrypt(plain, ExportEncryption.Mode.STREAM, SEG);
    int segments = Math.max(1, (size + SEG - 1) / SEG);
    int header = ByteBuffer.wrap(file, 8, 4).getInt() + 12;
    assertThat(file.length).isEqualTo(header + size + 16L * segments);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Decrypted d = ExportEncryption.decrypt(new ByteArrayInputStream(file), out, KEY);
    assertThat(out.toByteArray()).isEqualTo(plain);
    assertThat(d.format()).isEqualTo(EncryptedFormat.STREAM);
    assertThat(d.descriptor()).isEqualTo(D);
    assertThat(d.keyId()).isEqualTo("k2026");
    assertThat(d.plaintextBytes()).isEqualTo(size);
  }

  @ParameterizedTest
  @ValueSource(ints = {ExportEncryption.DEFAULT_SEGMENT_SIZE - 1,
      ExportEncryption.DEFAULT_SEGMENT_SIZE, ExportEncryption.DEFAULT_SEGMENT_SIZE + 1})
  void stream_roundTrip_defaultSegmentBoundaries(int size) throws IOException {
    byte[] plain = plaintext(size, 3);
    byte[] file = encrypt(plain, ExportEncryption.Mode.STREAM,
        ExportEncryption.DEFAULT_SEGMENT_SIZE);
    assertThat(decrypt(file, KEY.withKeyId("k2026"), plain)).isEqualTo(plain);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 999, 1000})
  void auto_upToThreshold_writesEnvelope(int size) throws IOException {
    byte[] plain = plaintext(size, 1);
    byte[] file = encrypt(plain, ExportEncryption.Mode.AUTO, SEG);
    ObjectNode env = (ObjectNode) JSON.readTree(file);
    assertThat(env.fieldNames()).toIterable().containsExactly("version", "algorithm", "keyId",
        "companyId", "type", "format", "createdAt", "iv", "authTag", "keyCheck", "ciphertext");
    assertThat(env.get("createdAt").asText()).isEqualTo("2026-03-01T02:00:00.123Z");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Decrypted d = ExportEncryption.decrypt(new ByteArrayInputStream(file), out, KEY);
    assertThat(d.format()).isEqualTo(EncryptedFormat.ENVELOPE);
    assertThat(out.toByteArray()).isEqualTo(plain);
  }

  @Test
  void auto_pastThreshold_switchesToStream() throws IOException {
    byte[] plain = plaintext(1001, 1);
    byte[] file = encrypt(plain, ExportEncryption.Mode.AUTO, SEG);
    assertThat(Arrays.copyOf(file, 8)).isEqualTo("HLXAEAD1".getBytes(StandardCharsets.US_ASCII));
    assertThat(decrypt(file, KEY, plain)).isEqualTo(plain);
  }

  @Test
  void envelope_decryptsWithStandardAesGcm() throws Exception {
    // A recipient without this library: base64-decode, AES-256-GCM with the documented AAD.
    byte[] plain = "{\"a\":1}\n".getBytes(StandardCharsets.UTF_8);
    var env = JSON.readTree(encrypt(plain, ExportEncryption.Mode.ENVELOPE, SEG));
    javax.crypto.Cipher c = javax.crypto.Cipher.getInstance("AES/GCM/NoPadding");
    c.init(javax.crypto.Cipher.DECRYPT_MODE, new javax.crypto.spec.SecretKeySpec(
        java.util.HexFormat.of().parseHex(HEX_KEY), "AES"),
        new javax.crypto.spec.GCMParameterSpec(128, b64(env.get("iv").asText())));
    c.updateAAD(("hyrelog-export-envelope-v1\nk2026\n" + D.companyId()
        + "\naudit_events\njsonl\n2026-03-01T02:00:00.123Z").getBytes(StandardCharsets.UTF_8));
    c.update(b64(env.get("ciphertext").asText()));
    assertThat(c.doFinal(b64(env.get("authTag").asText()))).isEqualTo(plain);
  }

  static byte[] b64(String s) {
    return java.util.Base64.getDecoder().decode(s);
  }

  @Test
  void stream_everySingleBitFlip_failsAndReleasesOnlyAuthenticatedBytes() throws IOException {
    byte[] plain = plaintext(4 * SEG + 100, 11);
    byte[] file = encrypt(plain, ExportEncryption.Mode.STREAM, SEG);
    for (int i = 0; i < file.length; i++) {
      byte[] bad = file.clone();
      bad[i] ^= (byte) (1 << (i % 8));
      int at = i;
      assertThatThrownBy(() -> decrypt(bad, KEY, plain)).as("flip at byte %d", at)
          .isInstanceOf(ExportDecryptionException.class);
    }
  }

  @Test
  void stream_flipInLastTag_failsAfterReleasingOnlyEarlierSegments() throws IOException {
    byte[] plain = plaintext(3 * SEG, 12);
    byte[] file = encrypt(plain, ExportEncryption.Mode.STREAM, SEG);
    file[file.length - 1] ^= 1;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertThatThrownBy(() -> ExportEncryption.decrypt(new ByteArrayInputStream(file), out, KEY))
        .isInstanceOf(ExportDecryptionException.class)
        .hasMessageContaining("segment 2 failed authentication as the last segment");
    assertThat(out.toByteArray()).isEqualTo(Arrays.copyOf(plain, 2 * SEG));
  }

  @Test
  void stream_truncation_atEveryLength_fails() throws IOException {
    byte[] plain = plaintext(3 * SEG + 5, 13);
    byte[] file = encrypt(plain, ExportEncryption.Mode.STREAM, SEG);
    for (int len = 0; len < file.length; len++) {
      byte[] cut = Arrays.copyOf(file, len);
      int at = len;
      assertThatThrownBy(() -> decrypt(cut, KEY, plain)).as("cut to %d", at)
          .isInstanceOf(ExportDecryptionException.class);
    }
  }

  @Test
  void stream_truncationAtSegmentBoundary_saysLastSegmentFailed() throws IOException {
    byte[] plain = plaintext(3 * SEG, 14);
    byte[] file = encrypt(plain, ExportEncryption.Mode.STREAM, SEG);
    int cut = file.length - (SEG + 16);
    assertThatThrownBy(() -> decrypt(Arrays.copyOf(file, cut), KEY, plain))
        .isInstanceOf(ExportDecryptionException.class)
        .hasMessageContaining("segment 1 failed authentication as the last segment");
  }

  @Test
  void stream_reorderedSegments_fail() throws IOException {
    byte[] plain = plaintext(4 * SEG + 3, 15);
    byte[] file = encrypt(plain, ExportEncryption.Mode.STREAM, SEG);
    int header = ByteBuffer.wrap(file, 8, 4).getInt() + 12;
    int s = SEG + 16;
    byte[] bad = file.clone();
    System.arraycopy(file, header + s, bad, header + 2 * s, s);
    System.arraycopy(file, header + 2 * s, bad, header + s, s);
    assertThatThrownBy(() -> decrypt(bad, KEY, plain))
        .isInstanceOf(ExportDecryptionException.class)
        .hasMessageContaining("segment 1 failed authentication");
    // A segment duplicated over the next one fails too.
    byte[] dup = file.clone();
    System.arraycopy(file, header, dup, header + s, s);
    assertThatThrownBy(() -> decrypt(dup, KEY, plain))
        .isInstanceOf(ExportDecryptionException.class);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 15, 16, 17, SEG + 16, 3 * (SEG + 16)})
  void stream_appendedBytes_fail(int extra) throws IOException {
    byte[] plain = plaintext(2 * SEG, 16);
    byte[] file = encrypt(plain, ExportEncryption.Mode.STREAM, SEG);
    byte[] longer = Arrays.copyOf(file, file.length + extra);
    // Appending a copy of the file's own last segment(s), not zeros, where they fit.
    for (int i = 0; i < extra; i++) {
      longer[file.length + i] = file[file.length - 1 - (i % (SEG + 16))];
    }
    assertThatThrownBy(() -> decrypt(longer, KEY, plain))
        .isInstanceOf(ExportDecryptionException.class);
  }

  @Test
  void stream_twoFilesConcatenated_fail() throws IOException {
    byte[] plain = plaintext(SEG + 1, 17);
    byte[] file = encrypt(plain, ExportEncryption.Mode.STREAM, SEG);
    byte[] both = Arrays.copyOf(file, 2 * file.length);
    System.arraycopy(file, 0, both, file.length, file.length);
    assertThatThrownBy(() -> decrypt(both, KEY, plain))
        .isInstanceOf(ExportDecryptionException.class);
  }

  @Test
  void wrongKey_failsWithClearError() throws IOException {
    byte[] plain = plaintext(700, 18);
    ExportKey other = ExportKey.parse(null, HEX_KEY.replace('0', 'f'));
    for (ExportEncryption.Mode m : new ExportEncryption.Mode[] {ExportEncryption.Mode.STREAM,
        ExportEncryption.Mode.ENVELOPE}) {
      byte[] file = encrypt(plain, m, SEG);
      assertThatThrownBy(() -> decrypt(file, other, plain))
          .isInstanceOf(ExportDecryptionException.class)
          .hasMessageStartingWith("wrong key: the file was encrypted with key id k2026");
      assertThatThrownBy(() -> decrypt(file, KEY.withKeyId("k2027"), plain))
          .isInstanceOf(ExportDecryptionException.class)
          .hasMessageContaining("encrypted with key id k2026 but the given key has id k2027");
      // The key's id is optional for recipients.
      assertThat(decrypt(file, ExportKey.parse(null, HEX_KEY), plain)).isEqualTo(plain);
    }
  }

  @Test
  void envelope_everyFieldChanged_fails() throws IOException {
    byte[] plain = plaintext(300, 19);
    byte[] file = encrypt(plain, ExportEncryption.Mode.ENVELOPE, SEG);
    ObjectNode env = (ObjectNode) JSON.readTree(file);
    String[][] changes = {
        {"keyId", "k2027"}, {"companyId", "0190a1b2-0000-7000-8000-000000000002"},
        {"type", "admin_audit"}, {"format", "csv"}, {"createdAt", "2026-03-01T02:00:00.124Z"},
        {"iv", flipB64(env.get("iv").asText())}, {"authTag", flipB64(env.get("authTag").asText())},
        {"ciphertext", flipB64(env.get("ciphertext").asText())},
        {"keyCheck", flipB64(env.get("keyCheck").asText())}, {"algorithm", "AES-128-GCM"}};
    for (String[] c : changes) {
      ObjectNode bad = env.deepCopy();
      bad.put(c[0], c[1]);
      assertThatThrownBy(() -> decrypt(JSON.writeValueAsBytes(bad), KEY, plain))
          .as("changed %s", c[0]).isInstanceOf(ExportDecryptionException.class);
      ObjectNode missing = env.deepCopy();
      missing.remove(c[0]);
      assertThatThrownBy(() -> decrypt(JSON.writeValueAsBytes(missing), KEY, plain))
          .as("removed %s", c[0]).isInstanceOf(ExportDecryptionException.class);
    }
    ObjectNode v2 = env.deepCopy();
    v2.put("version", 2);
    assertThatThrownBy(() -> decrypt(JSON.writeValueAsBytes(v2), KEY, plain))
        .hasMessageContaining("unsupported envelope version 2");
    // Flipping any single byte of the file fails and releases nothing.
    for (int i = 0; i < file.length; i++) {
      byte[] bad = file.clone();
      bad[i] ^= (byte) (1 << (i % 7));
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      int at = i;
      assertThatThrownBy(() -> ExportEncryption.decrypt(new ByteArrayInputStream(bad), out, KEY))
          .as("flip at %d", at).isInstanceOf(ExportDecryptionException.class);
      assertThat(out.size()).isZero();
    }
  }

  static String flipB64(String s) {
    byte[] b = b64(s);
    b[0] ^= 1;
    return java.util.Base64.getEncoder().encodeToString(b);
  }

  @Test
  void decrypt_notAnExport_saysSo() {
    assertThatThrownBy(() -> ExportEncryption.decrypt(new ByteArrayInputStream(new byte[0]),
        new ByteArrayOutputStream(), KEY)).hasMessageContaining("the file is empty");
    assertThatThrownBy(() -> ExportEncryption.decrypt(new ByteArrayInputStream(
        "id,seq\n".getBytes(StandardCharsets.UTF_8)), new ByteArrayOutputStream(), KEY))
        .hasMessageContaining("not an encrypted export");
  }

  @Test
  void envelopeMode_pastLimit_refuses() throws IOException {
    ExportEncryption enc = ExportEncryption.builder(KEY).mode(ExportEncryption.Mode.ENVELOPE)
        .build();
    EncryptingOutputStream s = enc.open(new ByteArrayOutputStream(), D);
    byte[] chunk = new byte[1 << 20];
    assertThatThrownBy(() -> {
      for (int i = 0; i < 5; i++) {
        s.write(chunk);
      }
    }).isInstanceOf(IOException.class)
        .hasMessage("the export is larger than the envelope threshold of 4194304 bytes; use the"
            + " streaming format (mode STREAM or AUTO) or raise the threshold");
  }

  @Test
  void builder_rejectsBadValues() {
    assertThatThrownBy(() -> ExportEncryption.builder(KEY).segmentSize(63))
        .hasMessage("segmentSize must be 64..67108864 bytes, got 63");
    assertThatThrownBy(() -> ExportEncryption.builder(KEY).envelopeThreshold(-1))
        .hasMessageContaining("envelopeThreshold must be 0..67108864 bytes, got -1");
    assertThatThrownBy(() -> ExportEncryption.builder(ExportKey.parse(null, HEX_KEY)))
        .hasMessageContaining("needs a key id");
  }
}
