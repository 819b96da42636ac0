package io.hyrelog.compliance.export;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;

/**
 * Encrypts compliance exports into the {@link EncryptedFormat#ENVELOPE JSON envelope} (small
 * files) or the {@link EncryptedFormat#STREAM streaming format} (large files), and decrypts
 * either. Both are AES-256-GCM and bind company, type, format, creation time and key id to the
 * ciphertext. The format is documented in {@code docs/encrypted-exports.md}.
 *
 * <p>Immutable and thread-safe; each {@link #open} stream is for one thread.
 */
public final class ExportEncryption {
  /** Plaintext bytes per segment of the streaming format, unless set: 1 MiB. */
  public static final int DEFAULT_SEGMENT_SIZE = 1 << 20;
  /** Largest plaintext {@link Mode#AUTO} puts in an envelope, unless set: 4 MiB. */
  public static final int DEFAULT_ENVELOPE_THRESHOLD = 4 << 20;
  /** Largest plaintext an envelope may hold (it is decrypted in memory): 64 MiB. */
  public static final int MAX_ENVELOPE_PLAINTEXT = 64 << 20;

  /** Which format {@link #open} writes. */
  public enum Mode {
    /** The envelope up to the threshold, the streaming format beyond it. */
    AUTO,
    /** Always the envelope (fails past the threshold, which bounds the memory it takes). */
    ENVELOPE,
    /** Always the streaming format. */
    STREAM
  }

  private final ExportKey key;
  private final Mode mode;
  private final int segmentSize;
  private final int envelopeThreshold;
  private final SecureRandom random;

  private ExportEncryption(Builder b) {
    this.key = b.key;
    this.mode = b.mode;
    this.segmentSize = b.segmentSize;
    this.envelopeThreshold = b.envelopeThreshold;
    this.random = b.random;
  }

  /**
   * Encryption under {@code key}, which must have a key id.
   *
   * @param key the key, with a key id
   * @return a new builder
   */
  public static Builder builder(ExportKey key) {
    return new Builder(key);
  }

  /**
   * A stream that encrypts what is written to it into {@code sink}; {@link
   * EncryptingOutputStream#close()} finishes the file and closes {@code sink}. In {@link
   * Mode#AUTO}, nothing reaches {@code sink} until the plaintext passes the threshold or the
   * stream closes, so the format is known only after close. Memory stays at the larger of the
   * threshold and one segment, whatever the size of the export.
   *
   * @param sink where the encrypted file goes
   * @param descriptor the export's header: company, type, format, time
   * @return the encrypting stream
   * @throws java.io.IOException when writing to {@code sink} fails
   */
  public EncryptingOutputStream open(OutputStream sink, ExportDescriptor descriptor)
      throws IOException {
    Objects.requireNonNull(sink, "sink");
    Objects.requireNonNull(descriptor, "descriptor");
    return new EncryptingOutputStream(sink, descriptor, this);
  }

  /**
   * Decrypts an encrypted export of either format (told apart by its first bytes) into {@code
   * out}. Memory is constant in the file size for the streaming format.
   *
   * <p>Nothing is written to {@code out} that was not authenticated: the envelope is written
   * only after its tag verified; the streaming format writes each segment after that segment's
   * tag verified, and throws at the end if the file was cut short — so output written before an
   * exception is authenticated but INCOMPLETE; callers that must not keep a partial result write
   * to a temporary file and keep it only on success (as {@code hyrelog.jar decrypt} does).
   *
   * @param in the encrypted file
   * @param out where the plaintext goes
   * @param key the key; if it has an id, the file's key id must match
   * @return the header's descriptor and the format found
   * @throws ExportDecryptionException for a modified, truncated, extended or reordered file, a
   *     wrong key, or input that is not an encrypted export
   * @throws IOException if reading {@code in} or writing {@code out} fails
   */
  public static Decrypted decrypt(InputStream in, OutputStream out, ExportKey key)
      throws IOException {
    Objects.requireNonNull(key, "key");
    InputStream b = in.markSupported() ? in : new BufferedInputStream(in, 1 << 16);
    b.mark(StreamFormat.MAGIC.length);
    byte[] head = b.readNBytes(StreamFormat.MAGIC.length);
    if (Arrays.equals(head, StreamFormat.MAGIC)) {
      return StreamFormat.decrypt(b, out, key);
    }
    b.reset();
    int first = firstNonSpace(head);
    if (first == '{') {
      return Envelope.decrypt(b, out, key, MAX_ENVELOPE_PLAINTEXT / 3L * 4 + 65536);
    }
    throw new ExportDecryptionException(head.length == 0 ? "the file is empty, not an"
        + " encrypted export" : "not an encrypted export: it starts with neither the streaming"
        + " format's magic HLXAEAD1 nor a JSON envelope");
  }

  private static int firstNonSpace(byte[] head) {
    for (byte x : head) {
      if (x != ' ' && x != '\n' && x != '\r' && x != '\t') {
        return x;
      }
    }
    return -1;
  }

  Mode mode() {
    return mode;
  }

  int segmentSize() {
    return segmentSize;
  }

  int envelopeThreshold() {
    return envelopeThreshold;
  }

  SecureRandom random() {
    return random;
  }

  ExportKey key() {
    return key;
  }

  /** Builds an {@link ExportEncryption}; each setter rejects a bad value at once. */
  public static final class Builder {
    private final ExportKey key;
    private Mode mode = Mode.AUTO;
    private int segmentSize = DEFAULT_SEGMENT_SIZE;
    private int envelopeThreshold = DEFAULT_ENVELOPE_THRESHOLD;
    private SecureRandom random;

    private Builder(ExportKey key) {
      Objects.requireNonNull(key, "key");
      if (key.keyId().isEmpty()) {
        throw new IllegalArgumentException("an encryption key needs a key id (it is recorded"
            + " in every file so recipients can pick the key)");
      }
      this.key = key;
    }

    /**
     * Which format to write (default {@link Mode#AUTO}).
     *
     * @param mode the mode
     * @return this builder
     */
    public Builder mode(Mode mode) {
      this.mode = Objects.requireNonNull(mode, "mode");
      return this;
    }

    /**
     * Plaintext bytes per segment of the streaming format, 64 B .. 64 MiB.
     *
     * @param bytes the segment size
     * @return this builder
     */
    public Builder segmentSize(int bytes) {
      if (bytes < StreamFormat.MIN_SEGMENT || bytes > StreamFormat.MAX_SEGMENT) {
        throw new IllegalArgumentException("segmentSize must be " + StreamFormat.MIN_SEGMENT
            + ".." + StreamFormat.MAX_SEGMENT + " bytes, got " + bytes);
      }
      this.segmentSize = bytes;
      return this;
    }

    /**
     * Largest plaintext written as an envelope (held in memory while it is written), 0 .. 64
     * MiB.
     *
     * @param bytes the threshold
     * @return this builder
     */
    public Builder envelopeThreshold(int bytes) {
      if (bytes < 0 || bytes > MAX_ENVELOPE_PLAINTEXT) {
        throw new IllegalArgumentException("envelopeThreshold must be 0.."
            + MAX_ENVELOPE_PLAINTEXT + " bytes, got " + bytes);
      }
      this.envelopeThreshold = bytes;
      return this;
    }

    /**
     * The source of IVs, salts and nonce prefixes (a {@link SecureRandom}; tests seed one).
     *
     * @param random the randomness
     * @return this builder
     */
    public Builder random(SecureRandom random) {
      this.random = Objects.requireNonNull(random, "random");
      return this;
    }

    /**
     * Builds the encryption, with a new {@link SecureRandom} unless one was set.
     *
     * @return the encryption
     */
    public ExportEncryption build() {
      if (random == null) {
        random = new SecureRandom();
      }
      return new ExportEncryption(this);
    }
  }
}
