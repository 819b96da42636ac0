package io.hyrelog.spi;

import io.hyrelog.AuditEvent;
import io.hyrelog.HyrelogException;
import io.hyrelog.Jcs;
import java.time.Instant;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Export jobs, and the reads of the events' own storage an export needs: the chain heads a job
 * fixes at creation, a bounded count of what it would export, and per-chain reads over one
 * consistent view of the hot events ({@link HotSnapshot}). The testkit's {@code
 * ExportJobsContract} checks every implementation.
 *
 * <h2>Guarantees</h2>
 * <ul>
 *   <li>Implementations MUST be thread-safe (a {@link HotSnapshot} is not) and safe when several
 *       processes share the storage; every method is atomic.
 *   <li>A job is stored whole with its heads and segments, which never change; only its
 *       progress ({@link #started}, {@link #finished}) does. Job ids are unique.
 *   <li>Reads are scoped: {@link #find} returns a job only to its own company; event reads
 *       return only events inside the filter's {@link EventQuery#scope() scope}.
 *   <li>Instants keep microsecond precision (finer digits MAY be lost).
 * </ul>
 *
 * <h2>References</h2>
 * A job names an existing company and, when scoped to one, an existing workspace of it; callers
 * MUST keep to this (an adapter with foreign keys refuses anything else with a {@link
 * HyrelogException}).
 */
public interface ExportJobs {
  /**
   * The order of chains in an export: by the workspace id's canonical text, which is
   * PostgreSQL's {@code uuid} order ({@link UUID#compareTo} compares signed longs and differs).
   */
  Comparator<UUID> CHAIN_ORDER = Comparator.comparing(UUID::toString);

  /** What a job reads: {@code HOT}, {@code ARCHIVED} or {@code HOT_AND_ARCHIVED}. */
  Set<String> SOURCES = Set.of("HOT", "ARCHIVED", "HOT_AND_ARCHIVED");
  /**
   * How a job writes: {@code JSONL}, {@code JSONL_PROOFS} (JSONL with per-event inclusion proofs
   * offered beside it), {@code CSV}, or {@code CSV_SAFE} (spreadsheet-safe).
   */
  /** The longest {@link Job#requestedBy}. */
  int MAX_REQUESTED_BY = 200;
  /** Formats of a job. */
  Set<String> FORMATS = Set.of("JSONL", "JSONL_PROOFS", "CSV", "CSV_SAFE");
  /** Where a job stands: {@code PENDING}, {@code RUNNING}, {@code COMPLETED}, {@code FAILED}. */
  Set<String> STATUSES = Set.of("PENDING", "RUNNING", "COMPLETED", "FAILED");

  /**
   * A stored export job.
   *
   * @param scopeWorkspaceId the workspace of the workspace key that created it, or {@code null}
   *     for a company key (then any key of the company sees it)
   * @param keyId the key that created it, or {@code null} when a dashboard user did
   * @param requestedBy the dashboard user who created it ({@value #MAX_REQUESTED_BY} characters
   *     at most), exactly when {@code keyId} is {@code null}
   * @param source one of {@link #SOURCES}
   * @param format one of {@link #FORMATS}
   * @param filters the request's filters, a JSON object text kept as given
   * @param rowLimit the most rows one download writes (at least 1), or {@code null} for none
   * @param heads the head seq (at least 1) of each chain in scope at creation, in {@link
   *     #CHAIN_ORDER}
   * @param segmentIds the archive segments the job reads, in the order they are read
   * @param status one of {@link #STATUSES}
   * @param rowsExported rows the last download wrote
   * @param bytes bytes the last download wrote
   * @param truncated whether the last download stopped at the row limit
   * @param downloads how many downloads started
   * @param startedAt when the last download started, or {@code null}
   * @param finishedAt when the last download ended, or {@code null}
   * @param error why the last download failed, exactly when the status is {@code FAILED}
   * @param id the job's id
   * @param companyId the company that owns it
   * @param createdAt when it was created
   */
  record Job(UUID id, UUID companyId, UUID scopeWorkspaceId, UUID keyId, String requestedBy,
      String source,
      String format, String filters, Long rowLimit, Map<UUID, Long> heads,
      List<UUID> segmentIds, String status, long rowsExported, long bytes, boolean truncated,
      int downloads, Instant createdAt, Instant startedAt, Instant finishedAt, String error) {
    /**
     * Validates the job.
     *
     * @param id the job's id
     * @param companyId the company that owns it
     * @param scopeWorkspaceId the workspace of the workspace key that created it, or
     *     {@code null} for a company key (then any key of the company sees it)
     * @param keyId the key that created it, or {@code null} when a dashboard user did
     * @param requestedBy the dashboard user who created it, exactly when {@code keyId} is
     *     {@code null}
     * @param source one of {@link #SOURCES}
     * @param format one of {@link #FORMATS}
     * @param filters the request's filters, a JSON object text kept as given
     * @param rowLimit the most rows one download writes (at least 1), or {@code null} for none
     * @param heads the head seq (at least 1) of each chain in scope at creation, in
     *     {@link #CHAIN_ORDER}
     * @param segmentIds the archive segments the job reads, in the order they are read
     * @param status one of {@link #STATUSES}
     * @param rowsExported rows the last download wrote
     * @param bytes bytes the last download wrote
     * @param truncated whether the last download stopped at the row limit
     * @param downloads how many downloads started
     * @param createdAt when it was created
     * @param startedAt when the last download started, or {@code null}
     * @param finishedAt when the last download ended, or {@code null}
     * @param error why the last download failed, exactly when the status is {@code FAILED}
     */
    public Job {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(companyId, "companyId");
      if ((keyId == null) == (requestedBy == null)) {
        throw new IllegalArgumentException("export job " + id + " needs exactly one of keyId"
            + " and requestedBy");
      }
      if (requestedBy != null && (requestedBy.isBlank()
          || requestedBy.length() > MAX_REQUESTED_BY)) {
        throw new IllegalArgumentException("requestedBy must be 1.." + MAX_REQUESTED_BY
            + " characters, got " + requestedBy.length());
      }
      requireOneOf("source", source, SOURCES);
      requireOneOf("format", format, FORMATS);
      Objects.requireNonNull(filters, "filters");
      if (!Jcs.parse(filters).isObject()) {
        throw new IllegalArgumentException("filters must be a JSON object, export job " + id);
      }
      if (rowLimit != null && rowLimit < 1) {
        throw new IllegalArgumentException("rowLimit must be >= 1 or null, got " + rowLimit);
      }
      TreeMap<UUID, Long> h = new TreeMap<>(CHAIN_ORDER);
      heads.forEach((ws, seq) -> {
        if (seq == null || seq < 1) {
          throw new IllegalArgumentException("the head of chain " + ws + " must be >= 1, got "
              + seq);
        }
        h.put(Objects.requireNonNull(ws, "heads' workspace id"), seq);
      });
      heads = Collections.unmodifiableSortedMap(h);
      segmentIds = List.copyOf(segmentIds);
      requireOneOf("status", status, STATUSES);
      if (rowsExported < 0 || bytes < 0 || downloads < 0) {
        throw new IllegalArgumentException("rowsExported, bytes and downloads are >= 0, got "
            + rowsExported + ", " + bytes + " and " + downloads);
      }
      Objects.requireNonNull(createdAt, "createdAt");
      if (status.equals("FAILED") != (error != null)) {
        throw new IllegalArgumentException("an export job has an error exactly when it is"
            + " FAILED, got status " + status);
      }
    }

    private static void requireOneOf(String name, String value, Set<String> allowed) {
      if (!allowed.contains(Objects.requireNonNull(value, name))) {
        throw new IllegalArgumentException(name + " must be one of "
            + allowed.stream().sorted().toList() + ", got '" + value + "'");
      }
    }
  }

  /**
   * Stores a new job with its heads and segments, atomically.
   *
   * @param j the job
   * @throws AlreadyStoredException when a job with its id is stored
   */
  void insert(Job j);

  /**
   * The job with {@code id} if it belongs to {@code companyId}; empty otherwise.
   *
   * @param companyId the company asking
   * @param id the job's id
   * @return the job, or empty
   */
  Optional<Job> find(UUID companyId, UUID id);

  /**
   * A download of the job started: {@code RUNNING} since {@code at}, one more download, no end
   * and no error.
   *
   * @param id the job's id
   * @param at when the download started
   * @throws HyrelogException when the job is not stored
   */
  void started(UUID id, Instant at);

  /**
   * A download ended at {@code at}: {@code COMPLETED} when {@code error} is null, else {@code
   * FAILED} with it, recording rows, bytes and whether the row limit cut it.
   *
   * @param id the job's id
   * @param rows how many rows were written
   * @param bytes how many bytes were written
   * @param truncated whether the row limit cut the download
   * @param at when the download ended
   * @param error why it failed, or null when it completed
   * @throws HyrelogException when the job is not stored
   */
  void finished(UUID id, long rows, long bytes, boolean truncated, Instant at, String error);

  /**
   * The head seq of every chain of a company that holds events (or of one of its workspaces,
   * when {@code workspaceIdOrNull} is given), in {@link #CHAIN_ORDER}. A chain whose events
   * were all archived and purged keeps its head.
   *
   * @param companyId the company
   * @param workspaceIdOrNull one workspace, or null for all of the company's
   * @return the head seq by chain id
   */
  SortedMap<UUID, Long> heads(UUID companyId, UUID workspaceIdOrNull);

  /**
   * How many stored (hot) events match {@code filter} (scope and filters; its limit and cursor
   * are ignored) with a seq at most their chain's head in {@code heads}, counting no further
   * than {@code max}: a bounded scan. Chains not in {@code heads} count nothing.
   *
   * @param filter the scope and filters
   * @param heads the head seq to count up to, by chain id
   * @param max the most to count
   * @return the count, at most {@code max}
   * @throws IllegalArgumentException when {@code max} is negative
   */
  long countUpTo(EventQuery filter, Map<UUID, Long> heads, long max);

  /**
   * Opens a consistent view of the hot events: every read through it sees the storage as it
   * was at its first read, so events purged (after archival) meanwhile are still seen and none
   * appears twice. Close it to release it.
   *
   * @return the view; close it
   */
  HotSnapshot snapshot();

  /**
   * Per-chain reads over one consistent view of the hot events ({@link #snapshot()}); one open
   * stream at a time. Not thread-safe.
   */
  interface HotSnapshot extends AutoCloseable {
    /**
     * The lowest stored seq of a chain in {@code after+1..upTo}, whatever the filters: where
     * the hot part of the chain starts (lower seqs were purged after archival).
     *
     * @param chain the chain's id
     * @param after the seq before the range
     * @param upTo the last seq of the range
     * @return the lowest stored seq in the range, or empty
     */
    OptionalLong firstSeq(UUID chain, long after, long upTo);

    /**
     * The events of one chain with seq in {@code after+1..upTo} that match {@code filter}
     * (scope and filters), in seq order, streamed in memory independent of their number. Close
     * the stream before the next read.
     *
     * @param chain the chain's id
     * @param after the seq before the range
     * @param upTo the last seq of the range
     * @param filter the scope and filters
     * @return the matching events; close the stream
     */
    Stream<AuditEvent> read(UUID chain, long after, long upTo, EventQuery filter);

    @Override
    void close();
  }
}
