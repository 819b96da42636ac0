package io.hyrelog.export;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hyrelog.AuditEvent;
import io.hyrelog.EventJson;
import java.io.Closeable;
import java.io.Flushable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * Writes the JSONL export format: one event per line in its {@link EventJson} form (every stored
 * field, the chain fields, and the salts of personal values not erased), UTF-8, each line ended
 * by {@code \n}. Streams: memory does not grow with the number of events. Not thread-safe.
 *
 * <p>{@link #close()} flushes and closes the underlying stream.
 */
public final class JsonlEventWriter implements Closeable, Flushable {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final OutputStream out;
  private final JsonGenerator gen;
  private long count;

  /**
   * A writer of one event per line, to {@code out}; close it to flush and close {@code out}.
   *
   * @param out where to write
   */
  public JsonlEventWriter(OutputStream out) {
    this.out = out;
    try {
      this.gen = MAPPER.getFactory().createGenerator(out, JsonEncoding.UTF8)
          .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)
          .setRootValueSeparator(null);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Writes one event line.
   *
   * @param e the event
   * @throws java.io.IOException when writing fails
   */
  public void write(AuditEvent e) throws IOException {
    write(EventJson.toTree(e));
  }

  /**
   * Writes one event line already in JSON form (e.g. an archived event with sealed personal
   * values, {@link io.hyrelog.archive.SubjectSeal}).
   *
   * @param event the event's JSON form
   * @throws java.io.IOException when writing fails
   */
  public void write(com.fasterxml.jackson.databind.node.ObjectNode event) throws IOException {
    MAPPER.writeTree(gen, event);
    gen.writeRaw('\n');
    count++;
  }

  /**
   * Lines written so far.
   *
   * @return the number of lines
   */
  public long count() {
    return count;
  }

  @Override
  public void flush() throws IOException {
    gen.flush();
  }

  @Override
  public void close() throws IOException {
    try {
      gen.close();
    } finally {
      out.close();
    }
  }
}
