package io.hyrelog.log;

import io.hyrelog.AuditEvent;
import io.hyrelog.BeyondHeadException;
import io.hyrelog.ChainHead;
import io.hyrelog.Digest;
import io.hyrelog.EventLimits;
import io.hyrelog.EventScope;
import io.hyrelog.HyrelogException;
import io.hyrelog.integrity.ChainCheckpoint;
import io.hyrelog.integrity.ChainVerifier;
import io.hyrelog.integrity.ConsistencyProof;
import io.hyrelog.integrity.InclusionProof;
import io.hyrelog.integrity.MerkleNodeReader;
import io.hyrelog.integrity.MerkleProofs;
import io.hyrelog.integrity.MerkleTree;
import io.hyrelog.integrity.VerificationReport;
import io.hyrelog.spi.AppendOutcome;
import io.hyrelog.spi.EventStore;
import io.hyrelog.IdSource;
import io.hyrelog.InvalidEventException;
import io.hyrelog.NewEvent;
import io.hyrelog.PendingEvent;
import io.hyrelog.PersonalDataPolicy;
import io.hyrelog.ProblemList;
import io.hyrelog.WorkspaceRef;
import io.hyrelog.tlog.TiledTree;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The SDK's entry point: validates events, prepares them (ids, receipt time, personal-data
 * salts) and appends them to an {@link EventStore}; verifies chains; computes checkpoints and
 * Merkle inclusion and consistency proofs (from the store's {@link EventStore#tree() stored
 * tree} when it keeps one, else by streaming the chain).
 *
 * <pre>{@code
 * EventLog log = EventLog.builder(store).build();
 * AuditEvent e = log.append(workspace, NewEvent.builder("user", "login")
 *     .actor(new Actor("u_42", "ada@example.com", "admin", null))
 *     .build()).event();
 * }</pre>
 *
 * <p>Thread-safe when its store is (every store is). Invalid events are rejected with {@link
 * InvalidEventException} before anything is stored.
 */
public final class EventLog {
  private final EventStore store;
  private final Clock clock;
  private final IdSource ids;
  private final EventLimits limits;
  private final PersonalDataPolicy personalData;

  private EventLog(Builder b) {
    this.store = b.store;
    this.clock = b.clock;
    this.ids = b.ids != null ? b.ids : IdSource.secure(b.clock);
    this.limits = b.limits;
    this.personalData = b.personalData;
  }

  /**
   * A builder over {@code store}, with the system UTC clock, secure ids and default limits.
   *
   * @param store the store to append to and read from
   * @return a new builder
   */
  public static Builder builder(EventStore store) {
    return new Builder(store);
  }

  /**
   * The store this log appends to.
   *
   * @return the store
   */
  public EventStore store() {
    return store;
  }

  /**
   * The limits every appended event is checked against.
   *
   * @return the limits
   */
  public EventLimits limits() {
    return limits;
  }

  /**
   * Validates and appends one event.
   *
   * @param workspace the chain to append to
   * @param event the event
   * @return the stored event (the original one for a replayed idempotency key) and whether
   *     this call created it
   * @throws InvalidEventException when the event breaks a limit; nothing is stored
   * @see EventStore#append for idempotency, conflicts and backpressure
   */
  public AppendOutcome append(WorkspaceRef workspace, NewEvent event) {
    return appendBatch(workspace, List.of(event)).get(0);
  }

  /**
   * Validates and appends a batch, all or nothing.
   *
   * @param workspace the chain to append to
   * @param events the events, in order
   * @return one outcome per event, in order
   * @throws InvalidEventException when any event breaks a limit (the violations' fields are
   *     prefixed with the event's index, e.g. {@code /events/3/category}); nothing is stored
   * @throws IllegalArgumentException when the batch is empty or larger than the limit
   */
  public List<AppendOutcome> appendBatch(WorkspaceRef workspace, List<NewEvent> events) {
    Objects.requireNonNull(workspace, "workspace");
    if (events.isEmpty() || events.size() > limits.maxBatchSize()) {
      throw new IllegalArgumentException("a batch holds 1.." + limits.maxBatchSize()
          + " events, got " + events.size());
    }
    Instant now = clock.instant();
    List<PendingEvent> pending = new ArrayList<>(events.size());
    ProblemList<InvalidEventException.Violation> violations = new ProblemList<>();
    for (int i = 0; i < events.size(); i++) {
      try {
        pending.add(PendingEvent.prepare(workspace, limits.check(events.get(i), now), now, ids,
            personalData));
      } catch (InvalidEventException e) {
        String prefix = events.size() == 1 ? "" : "/events/" + i;
        for (InvalidEventException.Violation v : e.violations()) {
          violations.add(() -> new InvalidEventException.Violation(prefix + v.field(),
              v.code(), v.message()));
        }
        violations.addUnreported(e.violationCount() - e.violations().size());
      }
    }
    if (!violations.isEmpty()) {
      throw new InvalidEventException(violations);
    }
    return store.append(workspace, pending);
  }

  /**
   * Verifies a whole chain from the store, streaming: recomputes every hash and link, and
   * optionally matches a checkpoint.
   *
   * @param chain a workspace scope
   * @param checkpoint a checkpoint the chain must match, or empty
   * @return the report
   */
  public VerificationReport verify(EventScope chain, Optional<ChainCheckpoint> checkpoint) {
    ChainVerifier.Builder b = ChainVerifier.builder()
        .expectChains(List.of(chain.requireWorkspace().workspaceId()));
    checkpoint.ifPresent(b::checkpoint);
    ChainVerifier v = b.build();
    try (Stream<AuditEvent> events = store.read(chain, 1, Long.MAX_VALUE)) {
      for (Iterator<AuditEvent> it = events.iterator(); it.hasNext(); ) {
        if (!v.accept(it.next())) {
          break;
        }
      }
    }
    return v.finish();
  }

  /**
   * The checkpoint of a chain at its current head (unsigned; signing belongs to the compliance
   * module). From the stored tree in {@code O(log n)} when the store keeps one ({@link
   * EventStore#tree()}) and it covers the head; otherwise by streaming the chain from seq 1.
   *
   * @param namespace the deployment's log namespace, e.g. {@code audit.example.com}
   * @param chain a workspace scope
   * @return the checkpoint
   * @throws HyrelogException when the stored tree or events disagree with the chain's head
   *     (verify the chain)
   */
  public ChainCheckpoint checkpoint(String namespace, EventScope chain) {
    chain.requireWorkspace();
    Optional<ChainHead> head = store.head(chain);
    long size = head.map(ChainHead::seq).orElse(0L);
    ChainCheckpoint cp = checkpointAt(namespace, chain, size);
    if (size > 0 && !cp.head().equals(head.get().hash())) {
      throw new HyrelogException("chain " + chain.workspaceId() + ": the stored Merkle tree"
          + " holds another hash than the event at seq " + size + "; verify the chain");
    }
    return cp;
  }

  /**
   * The checkpoint of a chain at tree size {@code size}, which may be any size up to the head:
   * its root covers seqs 1..size and its head line is the hash of the event at seq {@code size}.
   * From the stored tree when the store keeps one that covers {@code size}, else by streaming
   * seqs 1..size.
   *
   * @param namespace the deployment's log namespace
   * @param chain a workspace scope
   * @param size the tree size, up to the head
   * @return the checkpoint
   * @throws IllegalArgumentException when {@code size} is negative or the scope is company-wide
   * @throws BeyondHeadException when {@code size} is beyond the chain's head
   */
  public ChainCheckpoint checkpoint(String namespace, EventScope chain, long size) {
    chain.requireWorkspace();
    if (size < 0) {
      throw new IllegalArgumentException("a tree size is >= 0, got " + size);
    }
    requireWithinHead(chain, size);
    return checkpointAt(namespace, chain, size);
  }

  /**
   * The RFC 9162 inclusion proof of the event at {@code seq} in the chain's tree of {@code
   * treeSize} events (its leaf index is {@code seq - 1}), with the event's hash as the leaf hash.
   * Verify it against the root of a checkpoint of that size with {@link
   * MerkleProofs#verifyInclusion(InclusionProof, Digest)}.
   *
   * @param chain a workspace scope
   * @param seq the event's seq
   * @param treeSize the tree size, at least {@code seq}
   * @return the proof
   * @throws IllegalArgumentException unless {@code 1 <= seq <= treeSize}, or when the scope is
   *     company-wide
   * @throws BeyondHeadException when {@code treeSize} is beyond the chain's head
   */
  public InclusionProof inclusionProof(EventScope chain, long seq, long treeSize) {
    chain.requireWorkspace();
    if (seq < 1 || seq > treeSize) {
      throw new IllegalArgumentException("an inclusion proof needs 1 <= seq <= treeSize, got seq "
          + seq + " and treeSize " + treeSize);
    }
    requireWithinHead(chain, treeSize);
    return MerkleProofs.inclusionProof(seq - 1, treeSize, nodes(chain, treeSize));
  }

  /**
   * The RFC 9162 consistency proof from the chain's tree of {@code from} events to its tree of
   * {@code to} events (empty when they are equal). Verify it against the roots of two
   * checkpoints with {@link MerkleProofs#verifyConsistency(ConsistencyProof, Digest, Digest)}.
   *
   * @param chain a workspace scope
   * @param from the smaller tree size
   * @param to the larger tree size
   * @return the proof
   * @throws IllegalArgumentException unless {@code 1 <= from <= to}, or when the scope is
   *     company-wide
   * @throws BeyondHeadException when {@code to} is beyond the chain's head
   */
  public ConsistencyProof consistencyProof(EventScope chain, long from, long to) {
    chain.requireWorkspace();
    if (from < 1 || from > to) {
      throw new IllegalArgumentException("a consistency proof needs 1 <= from <= to, got from "
          + from + " and to " + to);
    }
    requireWithinHead(chain, to);
    return MerkleProofs.consistencyProof(from, to, nodes(chain, to));
  }

  private void requireWithinHead(EventScope chain, long size) {
    long head = store.head(chain).map(ChainHead::seq).orElse(0L);
    if (size > head) {
      throw new BeyondHeadException(chain.workspaceId(), size, head);
    }
  }

  /** The stored tree of {@code size} when there is one that covers it. */
  private Optional<TiledTree> tiled(EventScope chain, long size) {
    return store.tree()
        .filter(tree -> tree.size(chain) >= size)
        .map(tree -> TiledTree.of(size, tree.source(chain)));
  }

  private MerkleNodeReader nodes(EventScope chain, long size) {
    Optional<TiledTree> tiled = tiled(chain, size);
    return tiled.isPresent() ? tiled.get() : new StreamedNodes(store, chain);
  }

  private ChainCheckpoint checkpointAt(String namespace, EventScope chain, long size) {
    UUID id = chain.workspaceId();
    if (size == 0) {
      return new ChainCheckpoint(namespace, id, 0, MerkleTree.emptyRoot(), Digest.ZERO);
    }
    Optional<TiledTree> tiled = tiled(chain, size);
    if (tiled.isPresent()) {
      return new ChainCheckpoint(namespace, id, size, tiled.get().root(),
          tiled.get().leafHash(size - 1));
    }
    MerkleTree tree = new MerkleTree();
    Digest last = Digest.ZERO;
    try (Stream<AuditEvent> events = store.read(chain, 1, size)) {
      for (Iterator<AuditEvent> it = events.iterator(); it.hasNext(); ) {
        AuditEvent e = it.next();
        if (e.seq() != tree.size() + 1) {
          throw new HyrelogException("chain " + id + " has seq " + e.seq() + " where "
              + (tree.size() + 1) + " was expected; verify the chain");
        }
        tree.append(e.hash());
        last = e.hash();
      }
    }
    if (tree.size() != size) {
      throw new HyrelogException("chain " + id + " read " + tree.size()
          + " events up to seq " + size + "; verify the chain");
    }
    return new ChainCheckpoint(namespace, id, size, tree.root(), last);
  }

  /** Builder of {@link EventLog}; each setter rejects {@code null} at once. Not thread-safe. */
  public static final class Builder {
    private final EventStore store;
    private Clock clock = Clock.systemUTC();
    private IdSource ids;
    private EventLimits limits = EventLimits.defaults();
    private PersonalDataPolicy personalData = PersonalDataPolicy.defaults();

    private Builder(EventStore store) {
      this.store = Objects.requireNonNull(store, "store");
    }

    /**
     * Where receipt times come from (and, unless {@link #idSource} is set, id timestamps).
     *
     * @param c the clock
     * @return this builder
     */
    public Builder clock(Clock c) {
      this.clock = Objects.requireNonNull(c, "clock");
      return this;
    }

    /**
     * Where ids and salts come from; defaults to {@link IdSource#secure(Clock)}.
     *
     * @param s the id source
     * @return this builder
     */
    public Builder idSource(IdSource s) {
      this.ids = Objects.requireNonNull(s, "idSource");
      return this;
    }

    /**
     * The limits every event is checked against; defaults to {@link EventLimits#defaults()}.
     *
     * @param l the limits
     * @return this builder
     */
    public Builder limits(EventLimits l) {
      this.limits = Objects.requireNonNull(l, "limits");
      return this;
    }

    /** Which fields are committed as erasable personal data; defaults to {@link
     * PersonalDataPolicy#defaults()}.
     *
     * @param p the policy
     * @return this builder
     */
    public Builder personalData(PersonalDataPolicy p) {
      this.personalData = Objects.requireNonNull(p, "personalData");
      return this;
    }

    /**
     * Builds the log.
     *
     * @return a thread-safe log
     */
    public EventLog build() {
      return new EventLog(this);
    }
  }
}
