package io.hyrelog.spi;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The dashboard's admin audit log: every action of a dashboard user, allowed or refused, in the
 * order it was appended. The testkit's {@code AdminAuditLogContract} checks every
 * implementation.
 *
 * <h2>Guarantees</h2>
 * <ul>
 *   <li><b>Insert-only</b>: an appended entry never changes and is never removed; this port
 *       has no way to do either, and an implementation SHOULD make its storage refuse it too
 *       (the PostgreSQL adapter's privileges and triggers refuse it even to the table's owner).
 *   <li><b>Ordered ids</b>: {@link #append} assigns each entry an id greater than every id
 *       assigned before it (gaps allowed), also under concurrent appends from several
 *       processes; newest first means by id descending.
 *   <li><b>Scoped reads</b>: a read of one company returns only entries naming that company;
 *       entries that name no company are in no company's read.
 *   <li>Implementations MUST be thread-safe. Instants keep microsecond precision (finer digits
 *       are dropped when appended); details read back equal the JSON object appended.
 * </ul>
 * Failures of the storage itself are {@link io.hyrelog.HyrelogException}s.
 */
public interface AdminAuditLog {
  /** The most entries one page holds. */
  int MAX_LIMIT = 200;

  /**
   * One action of a dashboard user. Holds no secrets and no payloads.
   *
   * @param id assigned by the log in append order (ignored by {@link #append}; 0 in a new
   *     entry)
   * @param companyId the company concerned, if any
   * @param action what was done, e.g. {@code restore_request.approve}
   * @param target what it was done to, e.g. {@code restore_request:<id>}
   * @param outcome {@code OK} or {@code REFUSED}
   * @param details what else the action recorded, a JSON object; copied in and out
   * @param requestId the HTTP request's id
   * @param at when the action happened
   * @param actorUserId the dashboard user's id
   * @param actorEmail the dashboard user's email
   * @param actorRole the dashboard user's role
   */
  record Entry(long id, Instant at, String actorUserId, String actorEmail, String actorRole,
      Optional<UUID> companyId, String action, Optional<String> target, String outcome,
      ObjectNode details, Optional<String> requestId) {
    /** The outcome of an allowed action. */
    public static final String OK = "OK";
    /** The outcome of a refused action. */
    public static final String REFUSED = "REFUSED";

    /**
     * Validates the entry and copies {@code details}.
     *
     * @param id assigned by the log in append order (ignored by {@link #append}; 0 in a new
     *     entry)
     * @param at when the action happened
     * @param actorUserId the dashboard user's id
     * @param actorEmail the dashboard user's email
     * @param actorRole the dashboard user's role
     * @param companyId the company concerned, if any
     * @param action what was done, e.g. {@code restore_request.approve}
     * @param target what it was done to, e.g. {@code restore_request:<id>}
     * @param outcome {@code OK} or {@code REFUSED}
     * @param details what else the action recorded, a JSON object; copied in and out
     * @param requestId the HTTP request's id
     * @throws IllegalArgumentException when {@code id} is negative
     */
    public Entry {
      if (id < 0) {
        throw new IllegalArgumentException("id must be >= 0, got " + id);
      }
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(actorUserId, "actorUserId");
      Objects.requireNonNull(actorEmail, "actorEmail");
      Objects.requireNonNull(actorRole, "actorRole");
      Objects.requireNonNull(companyId, "companyId");
      Objects.requireNonNull(action, "action");
      Objects.requireNonNull(target, "target");
      if (!OK.equals(outcome) && !REFUSED.equals(outcome)) {
        throw new IllegalArgumentException("outcome is OK or REFUSED, got " + outcome);
      }
      details = Objects.requireNonNull(details, "details").deepCopy();
      Objects.requireNonNull(requestId, "requestId");
    }

    /**
     * The details, as a copy the caller may change.
     *
     * @return a deep copy of the details object
     */
    @Override
    public ObjectNode details() {
      return details.deepCopy();
    }

    /**
     * This entry as the log stores it: with {@code id}, its time cut to microseconds.
     *
     * @param id the id the log assigned
     * @return a copy with that id and its time truncated to microseconds
     */
    public Entry stored(long id) {
      return new Entry(id, at.truncatedTo(ChronoUnit.MICROS), actorUserId,
          actorEmail, actorRole, companyId, action, target, outcome, details, requestId);
    }
  }

  /**
   * Appends an entry (its id is ignored), durably when this returns.
   *
   * @param e the entry to append
   * @return the id assigned to it
   */
  long append(Entry e);

  /**
   * A page of entries, newest first: those with an id below {@code before} (all when empty),
   * of one company only when {@code companyId} is given.
   *
   * @param limit 1..{@value #MAX_LIMIT}
   * @param before only entries with a lower id; empty for the newest
   * @param companyId only this company's entries; empty for all companies
   * @return at most {@code limit} entries, newest first
   * @throws IllegalArgumentException when {@code limit} is out of range
   */
  List<Entry> page(OptionalLong before, Optional<UUID> companyId, int limit);

  /**
   * Every entry of one company, oldest first, as the log was when the read began (entries
   * appended meanwhile are not in it). Streams in memory independent of the log's size; the
   * stream holds resources until closed (use try-with-resources); a read failure is thrown by
   * the stream as a {@link io.hyrelog.HyrelogException}.
   *
   * @param companyId the company
   * @return the entries, oldest first; close the stream
   */
  Stream<Entry> read(UUID companyId);

  /**
   * The argument check of {@link #page}.
   *
   * @param limit the requested page size
   * @throws IllegalArgumentException when {@code limit} is not 1..{@value #MAX_LIMIT}
   */
  static void requireLimit(int limit) {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException("limit must be 1.." + MAX_LIMIT + ", got " + limit);
    }
  }
}
