package io.hyrelog.export;

import com.fasterxml.jackson.databind.JsonNode;
import io.hyrelog.EventJson;
import io.hyrelog.InvalidJsonException;
import io.hyrelog.Jcs;
import io.hyrelog.MalformedEventException;
import io.hyrelog.streams.LookAheadIterator;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.zip.GZIPInputStream;

/**
 * Reads the JSONL export format line by line, in memory bounded by the longest line (at most
 * {@link #MAX_LINE_BYTES}). Each line is parsed strictly as I-JSON; a line that is not is
 * returned with its {@link Line#error()} set, so a verifier can report it by line number. A
 * gzip-compressed input is recognized by its magic bytes. Not thread-safe; iterate once.
 */
public final class JsonlEventReader implements Closeable, Iterable<JsonlEventReader.Line> {
  /** Longest line accepted (an event is bounded well below this). */
  public static final int MAX_LINE_BYTES = 4 * 1024 * 1024;

  /** One input line: its 1-based number and either its tree or why it could not be parsed. */
  public record Line(long number, JsonNode tree, String error) {
    /**
     * The line as an event.
     *
     * @return the event
     * @throws MalformedEventException when it is not one
     */
    public io.hyrelog.AuditEvent event() {
      if (error != null) {
        throw new MalformedEventException("", error);
      }
      return EventJson.fromTree(tree);
    }
  }

  private final InputStream in;
  private final CountingInputStream counter;
  private final ByteArrayOutputStream buf = new ByteArrayOutputStream(1024);
  private final byte[] chunk = new byte[1 << 16];
  private int pos;
  private int limit;
  private long lineNumber;
  private boolean iterated;

  /**
   * Reads from {@code in} (gzip or plain, detected). The reader closes {@code in}.
   *
   * @param in the input
   * @throws UncheckedIOException when the gzip header is corrupt
   */
  public JsonlEventReader(InputStream in) {
    try {
      counter = new CountingInputStream(in);
      BufferedInputStream b = new BufferedInputStream(counter, 1 << 16);
      b.mark(2);
      int m1 = b.read();
      int m2 = b.read();
      b.reset();
      this.in = m1 == 0x1f && m2 == 0x8b ? new GZIPInputStream(b, 1 << 16) : b;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the export's first bytes", e);
    }
  }

  /**
   * Opens a file.
   *
   * @param file the file
   * @return a reader; close it
   * @throws java.io.IOException when the file cannot be opened
   */
  public static JsonlEventReader open(Path file) throws IOException {
    return new JsonlEventReader(Files.newInputStream(file));
  }

  /**
   * Bytes consumed from the underlying (possibly compressed) input so far.
   *
   * @return the byte count
   */
  public long bytesRead() {
    return counter.count;
  }

  /**
   * The next line, or {@code null} at the end of input.
   *
   * @return the line, or null
   * @throws UncheckedIOException when reading fails or the gzip stream is corrupt
   */
  public Line next() {
    buf.reset();
    boolean overlong = false;
    try {
      while (true) {
        if (pos == limit) {
          limit = in.read(chunk, 0, chunk.length);
          pos = 0;
          if (limit <= 0) {
            limit = 0;
            if (buf.size() == 0 && !overlong) {
              return null;
            }
            break;
          }
        }
        int nl = -1;
        for (int i = pos; i < limit; i++) {
          if (chunk[i] == '\n') {
            nl = i;
            break;
          }
        }
        int end = nl < 0 ? limit : nl;
        if (!overlong) {
          if (buf.size() + (end - pos) > MAX_LINE_BYTES) {
            overlong = true;
            buf.reset();
          } else {
            buf.write(chunk, pos, end - pos);
          }
        }
        pos = nl < 0 ? limit : nl + 1;
        if (nl >= 0) {
          break;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the export at line " + (lineNumber + 1), e);
    }
    lineNumber++;
    if (overlong) {
      return new Line(lineNumber, null, "line longer than " + MAX_LINE_BYTES + " bytes");
    }
    if (buf.size() == 0) {
      return new Line(lineNumber, null, "empty line");
    }
    try {
      return new Line(lineNumber, Jcs.parse(buf.toByteArray()), null);
    } catch (InvalidJsonException e) {
      return new Line(lineNumber, null, e.getMessage());
    }
  }

  /** Iterates the remaining lines once. */
  @Override
  public Iterator<Line> iterator() {
    if (iterated) {
      throw new IllegalStateException("a JsonlEventReader can be iterated once");
    }
    iterated = true;
    Iterator<Line> lines = new LookAheadIterator<>() {
      @Override
      protected Line computeNext() {
        Line l = JsonlEventReader.this.next();
        return l != null ? l : endOfData();
      }
    };
    lines.hasNext(); // reads the first line now: a reader that fails, fails here
    return lines;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }

  private static final class CountingInputStream extends java.io.FilterInputStream {
    long count;

    CountingInputStream(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int c = super.read();
      if (c >= 0) {
        count++;
      }
      return c;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        count += n;
      }
      return n;
    }
  }

}
