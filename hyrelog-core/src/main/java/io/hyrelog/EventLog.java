package io.hyrelog;

import io.hyrelog.integrity.ChainCheckpoint;
import io.hyrelog.integrity.ChainVerifier;
import io.hyrelog.integrity.MerkleTree;
import io.hyrelog.integrity.VerificationReport;
import io.hyrelog.spi.AppendOutcome;
import io.hyrelog.spi.EventStore;
import io.hyrelog.spi.IdSource;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The SDK's entry point: validates events, prepares them (ids, receipt time, personal-data
 * salts) and appends them to an {@link EventStore}; verifies chains and computes checkpoints.
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

  /** A builder over {@code store}, with the system UTC clock, secure ids and default limits. */
  public static Builder builder(EventStore store) {
    return new Builder(store);
  }

  /** The store this log appends to. */
  public EventStore store() {
    return store;
  }

  /** The limits every appended event is checked against. */
  public EventLimits limits() {
    return limits;
  }

  /**
   * Validates and appends one event.
   *
   * @throws InvalidEventException when the event breaks a limit; nothing is stored
   * @see EventStore#append for idempotency, conflicts and backpressure
   */
  public AppendOutcome append(WorkspaceRef workspace, NewEvent event) {
    return appendBatch(workspace, List.of(event)).get(0);
  }

  /**
   * Validates and appends a batch, all or nothing.
   *
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
   * module). Streams the chain once to compute the Merkle root.
   *
   * @param namespace the deployment's log namespace, e.g. {@code audit.example.com}
   */
  public ChainCheckpoint checkpoint(String namespace, EventScope chain) {
    chain.requireWorkspace();
    Optional<ChainHead> head = store.head(chain);
    if (head.isEmpty()) {
      return new ChainCheckpoint(namespace, chain.workspaceId(), 0, MerkleTree.emptyRoot(),
          Digest.ZERO);
    }
    MerkleTree tree = new MerkleTree();
    Digest last = Digest.ZERO;
    try (Stream<AuditEvent> events = store.read(chain, 1, head.get().seq())) {
      for (Iterator<AuditEvent> it = events.iterator(); it.hasNext(); ) {
        AuditEvent e = it.next();
        tree.append(e.hash());
        last = e.hash();
      }
    }
    if (tree.size() != head.get().seq() || !last.equals(head.get().hash())) {
      throw new HyrelogException("chain " + chain.workspaceId() + " read " + tree.size()
          + " events up to a head at seq " + head.get().seq() + "; verify the chain");
    }
    return new ChainCheckpoint(namespace, chain.workspaceId(), tree.size(), tree.root(), last);
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

    /** Where receipt times come from (and, unless {@link #idSource} is set, id timestamps). */
    public Builder clock(Clock c) {
      this.clock = Objects.requireNonNull(c, "clock");
      return this;
    }

    /** Where ids and salts come from; defaults to {@link IdSource#secure(Clock)}. */
    public Builder idSource(IdSource s) {
      this.ids = Objects.requireNonNull(s, "idSource");
      return this;
    }

    public Builder limits(EventLimits l) {
      this.limits = Objects.requireNonNull(l, "limits");
      return this;
    }

    /** Which fields are committed as erasable personal data; defaults to {@link
     * PersonalDataPolicy#defaults()}. */
    public Builder personalData(PersonalDataPolicy p) {
      this.personalData = Objects.requireNonNull(p, "personalData");
      return this;
    }

    public EventLog build() {
      return new EventLog(this);
    }
  }
}
