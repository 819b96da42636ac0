package io.hyrelog.archive;

import io.hyrelog.AuditEvent;
import io.hyrelog.DataSubject;
import io.hyrelog.EventScope;
import io.hyrelog.export.JsonlEventWriter;
import io.hyrelog.spi.ArchiveObject;
import io.hyrelog.spi.ArchiveSegment;
import io.hyrelog.spi.ArchiveSegment.Range;
import io.hyrelog.spi.ArchiveStore;
import io.hyrelog.spi.EventStore;
import io.hyrelog.spi.SubjectKey;
import io.hyrelog.spi.SubjectKeyring;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

/**
 * Writes one planned segment: its chain ranges read from the hot store, as gzipped JSONL, piped
 * into {@link ArchiveStore#put} by a producer thread. Memory is the pipe's and gzip's buffers,
 * whatever the segment's size. A failure to read the events reaches the store as a read error,
 * never as a clean (truncated) end, so no partial object is stored.
 */
final class SegmentWriter {
  private final EventStore events;
  private final ArchiveStore objects;
  private final SubjectKeyring keys;

  /**
   * A writer; with {@code keys}, personal values are sealed per data subject (see {@link
   * SubjectSeal}), without (null) they are written disclosed as in the hot store.
   */
  SegmentWriter(EventStore events, ArchiveStore objects, SubjectKeyring keys) {
    this.events = events;
    this.objects = objects;
    this.keys = keys;
  }

  /**
   * Streams the segment's events from the hot store through gzip into the archive store.
   *
   * @throws io.hyrelog.spi.ArchiveObjectExistsException when the key is taken (a crashed run
   *     stored it)
   */
  ArchiveObject write(ArchiveSegment seg) {
    PipedInputStream in = new PipedInputStream(1 << 16);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread producer;
    try {
      PipedOutputStream pipe = new PipedOutputStream(in);
      producer = new Thread(() -> {
        try {
          writeEvents(seg, pipe);
          pipe.close();
        } catch (Throwable t) {
          failure.set(t);
          try {
            // Makes the reading side fail instead of seeing a clean (truncated) end.
            in.close();
          } catch (IOException ignored) {
            // closing a pipe end does not fail
          }
        }
      }, "hyrelog-archive-writer");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    producer.setDaemon(true);
    producer.start();
    ArchiveObject stored;
    try (InputStream content = new FailingAtEnd(in, failure)) {
      // Closing the content (also when put fails early) unblocks a producer waiting for space.
      stored = objects.put(seg.key(), content);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write segment " + seg.key(), e);
    } finally {
      try {
        producer.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    // put returned normally: the producer closed the pipe after the last event, or the store
    // would have seen its failure instead of a clean end.
    Throwable t = failure.get();
    if (t != null) {
      throw new IllegalStateException("cannot read the events of segment " + seg.key(), t);
    }
    return stored;
  }

  private void writeEvents(ArchiveSegment seg, OutputStream pipe) throws IOException {
    GZIPOutputStream gz = new GZIPOutputStream(pipe, 1 << 16);
    JsonlEventWriter w = new JsonlEventWriter(gz);
    KeyCache cache = new KeyCache();
    for (Range r : seg.ranges()) {
      long expected = r.fromSeq();
      try (Stream<AuditEvent> s = events.read(EventScope.workspace(seg.companyId(),
          r.workspaceId()), r.fromSeq(), r.toSeq())) {
        Iterator<AuditEvent> it = s.iterator();
        while (it.hasNext()) {
          AuditEvent e = it.next();
          if (e.seq() != expected) {
            throw new IllegalStateException("chain " + r.workspaceId() + " has no hot event "
                + expected + " (found " + e.seq() + "); segment " + seg.key() + " cannot be written");
          }
          write(w, e, cache);
          expected++;
        }
      }
      if (expected != r.toSeq() + 1) {
        throw new IllegalStateException("chain " + r.workspaceId() + " ends at seq "
            + (expected - 1) + " in the hot store, segment " + seg.key() + " needs " + r.toSeq());
      }
    }
    w.close(); // finishes gzip and closes the pipe
  }

  /**
   * Writes one event: with subject keys, its disclosed personal values sealed under the keys of
   * all its subjects, or erased when one of them was destroyed after the event was recorded.
   * An event without subjects has nothing a subject request can select: it is written as stored.
   */
  private void write(JsonlEventWriter w, AuditEvent e, KeyCache cache) throws IOException {
    if (keys == null || !SubjectSeal.hasDisclosedValues(e)) {
      w.write(e);
      return;
    }
    Set<DataSubject> subjects = SubjectSeal.subjects(e);
    if (subjects.isEmpty()) {
      w.write(e);
      return;
    }
    List<SubjectKey> cached = cache.keys(e, subjects);
    if (cached != null) {
      w.write(SubjectSeal.seal(e, cached));
      return;
    }
    Optional<Map<DataSubject, SubjectKey>> sealing = keys.sealingKeys(
        EventScope.workspace(e.companyId(), e.workspaceId()), subjects, e.recordedAt());
    if (sealing.isEmpty()) {
      w.write(e.erasePersonalData());
    } else {
      cache.put(e, sealing.get());
      w.write(SubjectSeal.seal(e, List.copyOf(sealing.get().values())));
    }
  }

  /**
   * The keys found so far while writing one segment, so a subject's events cost one lookup:
   * a key found for an event recorded at t serves the same subject's events of the workspace
   * recorded at t or later. That is sound: no tombstone dated at or after t existed when it
   * was found, and a destruction after that deleted the key, so values sealed under it are
   * unreadable, as they must be (the events a segment holds are days old, older than any
   * destruction racing its write). Bounded; the least recently used entries go first.
   */
  private static final class KeyCache {
    private static final int MAX = 4096;
    private final Map<List<Object>, Found> found = new LinkedHashMap<>(64, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<List<Object>, Found> eldest) {
        return size() > MAX;
      }
    };

    private record Found(SubjectKey key, Instant at) {}

    /** Every subject's cached key, or null when one is not cached for this event. */
    List<SubjectKey> keys(AuditEvent e, Set<DataSubject> subjects) {
      List<SubjectKey> out = new ArrayList<>(subjects.size());
      for (DataSubject s : subjects) {
        Found f = found.get(List.of(e.workspaceId(), s));
        if (f == null || e.recordedAt().isBefore(f.at())) {
          return null;
        }
        out.add(f.key());
      }
      return out;
    }

    void put(AuditEvent e, Map<DataSubject, SubjectKey> keys) {
      keys.forEach((s, k) -> found.put(List.of(e.workspaceId(), s),
          new Found(k, e.recordedAt())));
    }
  }

  /** Rethrows the producer's failure to the store instead of a clean end of stream. */
  private static final class FailingAtEnd extends FilterInputStream {
    private final AtomicReference<Throwable> failure;

    FailingAtEnd(InputStream in, AtomicReference<Throwable> failure) {
      super(in);
      this.failure = failure;
    }

    @Override
    public int read() throws IOException {
      return guarded(() -> super.read());
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      return guarded(() -> super.read(b, off, len));
    }

    private int guarded(IoRead r) throws IOException {
      int n;
      try {
        n = r.read();
      } catch (IOException e) {
        throw failed(e);
      }
      if (n < 0 && failure.get() != null) {
        throw failed(null);
      }
      return n;
    }

    private IOException failed(IOException cause) {
      Throwable t = failure.get();
      if (t == null) {
        return cause;
      }
      return t instanceof InterruptedIOException io ? io
          : new IOException("the segment's events could not be read: " + t.getMessage(), t);
    }

    private interface IoRead {
      int read() throws IOException;
    }
  }
}
