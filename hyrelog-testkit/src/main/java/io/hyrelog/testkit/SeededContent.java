package io.hyrelog.testkit;

import io.hyrelog.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.util.SplittableRandom;

/**
 * Deterministic pseudo-random content of any length, generated as it is read, so tests can
 * store and check objects larger than they want to hold in memory. The same seed and length
 * always give the same bytes.
 */
public final class SeededContent {
  private final long seed;
  private final long length;

  /**
   * The content of {@code length} bytes drawn from {@code seed}.
   *
   * @param seed the seed
   * @param length the length in bytes, not negative
   */
  public SeededContent(long seed, long length) {
    if (length < 0) {
      throw new IllegalArgumentException("length must be >= 0, got " + length);
    }
    this.seed = seed;
    this.length = length;
  }

  /**
   * The content's length in bytes.
   *
   * @return the length
   */
  public long length() {
    return length;
  }

  /**
   * A fresh stream of the content.
   *
   * @return the stream
   */
  public InputStream stream() {
    return new Stream(seed, length, Long.MAX_VALUE);
  }

  /**
   * A stream that throws an {@link IOException} once {@code failAfter} bytes were read.
   *
   * @param failAfter bytes readable before the failure
   * @return the stream
   */
  public InputStream failingAfter(long failAfter) {
    return new Stream(seed, length, failAfter);
  }

  /**
   * SHA-256 of the content, computed here, independently of any store.
   *
   * @return the digest
   */
  public Digest sha256() {
    try (InputStream in = stream()) {
      return sha256(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * SHA-256 and length of a stream read to its end (the caller closes it).
   *
   * @param in the stream
   * @return the digest
   * @throws java.io.IOException when reading fails
   */
  public static Digest sha256(InputStream in) throws IOException {
    MessageDigest md = Digest.newSha256();
    byte[] buf = new byte[64 * 1024];
    for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
      md.update(buf, 0, n);
    }
    return Digest.finish(md);
  }

  /**
   * Number of bytes left in a stream read to its end (the caller closes it).
   *
   * @param in the stream
   * @return the count
   * @throws java.io.IOException when reading fails
   */
  public static long count(InputStream in) throws IOException {
    long total = 0;
    byte[] buf = new byte[64 * 1024];
    for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
      total += n;
    }
    return total;
  }

  private static final class Stream extends InputStream {
    private final SplittableRandom random;
    private final long length;
    private final long failAfter;
    private long position;
    private long word;
    private int wordBytes;
    private boolean closed;

    Stream(long seed, long length, long failAfter) {
      this.random = new SplittableRandom(seed);
      this.length = length;
      this.failAfter = failAfter;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (closed) {
        throw new IOException("stream closed");
      }
      if (len == 0) {
        return 0;
      }
      if (position >= failAfter) {
        throw new IOException("simulated failure of the content stream after " + failAfter
            + " bytes");
      }
      if (position >= length) {
        return -1;
      }
      int n = (int) Math.min(len, Math.min(length - position, failAfter - position));
      for (int i = 0; i < n; i++) {
        if (wordBytes == 0) {
          word = random.nextLong();
          wordBytes = 8;
        }
        b[off + i] = (byte) word;
        word >>>= 8;
        wordBytes--;
      }
      position += n;
      return n;
    }

    @Override
    public void close() {
      closed = true;
    }
  }
}
