package io.hyrelog.archive;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hyrelog.AuditEvent;
import io.hyrelog.Digest;
import io.hyrelog.EventJson;
import io.hyrelog.EventScope;
import io.hyrelog.archive.ArchiveIntegrityException.Problem;
import io.hyrelog.export.JsonlEventReader;
import io.hyrelog.integrity.ChainRange;
import io.hyrelog.integrity.ChainVerifier;
import io.hyrelog.integrity.VerificationReport;
import io.hyrelog.spi.ArchiveObject;
import io.hyrelog.spi.ArchiveObjectNotFoundException;
import io.hyrelog.spi.ArchiveSegment;
import io.hyrelog.spi.ArchiveSegment.Range;
import io.hyrelog.spi.ArchiveStore;
import io.hyrelog.spi.SubjectKey;
import io.hyrelog.spi.SubjectKeyring;
import io.hyrelog.streams.LookAheadIterator;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Reads a stored segment back and verifies it while it streams: every event's hash and link as
 * it is returned, then at the end the object's size and SHA-256 against the catalog's record
 * and the chains inside against the recorded ranges and boundary hashes. The one place that
 * decides whether an archive object can be trusted.
 */
final class SegmentReader {
  /** Subject keys looked up while reading one segment, kept for the next events. */
  private static final int KEY_CACHE = 1024;

  private final ArchiveStore objects;
  private final SubjectKeyring keys;

  /**
   * A reader; with {@code keys} (may be null), {@link #read(ArchiveSegment, boolean)} can open
   * sealed personal values.
   */
  SegmentReader(ArchiveStore objects, SubjectKeyring keys) {
    this.objects = objects;
    this.keys = keys;
  }

  /** As {@link #read(ArchiveSegment, boolean)} without opening sealed values (verification). */
  Stream<AuditEvent> read(ArchiveSegment seg) {
    return read(seg, false);
  }

  /**
   * The segment's events in file order, each verified before it is returned; the stream fails
   * with {@link ArchiveIntegrityException} at the first problem, and at its end when the object's
   * size, SHA-256 or ranges do not match the record. Memory is independent of the segment's size.
   * The caller closes the stream.
   *
   * <p>Sealed personal values ({@link SubjectSeal}) read as erased unless {@code open} is set
   * and this reader has subject keys: then each is opened where all its keys exist (a value that
   * does not open fails the stream with {@link Problem#SEALED_VALUE_INVALID}).
   */
  Stream<AuditEvent> read(ArchiveSegment seg, boolean open) {
    ArchiveObject recorded = seg.object().orElseThrow(() -> new IllegalStateException(
        "segment " + seg.id() + " was never uploaded"));
    InputStream raw;
    try {
      raw = objects.open(seg.key());
    } catch (ArchiveObjectNotFoundException e) {
      throw new ArchiveIntegrityException(Problem.OBJECT_MISSING,
          "archive object " + seg.key() + " does not exist");
    } catch (IOException | RuntimeException e) {
      throw new ArchiveIntegrityException(Problem.UNREADABLE,
          "cannot read archive object " + seg.key() + ": " + e.getMessage(), e);
    }
    MessageDigest sha = Digest.newSha256();
    long[] size = {0};
    InputStream hashing = new FilterInputStream(raw) {
      @Override
      public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
          sha.update((byte) b);
          size[0]++;
        }
        return b;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0) {
          sha.update(b, off, n);
          size[0] += n;
        }
        return n;
      }
    };
    JsonlEventReader reader = new JsonlEventReader(hashing);
    ChainVerifier verifier = ChainVerifier.builder()
        .expectChains(seg.ranges().stream().map(Range::workspaceId).toList()).build();
    Iterator<JsonlEventReader.Line> lines;
    try {
      lines = reader.iterator(); // reads the first line
    } catch (UncheckedIOException e) {
      try {
        reader.close();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw new ArchiveIntegrityException(Problem.UNREADABLE,
          "cannot read archive object " + seg.key() + ": " + e.getMessage(), e);
    }
    Map<UUID, Optional<SubjectKey>> keyCache = new LinkedHashMap<>(64, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<UUID, Optional<SubjectKey>> eldest) {
        return size() > KEY_CACHE;
      }
    };
    LookAheadIterator<AuditEvent> it = new LookAheadIterator<>() {
      @Override
      protected AuditEvent computeNext() {
        boolean more;
        try {
          more = lines.hasNext();
        } catch (UncheckedIOException e) {
          throw new ArchiveIntegrityException(Problem.UNREADABLE,
              "cannot read archive object " + seg.key() + ": " + e.getMessage(), e);
        }
        if (!more) {
          AuditEvent end = endOfData(); // a failing check below ends the stream too
          finish(seg, recorded, verifier.finish(), Digest.finish(sha), size[0]);
          return end;
        }
        JsonlEventReader.Line line;
        try {
          line = lines.next();
        } catch (UncheckedIOException e) {
          throw new ArchiveIntegrityException(Problem.UNREADABLE,
              "cannot read archive object " + seg.key() + ": " + e.getMessage(), e);
        }
        boolean ok = line.error() != null ? verifier.malformed(line.number(), line.error())
            : verifier.accept(line.tree(), line.number());
        if (!ok) {
          VerificationReport r = verifier.finish();
          throw new ArchiveIntegrityException(Problem.CHAIN_INVALID, "archive object "
              + seg.key() + ": " + r.failure().map(Object::toString).orElse("invalid"));
        }
        if (open && keys != null && line.tree().has(EventJson.SUBJECT_KEYS)) {
          return opened(seg, (ObjectNode) line.tree(), keyCache);
        }
        return line.event();
      }
    };
    return it.stream().onClose(() -> {
          try {
            reader.close();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }

  /** The verified event with its sealed values opened where the keys exist. */
  private AuditEvent opened(ArchiveSegment seg, ObjectNode tree,
      Map<UUID, Optional<SubjectKey>> cache) {
    EventScope ws = EventScope.workspace(seg.companyId(),
        UUID.fromString(tree.get("workspaceId").textValue()));
    try {
      return EventJson.fromTree(SubjectSeal.open(tree,
          id -> cache.computeIfAbsent(id, k -> keys.key(ws, k))));
    } catch (SealedValueException e) {
      throw new ArchiveIntegrityException(Problem.SEALED_VALUE_INVALID, "archive object "
          + seg.key() + ": " + e.getMessage(), e);
    }
  }

  private static void finish(ArchiveSegment seg, ArchiveObject recorded, VerificationReport report,
      Digest sha, long size) {
    if (size != recorded.size()) {
      throw new ArchiveIntegrityException(Problem.SIZE_MISMATCH, "archive object " + seg.key()
          + " has " + size + " bytes, recorded " + recorded.size());
    }
    if (!sha.equals(recorded.sha256())) {
      throw new ArchiveIntegrityException(Problem.SHA256_MISMATCH, "archive object " + seg.key()
          + " hashes to " + sha.hex() + ", recorded " + recorded.sha256().hex());
    }
    if (!report.ok()) {
      throw new ArchiveIntegrityException(Problem.CHAIN_INVALID, "archive object " + seg.key()
          + ": " + report.failure().orElseThrow());
    }
    Map<UUID, ChainRange> seen = new HashMap<>();
    report.chains().forEach(c -> seen.put(c.chainId(), c));
    for (Range r : seg.ranges()) {
      ChainRange c = seen.remove(r.workspaceId());
      if (c == null || c.firstSeq() != r.fromSeq() || c.lastSeq() != r.toSeq()) {
        throw new ArchiveIntegrityException(Problem.RANGE_MISMATCH, "archive object " + seg.key()
            + " holds " + (c == null ? "no events" : "seqs " + c.firstSeq() + ".." + c.lastSeq())
            + " of chain " + r.workspaceId() + ", recorded " + r.fromSeq() + ".." + r.toSeq());
      }
      if (!c.firstPrevHash().equals(r.firstPrevHash()) || !c.headHash().equals(r.lastHash())) {
        throw new ArchiveIntegrityException(Problem.RANGE_MISMATCH, "archive object " + seg.key()
            + ": chain " + r.workspaceId() + " does not link to the recorded boundary hashes");
      }
    }
    if (!seen.isEmpty()) {
      throw new ArchiveIntegrityException(Problem.RANGE_MISMATCH, "archive object " + seg.key()
          + " holds chains the record does not name: " + seen.keySet());
    }
  }

}
