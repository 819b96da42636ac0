package io.hyrelog.spi;

import io.hyrelog.AuditEvent;
import io.hyrelog.ChainHead;
import io.hyrelog.EventScope;
import io.hyrelog.PendingEvent;
import io.hyrelog.WorkspaceRef;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Where events live: one append-only, hash-chained sequence per workspace. This is the contract
 * every adapter implements and the testkit's {@code EventStoreContract} checks. Implementations
 * MUST be thread-safe, and safe when several processes use the same backing storage.
 *
 * <h2>Appending</h2>
 * {@link #append} MUST, atomically and under the chain head's lock:
 * <ul>
 *   <li>give the created events of the batch the seqs head+1, head+2, … in batch order, seal each
 *       with {@link PendingEvent#seal(long, io.hyrelog.Digest)} after the previous one's hash
 *       (the first event of a chain follows {@link io.hyrelog.Digest#ZERO}), and store them;
 *   <li>never fork a chain (two events with one seq) and never leave a gap, whatever the number
 *       of concurrent writers in any number of processes;
 *   <li>treat an event whose idempotency key the chain already holds as a replay when its
 *       {@link PendingEvent#fingerprint()} equals the stored one's — its outcome is the stored
 *       event with {@code created == false} and it takes no seq — and as a conflict otherwise;
 *       the same holds for a key repeated within one batch;
 *   <li>be all-or-nothing: on any exception nothing of the batch is stored, except {@link
 *       AppendOutcomeUnknownException}, after which the batch is wholly stored or not at all.
 * </ul>
 * When {@code append} returns, every created event is durable (it survives a crash of the
 * process and of the storage host, as far as the storage's own durability settings allow; an
 * adapter MUST say loudly when those settings weaken this).
 *
 * <h2>Reading</h2>
 * Reads are scoped: an operation given a scope never returns or touches rows outside it, even
 * when asked for ids that exist in another tenant. Streams hold resources until closed; use
 * try-with-resources. Streams MUST run in memory independent of the number of events.
 */
public interface EventStore {

  /**
   * Appends a batch to the chain of {@code chain.workspaceId()}.
   *
   * @param batch 1 to 1,000 events prepared for this workspace
   * @param chain the workspace whose chain the batch extends
   * @return one outcome per batch entry, in batch order
   * @throws IdempotencyConflictException when a key is reused with a different body
   * @throws StoreOverloadedException when the store is saturated (or did not get to the
   *     append in time); nothing was stored, retry later
   * @throws AppendOutcomeUnknownException when the store cannot tell whether the batch
   *     committed; retry with the same idempotency keys
   * @throws IllegalArgumentException when the batch is empty, too large, or holds an event
   *     prepared for another workspace
   */
  List<AppendOutcome> append(WorkspaceRef chain, List<PendingEvent> batch);

  /**
   * The events of one chain with {@code fromSeq <= seq <= toSeq}, in seq order. A range beyond
   * the head simply ends at the head; an unknown chain gives an empty stream.
   *
   * @param chain a workspace scope
   * @param fromSeq the first seq, at least 1
   * @param toSeq the last seq, at least {@code fromSeq}
   * @return the events in seq order; close the stream
   * @throws IllegalArgumentException when the scope is company-wide or the range is invalid
   *     ({@code fromSeq < 1} or {@code toSeq < fromSeq})
   */
  Stream<AuditEvent> read(EventScope chain, long fromSeq, long toSeq);

  /**
   * The head of a chain, or empty when the chain has no events or is outside the scope.
   *
   * @param chain a workspace scope
   * @return the head, or empty
   */
  Optional<ChainHead> head(EventScope chain);

  /**
   * One event by id, or empty when it does not exist or lies outside {@code scope}.
   *
   * @param scope the scope the event must lie in
   * @param eventId the event's id
   * @return the event, or empty
   */
  Optional<AuditEvent> find(EventScope scope, UUID eventId);

  /** The most ids one {@link #find(EventScope, Collection)} takes. */
  int MAX_FIND = 1000;

  /**
   * Several events by id, in one read where the store can (the default finds them one by one).
   *
   * @param scope the scope the events must lie in
   * @param eventIds the events' ids, at most {@value #MAX_FIND}
   * @return the events found, by id (unknown ids and events outside {@code scope} are absent)
   * @throws IllegalArgumentException when more than {@value #MAX_FIND} ids are given
   */
  default Map<UUID, AuditEvent> find(EventScope scope, Collection<UUID> eventIds) {
    requireFind(eventIds);
    Map<UUID, AuditEvent> out = new HashMap<>();
    for (UUID id : eventIds) {
      find(scope, id).ifPresent(e -> out.put(id, e));
    }
    return out;
  }

  /**
   * Checks {@link #find(EventScope, Collection)}'s ids, for implementations.
   *
   * @param eventIds the ids
   * @throws IllegalArgumentException when more than {@value #MAX_FIND} ids are given
   */
  static void requireFind(Collection<UUID> eventIds) {
    Objects.requireNonNull(eventIds, "eventIds");
    if (eventIds.size() > MAX_FIND) {
      throw new IllegalArgumentException("at most " + MAX_FIND + " event ids, got "
          + eventIds.size());
    }
  }

  /**
   * A page of events matching {@code query}, newest first, in the total order of {@link
   * EventCursor}: paging through every page returns each matching event exactly once, even when
   * many share a timestamp, as long as no event is appended with a timestamp before the cursor.
   *
   * @param query the scope, filters, page size and cursor
   * @return one page and the cursor of the next
   */
  EventPage query(EventQuery query);

  /**
   * The stored Merkle tree of every chain, when this store keeps one (C2SP tiles written in the
   * append transaction; see {@link ChainTree} for the contract); empty when it does not, and
   * {@link io.hyrelog.log.EventLog} then computes checkpoints and proofs by streaming the chain.
   *
   * @return the tree, or empty
   */
  default Optional<ChainTree> tree() {
    return Optional.empty();
  }

  /**
   * The webhook endpoints and deliveries kept beside the events, when this store keeps them
   * (see {@link WebhookStore}: the store then writes a delivery for every enabled endpoint that
   * covers a created event, in the transaction that appends it); empty when it does not.
   *
   * @return the webhook store, or empty
   */
  default Optional<WebhookStore> webhooks() {
    return Optional.empty();
  }

  /**
   * Erases the personal data of the events {@code request} selects.
   *
   * @param request which events, by scope and actor
   * @return how many events had personal data erased
   */
  long erase(ErasureRequest request);

  /**
   * The hot events {@code request} selects that still hold personal values, by chain then seq,
   * with the fields that {@link #erase} would erase. Reads only: the erasure workflow records
   * this plan before it erases, so a run that crashes can name what it erased when it resumes.
   * Archived (purged) events are not listed.
   *
   * @param request which events, by scope and subject
   * @return the events, ordered by workspace id (in the order of its canonical text) then seq
   * @throws UnsupportedOperationException when this store cannot list them (the default)
   */
  default List<ErasableEvent> erasable(ErasureRequest request) {
    throw new UnsupportedOperationException(getClass().getSimpleName()
        + " does not list erasable events");
  }

  /**
   * The argument checks of {@link #append} every adapter applies.
   *
   * @param chain the workspace whose chain the batch extends
   * @param batch the batch
   * @throws IllegalArgumentException when the batch is empty, larger than 1,000 events, or holds
   *     an event prepared for another workspace
   */
  static void requireBatch(WorkspaceRef chain, List<PendingEvent> batch) {
    if (batch.isEmpty() || batch.size() > EventQuery.MAX_LIMIT) {
      throw new IllegalArgumentException("a batch holds 1.." + EventQuery.MAX_LIMIT
          + " events, got " + batch.size());
    }
    for (PendingEvent p : batch) {
      if (!p.workspace().equals(chain)) {
        throw new IllegalArgumentException("event " + p.id() + " was prepared for workspace "
            + p.workspace().workspaceId() + ", not " + chain.workspaceId());
      }
    }
  }

  /**
   * The argument checks of {@link #read} every adapter applies.
   *
   * @param chain the chain
   * @param fromSeq the first seq
   * @param toSeq the last seq
   * @throws IllegalArgumentException when the scope is company-wide or the range is invalid
   */
  static void requireRange(EventScope chain, long fromSeq, long toSeq) {
    chain.requireWorkspace();
    if (fromSeq < 1 || toSeq < fromSeq) {
      throw new IllegalArgumentException(
          "invalid seq range " + fromSeq + ".." + toSeq + " (need 1 <= fromSeq <= toSeq)");
    }
  }
}
