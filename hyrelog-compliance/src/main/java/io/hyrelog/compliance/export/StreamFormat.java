package io.hyrelog.compliance.export;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.AEADBadTagException;
import javax.crypto.BadPaddingException;
import javax.crypto.Cipher;
import javax.crypto.IllegalBlockSizeException;
import javax.crypto.SecretKey;
import javax.crypto.ShortBufferException;

/**
 * The streaming AEAD format (documented in {@code docs/encrypted-exports.md}).
 *
 * <pre>
 * magic      8 bytes  "HLXAEAD1"
 * headerLen  4 bytes  big-endian, 1..65536
 * header     headerLen bytes of UTF-8 JSON: version, algorithm, keyId, companyId, type, format,
 *            createdAt, segmentSize, salt (32 bytes, base64), noncePrefix (7 bytes, base64),
 *            keyCheck (16 bytes, base64)
 * segment*   each: AES-256-GCM(segmentKey, nonce_i, aad = magic||headerLen||header, plain_i)
 *            = ciphertext || 16-byte tag; every segment but the last holds exactly segmentSize
 *            plaintext bytes; the last holds 0..segmentSize (0 only when the whole file is empty)
 * segmentKey = HKDF-SHA256(ikm = key, salt, info = "hyrelog-export-stream-v1")
 * nonce_i    = noncePrefix (7) || i as uint32 big-endian (4) || 0x01 if last else 0x00 (1)
 * </pre>
 *
 * Reordered, dropped or duplicated segments fail (the counter is in the nonce); truncation at a
 * segment boundary fails (the new last segment was sealed with flag 0); appended bytes fail (the
 * real last segment was sealed with flag 1, or the extra bytes are no valid segment); header
 * changes fail (the header is every segment's associated data, and salt feeds the key).
 */
final class StreamFormat {
  static final byte[] MAGIC = "HLXAEAD1".getBytes(StandardCharsets.US_ASCII);
  static final int VERSION = 1;
  static final String ALGORITHM = "AES256-GCM-HKDF-SHA256-SEGMENTED";
  static final String INFO = "hyrelog-export-stream-v1";
  static final String KEY_CHECK_LABEL = "hyrelog-export-key-check-v1";
  static final int MIN_SEGMENT = 64;
  static final int MAX_SEGMENT = 64 << 20;
  private static final int MAX_HEADER = 65536;
  private static final int SALT_BYTES = 32;
  private static final int PREFIX_BYTES = 7;
  private static final ObjectMapper JSON = new ObjectMapper();

  private StreamFormat() {}

  private static byte[] nonce(byte[] prefix, long index, boolean last) {
    if (index > 0xFFFF_FFFFL) {
      throw new ExportDecryptionException("more than 2^32 segments");
    }
    return ByteBuffer.allocate(12).put(prefix).putInt((int) index).put((byte) (last ? 1 : 0))
        .array();
  }

  /** Encrypts what is written to it; {@link #close()} seals the last segment. */
  static final class Writer extends OutputStream {
    private final OutputStream sink;
    private final SecretKey segmentKey;
    private final byte[] prefix;
    private final byte[] aad;
    private final byte[] buf;
    private final byte[] sealed;
    private int pos;
    private long index;
    private long plaintextBytes;
    private boolean closed;

    Writer(OutputStream sink, ExportDescriptor d, ExportKey key, int segmentSize,
        SecureRandom random) throws IOException {
      this.sink = sink;
      byte[] salt = new byte[SALT_BYTES];
      random.nextBytes(salt);
      prefix = new byte[PREFIX_BYTES];
      random.nextBytes(prefix);
      Base64.Encoder b64 = Base64.getEncoder();
      ByteArrayOutputStream json = new ByteArrayOutputStream();
      try (JsonGenerator g = JSON.getFactory().createGenerator(json)) {
        g.writeStartObject();
        g.writeNumberField("version", VERSION);
        g.writeStringField("algorithm", ALGORITHM);
        g.writeStringField("keyId", key.keyId().orElseThrow());
        g.writeStringField("companyId", d.companyId());
        g.writeStringField("type", d.type());
        g.writeStringField("format", d.format());
        g.writeStringField("createdAt", d.createdAt().toString());
        g.writeNumberField("segmentSize", segmentSize);
        g.writeStringField("salt", b64.encodeToString(salt));
        g.writeStringField("noncePrefix", b64.encodeToString(prefix));
        g.writeStringField("keyCheck", b64.encodeToString(Crypto.keyCheck(key,
            KEY_CHECK_LABEL, salt)));
        g.writeEndObject();
      }
      byte[] header = json.toByteArray();
      aad = ByteBuffer.allocate(MAGIC.length + 4 + header.length).put(MAGIC)
          .putInt(header.length).put(header).array();
      byte[] ikm = key.material();
      segmentKey = Crypto.hkdf(ikm, salt, INFO);
      Arrays.fill(ikm, (byte) 0);
      buf = new byte[segmentSize];
      sealed = new byte[segmentSize + Crypto.TAG_BYTES];
      sink.write(aad);
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      if (closed) {
        throw new IOException("stream closed");
      }
      while (len > 0) {
        if (pos == buf.length) {
          // Only now is it known that this full segment is not the last one.
          seal(false);
        }
        int n = Math.min(len, buf.length - pos);
        System.arraycopy(b, off, buf, pos, n);
        pos += n;
        off += n;
        len -= n;
        plaintextBytes += n;
      }
    }

    private void seal(boolean last) throws IOException {
      Cipher c = Crypto.gcm(Cipher.ENCRYPT_MODE, segmentKey, nonce(prefix, index, last));
      c.updateAAD(aad);
      int n;
      try {
        n = c.doFinal(buf, 0, pos, sealed, 0);
      } catch (ShortBufferException | IllegalBlockSizeException | BadPaddingException e) {
        throw new IllegalStateException("AES-GCM encryption failed", e);
      }
      sink.write(sealed, 0, n);
      index++;
      pos = 0;
    }

    long plaintextBytes() {
      return plaintextBytes;
    }

    @Override
    public void flush() throws IOException {
      sink.flush();
    }

    @Override
    public void close() throws IOException {
      if (closed) {
        return;
      }
      closed = true;
      try (sink) {
        seal(true);
        Arrays.fill(buf, (byte) 0);
      }
    }
  }

  /** Reads the header after the magic (already consumed and checked). */
  static Decrypted decrypt(InputStream in, OutputStream out, ExportKey key) throws IOException {
    byte[] lenBytes = readFully(in, 4, "header length");
    int headerLen = ByteBuffer.wrap(lenBytes).getInt();
    if (headerLen < 2 || headerLen > MAX_HEADER) {
      throw new ExportDecryptionException("stream header length " + headerLen
          + " is outside 2.." + MAX_HEADER + "; the file is damaged");
    }
    byte[] header = readFully(in, headerLen, "header");
    byte[] aad = ByteBuffer.allocate(MAGIC.length + 4 + headerLen).put(MAGIC).put(lenBytes)
        .put(header).array();
    JsonNode h;
    try {
      h = JSON.readTree(header);
    } catch (IOException e) {
      throw new ExportDecryptionException("stream header is not valid JSON; the file is"
          + " damaged");
    }
    if (h == null || !h.isObject()) {
      throw new ExportDecryptionException("stream header is not a JSON object");
    }
    if (!h.path("version").isInt() || h.path("version").intValue() != VERSION) {
      throw new ExportDecryptionException("unsupported stream version " + h.path("version")
          + " (this build reads version " + VERSION + ")");
    }
    if (!ALGORITHM.equals(h.path("algorithm").asText(null))) {
      throw new ExportDecryptionException("unsupported stream algorithm "
          + h.path("algorithm"));
    }
    String keyId = text(h, "keyId");
    ExportDescriptor d;
    try {
      d = new ExportDescriptor(text(h, "companyId"), text(h, "type"), text(h, "format"),
          Instant.parse(text(h, "createdAt")));
    } catch (IllegalArgumentException | DateTimeParseException e) {
      throw new ExportDecryptionException("stream header is invalid: " + e.getMessage());
    }
    JsonNode seg = h.path("segmentSize");
    if (!seg.isInt() || seg.intValue() < MIN_SEGMENT || seg.intValue() > MAX_SEGMENT) {
      throw new ExportDecryptionException("stream segmentSize " + seg + " is outside "
          + MIN_SEGMENT + ".." + MAX_SEGMENT);
    }
    int segmentSize = seg.intValue();
    byte[] salt = b64(h, "salt", SALT_BYTES);
    byte[] prefix = b64(h, "noncePrefix", PREFIX_BYTES);
    byte[] check = b64(h, "keyCheck", Crypto.KEY_CHECK_BYTES);
    Keys.checkId(key, keyId);
    if (!Crypto.same(check, Crypto.keyCheck(key, KEY_CHECK_LABEL, salt))) {
      throw new ExportDecryptionException("wrong key: the file was encrypted with key id "
          + keyId + " and the given key is not that key (or the header was modified)");
    }
    byte[] ikm = key.material();
    SecretKey segmentKey = Crypto.hkdf(ikm, salt, INFO);
    Arrays.fill(ikm, (byte) 0);

    int segLen = segmentSize + Crypto.TAG_BYTES;
    // One byte of look-ahead tells whether a full segment is the last one.
    byte[] buf = new byte[segLen + 1];
    byte[] plain = new byte[segmentSize];
    int have = 0;
    long index = 0;
    long total = 0;
    while (true) {
      have += in.readNBytes(buf, have, buf.length - have);
      boolean last = have <= segLen;
      int n = last ? have : segLen;
      if (n < Crypto.TAG_BYTES) {
        throw new ExportDecryptionException("the stream is truncated: segment " + index
            + " has " + n + " bytes, fewer than its 16-byte tag (" + total
            + " authenticated plaintext bytes before it)");
      }
      Cipher c = Crypto.gcm(Cipher.DECRYPT_MODE, segmentKey, nonce(prefix, index, last));
      c.updateAAD(aad);
      int p;
      try {
        p = c.doFinal(buf, 0, n, plain, 0);
      } catch (AEADBadTagException e) {
        throw new ExportDecryptionException("segment " + index + " failed authentication"
            + (last ? " as the last segment" : "") + ": the file was modified, truncated,"
            + " extended or reordered (" + total + " plaintext bytes before it were"
            + " authenticated; discard the output)", e);
      } catch (ShortBufferException | IllegalBlockSizeException | BadPaddingException e) {
        throw new ExportDecryptionException("segment " + index + " cannot be decrypted: " + e,
            e);
      }
      // doFinal verified the tag before releasing anything.
      out.write(plain, 0, p);
      total += p;
      index++;
      if (last) {
        return new Decrypted(EncryptedFormat.STREAM, keyId, d, total);
      }
      buf[0] = buf[segLen];
      have = 1;
    }
  }

  private static byte[] readFully(InputStream in, int n, String what) throws IOException {
    byte[] b = in.readNBytes(n);
    if (b.length != n) {
      throw new ExportDecryptionException("the stream is truncated in its " + what);
    }
    return b;
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || !v.isTextual()) {
      throw new ExportDecryptionException("stream header field " + field
          + " is missing or not a string");
    }
    return v.textValue();
  }

  private static byte[] b64(JsonNode n, String field, int len) {
    byte[] b;
    try {
      b = Base64.getDecoder().decode(text(n, field));
    } catch (IllegalArgumentException e) {
      throw new ExportDecryptionException("stream header field " + field
          + " is not valid base64");
    }
    if (b.length != len) {
      throw new ExportDecryptionException("stream header field " + field + " has " + b.length
          + " bytes, expected " + len);
    }
    return b;
  }

}
