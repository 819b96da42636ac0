package io.hyrelog.testkit;

import io.hyrelog.AuditEvent;
import io.hyrelog.ChainHead;
import io.hyrelog.Digest;
import io.hyrelog.EventScope;
import io.hyrelog.PendingEvent;
import io.hyrelog.WorkspaceRef;
import io.hyrelog.spi.AppendOutcome;
import io.hyrelog.spi.ArchiveSegment;
import io.hyrelog.spi.ChainTree;
import io.hyrelog.spi.ErasableEvent;
import io.hyrelog.spi.ErasureRequest;
import io.hyrelog.spi.EventCursor;
import io.hyrelog.spi.EventPage;
import io.hyrelog.spi.EventQuery;
import io.hyrelog.spi.EventStore;
import io.hyrelog.spi.IdempotencyConflictException;
import io.hyrelog.spi.WebhookStore;
import io.hyrelog.tlog.Tile;
import io.hyrelog.tlog.TileId;
import io.hyrelog.tlog.TileWriter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.stream.Stream;

/**
 * An {@link EventStore} in memory, for tests and for trying the SDK. It passes the same
 * contract suites as every real adapter ({@code EventStoreContract}, and {@code
 * ChainTreeContract} for its {@link #tree()}), except that nothing survives the JVM: it is not
 * durable. Thread-safe (one lock per chain).
 *
 * <p>By default it keeps each chain's Merkle tree as C2SP tiles, written under the chain's lock
 * with the events, as a real adapter does in its append transaction; {@link #withoutTree()}
 * keeps none, like a store without tiles.
 *
 * <p>It is also the event storage of the testkit's other in-memory twins that work beside the
 * events: {@link InMemoryArchiveCatalog} purges archived events from it (the chain head and the
 * tiles stay, as in PostgreSQL), {@link InMemorySnapshotCatalog} and {@link InMemoryExportJobs}
 * read it; its {@link #webhooks()} ({@link InMemoryWebhookStore}) gets the deliveries of every
 * event it creates.
 */
public final class InMemoryEventStore implements EventStore {
  private final Map<UUID, Chain> chains = new ConcurrentHashMap<>();
  private final ChainTree tree;
  private final InMemoryWebhookStore webhooks = new InMemoryWebhookStore(this);
  // Appends and erasures change one chain each and hold this shared (the chain's own lock
  // orders them); a purge of several chains and a view of every chain hold it exclusively, so
  // a view never sees half of a purge (as a database transaction would not).
  private final ReadWriteLock cut = new ReentrantReadWriteLock();

  private static final class Chain {
    final UUID companyId;
    /** Every appended event by seq - 1; {@code null} once purged. */
    final List<AuditEvent> events = new ArrayList<>();
    /** The hash of the last appended event, purged or not. */
    Digest headHash = Digest.ZERO;
    final Map<String, Idempotency> keys = new HashMap<>();
    /** The widest stored version of each tile, by level and index. */
    final Map<TileKey, Tile> tiles = new HashMap<>();

    Chain(UUID companyId) {
      this.companyId = companyId;
    }
  }

  private record TileKey(int level, long index) {
    static TileKey of(TileId id) {
      return new TileKey(id.level(), id.index());
    }
  }

  /** A store that keeps each chain's Merkle tree (see {@link #tree()}). */
  public InMemoryEventStore() {
    this(true);
  }

  private InMemoryEventStore(boolean keepTree) {
    this.tree = keepTree ? new Tree() : null;
  }

  /**
   * A store that keeps no Merkle tree: {@link #tree()} is empty, so {@link io.hyrelog.log.EventLog}
   * computes checkpoints and proofs by streaming the chain.
   *
   * @return a new, empty store without a tree
   */
  public static InMemoryEventStore withoutTree() {
    return new InMemoryEventStore(false);
  }

  /** The chains' Merkle trees, unless this store was made {@link #withoutTree()}. */
  @Override
  public Optional<ChainTree> tree() {
    return Optional.ofNullable(tree);
  }

  /**
   * The webhook endpoints and deliveries: appends write nothing there; its {@link
   * WebhookStore#fanOut} reads this store's chains.
   */
  @Override
  public Optional<WebhookStore> webhooks() {
    return Optional.of(webhooks);
  }

  private record Idempotency(Digest fingerprint, AuditEvent event) {}

  @Override
  public List<AppendOutcome> append(WorkspaceRef ref, List<PendingEvent> batch) {
    EventStore.requireBatch(ref, batch);
    Chain chain = chains.computeIfAbsent(ref.workspaceId(), id -> new Chain(ref.companyId()));
    if (!chain.companyId.equals(ref.companyId())) {
      throw new IllegalArgumentException("workspace " + ref.workspaceId()
          + " belongs to another company");
    }
    cut.readLock().lock();
    try {
      return append(ref, chain, batch);
    } finally {
      cut.readLock().unlock();
    }
  }

  private List<AppendOutcome> append(WorkspaceRef ref, Chain chain, List<PendingEvent> batch) {
    synchronized (chain) {
      long seq = chain.events.size();
      Digest prev = chain.headHash;
      List<AppendOutcome> out = new ArrayList<>(batch.size());
      List<AuditEvent> created = new ArrayList<>();
      Map<String, Idempotency> batchKeys = new HashMap<>();
      for (PendingEvent p : batch) {
        String key = p.idempotencyKey();
        if (key != null) {
          Idempotency seen = chain.keys.get(key);
          if (seen == null) {
            seen = batchKeys.get(key);
          }
          if (seen != null) {
            if (!seen.fingerprint().equals(p.fingerprint())) {
              throw new IdempotencyConflictException(ref.workspaceId(), seen.event().id());
            }
            out.add(new AppendOutcome(seen.event(), false));
            continue;
          }
        }
        AuditEvent e = p.seal(++seq, prev);
        prev = e.hash();
        created.add(e);
        out.add(new AppendOutcome(e, true));
        if (key != null) {
          batchKeys.put(key, new Idempotency(p.fingerprint(), e));
        }
      }
      if (tree != null && !created.isEmpty()) {
        // Computed before anything changes, so a failure leaves the chain as it was.
        long size = chain.events.size();
        List<Tile> edge = TileId.partials(size).stream()
            .map(id -> chain.tiles.get(TileKey.of(id)).prefix(id.width())).toList();
        List<Tile> writes = TileWriter.append(size, edge,
            created.stream().map(AuditEvent::hash).toList());
        writes.forEach(t -> chain.tiles.put(TileKey.of(t.id()), t));
      }
      chain.events.addAll(created);
      chain.keys.putAll(batchKeys);
      if (!created.isEmpty()) {
        chain.headHash = created.get(created.size() - 1).hash();
      }
      return out;
    }
  }

  @Override
  public Stream<AuditEvent> read(EventScope scope, long fromSeq, long toSeq) {
    EventStore.requireRange(scope, fromSeq, toSeq);
    Chain chain = chainIn(scope);
    if (chain == null) {
      return Stream.empty();
    }
    synchronized (chain) {
      int size = chain.events.size();
      if (fromSeq > size) {
        return Stream.empty();
      }
      int to = (int) Math.min(toSeq, size);
      return hot(chain.events.subList((int) fromSeq - 1, to)).stream();
    }
  }

  @Override
  public Optional<ChainHead> head(EventScope scope) {
    scope.requireWorkspace();
    Chain chain = chainIn(scope);
    if (chain == null) {
      return Optional.empty();
    }
    synchronized (chain) {
      if (chain.events.isEmpty()) {
        return Optional.empty();
      }
      return Optional.of(new ChainHead(scope.workspaceId(), chain.events.size(),
          chain.headHash));
    }
  }

  @Override
  public Optional<AuditEvent> find(EventScope scope, UUID eventId) {
    return snapshot(scope).stream().filter(e -> e.id().equals(eventId)).findFirst();
  }

  @Override
  public EventPage query(EventQuery q) {
    List<AuditEvent> matching = new ArrayList<>();
    EventCursor cursor = q.cursor();
    for (AuditEvent e : snapshot(q.scope())) {
      if (q.matches(e) && (cursor == null || cursor.precedes(e))) {
        matching.add(e);
      }
    }
    matching.sort(EventCursor.QUERY_ORDER);
    if (matching.size() <= q.limit()) {
      return new EventPage(matching, null);
    }
    List<AuditEvent> page = matching.subList(0, q.limit());
    return new EventPage(page, EventCursor.after(page.get(page.size() - 1)));
  }

  @Override
  public long erase(ErasureRequest request) {
    cut.readLock().lock();
    try {
      return eraseEach(request);
    } finally {
      cut.readLock().unlock();
    }
  }

  private long eraseEach(ErasureRequest request) {
    long erased = 0;
    for (Map.Entry<UUID, Chain> c : chains.entrySet()) {
      Chain chain = c.getValue();
      if (!request.scope().contains(chain.companyId, c.getKey())) {
        continue;
      }
      synchronized (chain) {
        for (int i = 0; i < chain.events.size(); i++) {
          AuditEvent e = chain.events.get(i);
          if (e != null && request.selects(e) && !unerased(e).isEmpty()) {
            chain.events.set(i, e.erasePersonalData());
            erased++;
          }
        }
      }
    }
    return erased;
  }

  @Override
  public List<ErasableEvent> erasable(ErasureRequest request) {
    cut.readLock().lock();
    try {
      List<ErasableEvent> out = new ArrayList<>();
      List<UUID> ids = new ArrayList<>(chains.keySet());
      ids.sort(StoredValues.ID_ORDER);
      for (UUID id : ids) {
        Chain chain = chains.get(id);
        if (!request.scope().contains(chain.companyId, id)) {
          continue;
        }
        synchronized (chain) {
          for (AuditEvent e : chain.events) {
            List<String> paths = e == null || !request.selects(e) ? List.of() : unerased(e);
            if (!paths.isEmpty()) {
              out.add(new ErasableEvent(id, e.seq(), e.id(), paths));
            }
          }
        }
      }
      return out;
    } finally {
      cut.readLock().unlock();
    }
  }

  private static List<String> unerased(AuditEvent e) {
    return e.personal().entrySet().stream().filter(p -> !p.getValue().erased())
        .map(Map.Entry::getKey).sorted().toList();
  }

  private List<AuditEvent> snapshot(EventScope scope) {
    List<AuditEvent> all = new ArrayList<>();
    for (Map.Entry<UUID, Chain> c : chains.entrySet()) {
      if (scope.contains(c.getValue().companyId, c.getKey())) {
        synchronized (c.getValue()) {
          all.addAll(hot(c.getValue().events));
        }
      }
    }
    return all;
  }

  private static List<AuditEvent> hot(List<AuditEvent> events) {
    List<AuditEvent> out = new ArrayList<>(events.size());
    for (AuditEvent e : events) {
      if (e != null) {
        out.add(e);
      }
    }
    return out;
  }

  /** The company and head seq of every chain that holds events, by workspace id. */
  Map<UUID, Map.Entry<UUID, Long>> allHeads() {
    Map<UUID, Map.Entry<UUID, Long>> out = new HashMap<>();
    chains.forEach((ws, chain) -> {
      synchronized (chain) {
        if (!chain.events.isEmpty()) {
          out.put(ws, Map.entry(chain.companyId, (long) chain.events.size()));
        }
      }
    });
    return out;
  }

  /** The head seq of every chain of the company that holds events, by workspace id. */
  Map<UUID, Long> heads(UUID companyId) {
    Map<UUID, Long> out = new HashMap<>();
    chains.forEach((ws, chain) -> {
      if (chain.companyId.equals(companyId)) {
        synchronized (chain) {
          if (!chain.events.isEmpty()) {
            out.put(ws, (long) chain.events.size());
          }
        }
      }
    });
    return out;
  }

  /** The events of one chain still stored (not purged), in seq order; empty when unknown. */
  List<AuditEvent> hotEvents(UUID workspaceId) {
    Chain chain = chains.get(workspaceId);
    if (chain == null) {
      return List.of();
    }
    synchronized (chain) {
      return hot(chain.events);
    }
  }

  /** The stored events of every chain, by workspace id, all as of one instant. */
  Map<UUID, List<AuditEvent>> hotEvents() {
    cut.writeLock().lock();
    try {
      Map<UUID, List<AuditEvent>> out = new HashMap<>();
      chains.keySet().forEach(ws -> out.put(ws, hotEvents(ws)));
      return out;
    } finally {
      cut.writeLock().unlock();
    }
  }

  /**
   * Removes the stored events of the given chain ranges, all at once (the archive catalog's
   * purge path, which checks they are archived); heads, idempotency records and tiles stay.
   *
   * @return how many events were removed
   */
  long purge(List<ArchiveSegment.Range> ranges) {
    cut.writeLock().lock();
    try {
      long n = 0;
      for (ArchiveSegment.Range r : ranges) {
        Chain chain = chains.get(r.workspaceId());
        if (chain == null) {
          continue;
        }
        synchronized (chain) {
          for (long seq = r.fromSeq(); seq <= Math.min(r.toSeq(), chain.events.size()); seq++) {
            if (chain.events.set((int) seq - 1, null) != null) {
              n++;
            }
          }
        }
      }
      return n;
    } finally {
      cut.writeLock().unlock();
    }
  }

  private Chain chainIn(EventScope scope) {
    Chain chain = chains.get(scope.workspaceId());
    return chain != null && chain.companyId.equals(scope.companyId()) ? chain : null;
  }

  /** The tiles of every chain, read under the chain's lock. */
  private final class Tree implements ChainTree {
    @Override
    public long size(EventScope scope) {
      scope.requireWorkspace();
      Chain chain = chainIn(scope);
      if (chain == null) {
        return 0;
      }
      synchronized (chain) {
        return chain.events.size();
      }
    }

    @Override
    public Map<TileId, Tile> tiles(EventScope scope, Collection<TileId> ids) {
      scope.requireWorkspace();
      if (ids.size() > EventQuery.MAX_LIMIT) {
        throw new IllegalArgumentException("at most " + EventQuery.MAX_LIMIT
            + " tiles per read, got " + ids.size());
      }
      Chain chain = chainIn(scope);
      Map<TileId, Tile> out = new HashMap<>();
      if (chain == null) {
        return out;
      }
      synchronized (chain) {
        for (TileId id : ids) {
          Tile stored = chain.tiles.get(TileKey.of(id));
          if (stored != null && stored.width() >= id.width()) {
            out.put(id, stored.prefix(id.width()));
          }
        }
      }
      return out;
    }
  }
}
