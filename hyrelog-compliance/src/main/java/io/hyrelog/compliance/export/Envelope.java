package io.hyrelog.compliance.export;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.ShortBufferException;
import javax.crypto.IllegalBlockSizeException;
import javax.crypto.BadPaddingException;

/**
 * The JSON envelope: {@code {version, keyId, companyId, type, format, createdAt, iv, authTag,
 * ciphertext, keyCheck}}; AES-256-GCM under the key itself with a random 96-bit IV and, as
 * associated data, {@code "hyrelog-export-envelope-v1\n" keyId "\n" companyId "\n" type "\n"
 * format "\n" createdAt} (UTF-8; no field may hold a newline).
 */
final class Envelope {
  static final int VERSION = 1;
  static final String AAD_LABEL = "hyrelog-export-envelope-v1";
  static final String KEY_CHECK_LABEL = "hyrelog-export-key-check-v1";
  private static final int IV_BYTES = 12;
  private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder()
          .maxStringLength(Integer.MAX_VALUE / 2).build()).build());

  private Envelope() {}

  static byte[] aad(String keyId, ExportDescriptor d, String createdAt) {
    return (AAD_LABEL + "\n" + keyId + "\n" + d.companyId() + "\n" + d.type() + "\n"
        + d.format() + "\n" + createdAt).getBytes(StandardCharsets.UTF_8);
  }

  static void write(OutputStream sink, ExportDescriptor d, ExportKey key, byte[] plain,
      int len, SecureRandom random) throws IOException {
    String keyId = key.keyId().orElseThrow();
    byte[] iv = new byte[IV_BYTES];
    random.nextBytes(iv);
    String createdAt = d.createdAt().toString();
    Cipher c = Crypto.gcm(Cipher.ENCRYPT_MODE, key.secretKey(), iv);
    c.updateAAD(aad(keyId, d, createdAt));
    byte[] sealed;
    try {
      sealed = c.doFinal(plain, 0, len);
    } catch (IllegalBlockSizeException | BadPaddingException e) {
      throw new IllegalStateException("AES-GCM encryption failed", e);
    }
    int ctLen = sealed.length - Crypto.TAG_BYTES;
    Base64.Encoder b64 = Base64.getEncoder();
    try (JsonGenerator g = JSON.getFactory().createGenerator(sink)) {
      g.configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, false);
      g.writeStartObject();
      g.writeNumberField("version", VERSION);
      g.writeStringField("algorithm", "AES-256-GCM");
      g.writeStringField("keyId", keyId);
      g.writeStringField("companyId", d.companyId());
      g.writeStringField("type", d.type());
      g.writeStringField("format", d.format());
      g.writeStringField("createdAt", createdAt);
      g.writeStringField("iv", b64.encodeToString(iv));
      g.writeStringField("authTag", b64.encodeToString(Arrays.copyOfRange(sealed, ctLen,
          sealed.length)));
      g.writeStringField("keyCheck", b64.encodeToString(Crypto.keyCheck(key, KEY_CHECK_LABEL,
          iv)));
      g.writeStringField("ciphertext", b64.encodeToString(Arrays.copyOf(sealed, ctLen)));
      g.writeEndObject();
    }
  }

  static Decrypted decrypt(InputStream in, OutputStream out, ExportKey key, long maxBytes)
      throws IOException {
    byte[] raw = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 16, maxBytes + 1));
    if (raw.length > maxBytes) {
      throw new ExportDecryptionException("envelope is larger than " + maxBytes
          + " bytes; large exports use the streaming format");
    }
    JsonNode n;
    try {
      n = JSON.readTree(raw);
    } catch (IOException e) {
      throw new ExportDecryptionException("envelope is not valid JSON (" + raw.length
          + " bytes); the file is damaged or not an encrypted export");
    }
    if (n == null || !n.isObject()) {
      throw new ExportDecryptionException("envelope is not a JSON object");
    }
    if (!n.path("version").isInt() || n.path("version").intValue() != VERSION) {
      throw new ExportDecryptionException("unsupported envelope version "
          + n.path("version") + " (this build reads version " + VERSION + ")");
    }
    String alg = text(n, "algorithm");
    if (!alg.equals("AES-256-GCM")) {
      throw new ExportDecryptionException("unsupported envelope algorithm " + alg);
    }
    String keyId = text(n, "keyId");
    String createdAt = text(n, "createdAt");
    ExportDescriptor d;
    try {
      d = new ExportDescriptor(text(n, "companyId"), text(n, "type"), text(n, "format"),
          Instant.parse(createdAt));
    } catch (IllegalArgumentException | DateTimeParseException e) {
      throw new ExportDecryptionException("envelope header is invalid: " + e.getMessage());
    }
    byte[] iv = b64(n, "iv");
    byte[] tag = b64(n, "authTag");
    byte[] check = b64(n, "keyCheck");
    byte[] ct = b64(n, "ciphertext");
    if (iv.length != IV_BYTES || tag.length != Crypto.TAG_BYTES
        || check.length != Crypto.KEY_CHECK_BYTES) {
      throw new ExportDecryptionException("envelope iv, authTag or keyCheck has the wrong"
          + " length (" + iv.length + ", " + tag.length + ", " + check.length + " bytes)");
    }
    Keys.checkId(key, keyId);
    if (!Crypto.same(check, Crypto.keyCheck(key, KEY_CHECK_LABEL, iv))) {
      throw new ExportDecryptionException("wrong key: the file was encrypted with key id "
          + keyId + " and the given key is not that key (or the keyCheck field was modified)");
    }
    Cipher c = Crypto.gcm(Cipher.DECRYPT_MODE, key.secretKey(), iv);
    c.updateAAD(aad(keyId, d, createdAt));
    byte[] plain = new byte[ct.length];
    try {
      int off = c.update(ct, 0, ct.length, plain, 0);
      off += c.doFinal(tag, 0, tag.length, plain, off);
      if (off != ct.length) {
        throw new IllegalStateException("GCM returned " + off + " of " + ct.length + " bytes");
      }
    } catch (AEADBadTagException e) {
      throw new ExportDecryptionException("envelope failed authentication: its header,"
          + " iv, authTag or ciphertext was modified", e);
    } catch (ShortBufferException | IllegalBlockSizeException | BadPaddingException e) {
      throw new ExportDecryptionException("envelope cannot be decrypted: " + e, e);
    }
    // The JDK's GCM releases nothing before the tag verified, so `plain` is authenticated.
    out.write(plain);
    return new Decrypted(EncryptedFormat.ENVELOPE, keyId, d, plain.length);
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || !v.isTextual()) {
      throw new ExportDecryptionException("envelope field " + field
          + " is missing or not a string");
    }
    return v.textValue();
  }

  private static byte[] b64(JsonNode n, String field) {
    try {
      return Base64.getDecoder().decode(text(n, field));
    } catch (IllegalArgumentException e) {
      throw new ExportDecryptionException("envelope field " + field + " is not valid base64");
    }
  }
}
