package io.hyrelog.compliance.export;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * 1 GiB through the streaming format, from a generator to a verifying sink. The module's
 * surefire runs with {@code -Xmx64m}, so the test can only pass in memory constant in the size.
 */
class StreamingGigabyteTest {
  static final long SIZE = 1L << 30;

  static byte at(long p) {
    return (byte) (p * 31 + (p >>> 13));
  }

  @Test
  void stream_oneGibibyte_roundTripsInConstantMemory() throws Exception {
    assertThat(Runtime.getRuntime().maxMemory()).isLessThan(SIZE / 4);
    PipedInputStream cipherIn = new PipedInputStream(1 << 20);
    PipedOutputStream cipherOut = new PipedOutputStream(cipherIn);
    ExportEncryption enc = ExportEncryption.builder(ExportEncryptionTest.KEY)
        .random(ExportEncryptionTest.seeded(1)).build();
    CompletableFuture<Long> writer = CompletableFuture.supplyAsync(() -> {
      try (EncryptingOutputStream s = enc.open(cipherOut, ExportEncryptionTest.D);
          InputStream gen = new Generator(SIZE)) {
        gen.transferTo(s);
        s.close();
        assertThat(s.format()).contains(EncryptedFormat.STREAM);
        return s.plaintextBytes();
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    VerifyingSink sink = new VerifyingSink();
    Decrypted d = ExportEncryption.decrypt(cipherIn, sink, ExportEncryptionTest.KEY);
    assertThat(writer.get()).isEqualTo(SIZE);
    assertThat(d.plaintextBytes()).isEqualTo(SIZE);
    assertThat(sink.count).isEqualTo(SIZE);
  }

  static final class Generator extends InputStream {
    private final long size;
    private long pos;

    Generator(long size) {
      this.size = size;
    }

    @Override
    public int read() {
      return pos < size ? at(pos++) & 0xff : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (pos >= size) {
        return -1;
      }
      int n = (int) Math.min(len, size - pos);
      for (int i = 0; i < n; i++) {
        b[off + i] = at(pos++);
      }
      return n;
    }
  }

  static final class VerifyingSink extends OutputStream {
    long count;

    @Override
    public void write(int b) {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      for (int i = 0; i < len; i++) {
        if (b[off + i] != at(count)) {
          throw new AssertionError("byte " + count + " differs");
        }
        count++;
      }
    }
  }
}
