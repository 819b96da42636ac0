package io.hyrelog.compliance.export;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Optional;

/**
 * Encrypts what is written to it (see {@link ExportEncryption#open}). Not thread-safe. After
 * {@link #close()}, {@link #format()} tells which format was written.
 */
public final class EncryptingOutputStream extends OutputStream {
  private final OutputStream sink;
  private final ExportDescriptor descriptor;
  private final ExportEncryption enc;
  private final int envelopeLimit;
  private ByteArrayOutputStream pending;
  private StreamFormat.Writer stream;
  private EncryptedFormat written;
  private long plaintextBytes;
  private boolean closed;

  EncryptingOutputStream(OutputStream sink, ExportDescriptor descriptor, ExportEncryption enc)
      throws IOException {
    this.sink = sink;
    this.descriptor = descriptor;
    this.enc = enc;
    switch (enc.mode()) {
      case STREAM -> {
        envelopeLimit = -1;
        stream = new StreamFormat.Writer(sink, descriptor, enc.key(), enc.segmentSize(),
            enc.random());
      }
      default -> {
        // ENVELOPE and AUTO hold at most the threshold in memory.
        envelopeLimit = enc.envelopeThreshold();
        pending = new ByteArrayOutputStream(Math.min(envelopeLimit, 1 << 16));
      }
    }
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
    plaintextBytes += len;
    if (stream != null) {
      stream.write(b, off, len);
      return;
    }
    if (pending.size() + (long) len <= envelopeLimit) {
      pending.write(b, off, len);
      return;
    }
    if (enc.mode() == ExportEncryption.Mode.ENVELOPE) {
      throw new IOException("the export is larger than the envelope threshold of "
          + envelopeLimit + " bytes; use the streaming format (mode STREAM or AUTO) or raise"
          + " the threshold");
    }
    stream = new StreamFormat.Writer(sink, descriptor, enc.key(), enc.segmentSize(),
        enc.random());
    pending.writeTo(stream);
    pending = null;
    stream.write(b, off, len);
  }

  @Override
  public void flush() throws IOException {
    if (stream != null) {
      stream.flush();
    }
  }

  /** Finishes the file (seals the last segment or writes the envelope) and closes the sink. */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    if (stream != null) {
      stream.close();
      written = EncryptedFormat.STREAM;
      return;
    }
    try (sink) {
      byte[] plain = pending.toByteArray();
      pending = null;
      Envelope.write(sink, descriptor, enc.key(), plain, plain.length, enc.random());
      java.util.Arrays.fill(plain, (byte) 0);
    }
    written = EncryptedFormat.ENVELOPE;
  }

  /**
   * The format written, once closed.
   *
   * @return the format, or empty while open
   */
  public Optional<EncryptedFormat> format() {
    return Optional.ofNullable(written);
  }

  /**
   * Plaintext bytes written so far.
   *
   * @return the byte count
   */
  public long plaintextBytes() {
    return plaintextBytes;
  }
}
