package io.hyrelog.spi;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hyrelog.Actor;
import io.hyrelog.RequestContext;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A transactional outbox of administrative changes: a change to the tenancy data (a company, a
 * plan, a key, a webhook endpoint …) and the record of it, which a server later appends to the
 * company's system chain, commit together or not at all. The testkit's {@code
 * ChangeLogContract} checks every implementation.
 *
 * <h2>Guarantees</h2>
 * <ul>
 *   <li><b>Atomic</b>: {@link #atomically} runs a unit of work; the records it writes with
 *       {@link #record}, and every change it makes on the calling thread through the same
 *       storage (for the PostgreSQL adapter: every HyreLog store on the same data source and
 *       schema), are kept when it returns and all discarded when it throws. A nested call joins
 *       the unit it runs in.
 *   <li><b>Ordered</b>: the records of one company are {@link #drain drained} in the order their
 *       units committed, also when units of several processes commit concurrently.
 *   <li><b>Kept until appended</b>: a record stays until a {@link #drain} passed it to its
 *       consumer without an exception; a consumer that throws, or a process that dies during a
 *       drain, leaves it (and the records after it) for a later drain. A record can therefore
 *       reach a consumer more than once: the consumer MUST be idempotent by {@link Change#id()}
 *       (the server appends with an idempotency key made of it).
 *   <li><b>One drain per company at a time</b>: of concurrent drains of one company (threads or
 *       processes) one passes the pending records; the others wait for it and then pass only
 *       what it left.
 *   <li>Implementations MUST be thread-safe and safe when several processes share the
 *       storage. Instants keep microsecond precision; details read back equal those recorded.
 * </ul>
 * Failures of the storage itself are {@link io.hyrelog.HyrelogException}s.
 */
public interface ChangeLog {
  /** The most records one {@link #drain} passes, and the most companies {@link #pending} lists. */
  int MAX_LIMIT = 500;

  /**
   * One administrative change, as recorded in the unit of work that made it. Holds ids,
   * prefixes, enums and numbers: never a secret, a URL or a payload.
   *
   * @param id the record's id (a UUIDv7 from the recording process); unique
   * @param companyId the company whose system chain the change belongs to
   * @param at when it was recorded (truncated to microseconds)
   * @param action the action's name, e.g. {@code key.revoke}
   * @param actor who made it
   * @param target what it acted on ({@code kind:id}), if anything
   * @param details ids, prefixes, enums and numbers; copied in and out
   * @param context the request it came with, if any
   */
  record Change(UUID id, UUID companyId, Instant at, String action, Actor actor,
      Optional<String> target, ObjectNode details, Optional<RequestContext> context) {
    /**
     * Validates the record, truncates {@code at} and copies {@code details}.
     *
     * @param id the record's id
     * @param companyId the company
     * @param at when it was recorded
     * @param action the action's name, 1 to 200 characters
     * @param actor who made it, with an id
     * @param target what it acted on, if anything (1 to 200 characters)
     * @param details a JSON object
     * @param context the request, if any
     * @throws IllegalArgumentException naming the bad parameter
     */
    public Change {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(companyId, "companyId");
      at = Objects.requireNonNull(at, "at").truncatedTo(ChronoUnit.MICROS);
      requireText("action", action);
      Objects.requireNonNull(actor, "actor");
      if (actor.id() == null || actor.id().isEmpty()) {
        throw new IllegalArgumentException("actor must have an id");
      }
      Objects.requireNonNull(target, "target");
      target.ifPresent(t -> requireText("target", t));
      details = Objects.requireNonNull(details, "details").deepCopy();
      context = Objects.requireNonNull(context, "context").filter(c -> !c.isEmpty());
    }

    /**
     * The details.
     *
     * @return a copy of the details
     */
    @Override
    public ObjectNode details() {
      return details.deepCopy();
    }

    private static void requireText(String parameter, String value) {
      Objects.requireNonNull(value, parameter);
      if (value.isEmpty() || value.length() > 200) {
        throw new IllegalArgumentException(parameter + " must have 1 to 200 characters, got "
            + value.length());
      }
    }
  }

  /**
   * Runs {@code work} as one unit: its records and its changes through the same storage on the
   * calling thread commit when it returns and are discarded when it throws (the exception passes
   * unchanged). Inside a unit, a nested call joins it.
   *
   * @param work the change and its records
   * @param <T> what {@code work} returns
   * @return what {@code work} returned
   */
  <T> T atomically(Supplier<T> work);

  /**
   * Writes one record into the unit of work of the calling thread.
   *
   * @param change the record
   * @throws IllegalStateException outside {@link #atomically}
   * @throws AlreadyStoredException when a record with its id is stored
   */
  void record(Change change);

  /**
   * The companies with records waiting to be drained, at most {@code limit}, oldest record
   * first.
   *
   * @param limit 1 to {@link #MAX_LIMIT}
   * @return the companies' ids
   */
  List<UUID> pending(int limit);

  /**
   * Passes up to {@code limit} of {@code companyId}'s waiting records to {@code append}, in
   * commit order, removing each one after {@code append} returned; stops at the first record
   * {@code append} throws for, keeps it, and rethrows once the removals are durable. Waits for
   * a concurrent drain of the same company.
   *
   * @param companyId the company
   * @param limit 1 to {@link #MAX_LIMIT}
   * @param append appends one record to the company's system chain; MUST be idempotent by
   *     {@link Change#id()}
   * @return how many records were passed and removed
   * @throws IllegalStateException inside {@link #atomically}: records are drained only after
   *     their unit committed
   */
  int drain(UUID companyId, int limit, Consumer<Change> append);

  /**
   * Checks a {@code limit} argument.
   *
   * @param limit the value
   * @return {@code limit}
   * @throws IllegalArgumentException unless it is 1 to {@link #MAX_LIMIT}
   */
  static int requireLimit(int limit) {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException("limit must be 1.." + MAX_LIMIT + ", got " + limit);
    }
    return limit;
  }
}
