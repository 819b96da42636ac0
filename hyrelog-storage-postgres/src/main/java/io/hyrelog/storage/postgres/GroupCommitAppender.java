package io.hyrelog.storage.postgres;

import io.hyrelog.AuditEvent;
import io.hyrelog.Digest;
import io.hyrelog.HyrelogException;
import io.hyrelog.PendingEvent;
import io.hyrelog.WorkspaceRef;
import io.hyrelog.spi.AppendOutcome;
import io.hyrelog.spi.AppendOutcomeUnknownException;
import io.hyrelog.spi.IdempotencyConflictException;
import io.hyrelog.spi.StoreOverloadedException;
import io.hyrelog.storage.postgres.internal.EventRows;
import io.hyrelog.storage.postgres.TileRows.ChainTile;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit: one writer thread drains a bounded queue of append requests and writes as many
 * as it can (up to a number of events) in one transaction, across chains. In that transaction
 * it locks the heads of the chains it touches in UUID order (so concurrent writers in other
 * processes never deadlock), assigns seqs, seals, inserts, extends each chain's Merkle tiles
 * (reads its stored partial tiles, {@link io.hyrelog.tlog.TileWriter#append}, stores the changed
 * tiles in the statement that moves the heads; a chain whose tree awaits its back-fill is left to
 * {@link PostgresTreeBackfill}), moves the heads and commits; only then are the callers
 * released. A request that conflicts on an idempotency key fails alone.
 * If the group transaction fails, each of its requests is retried in a transaction of its own,
 * so one bad request cannot fail the others — unless the database is out of reach or did not
 * answer in time ({@link PostgresStorageException#unavailable()}), which would fail each retry
 * alike: then the whole group fails (nothing of it was stored).
 *
 * <p>Waiting is bounded: a request not taken by the writer within {@code appendTimeout} is
 * withdrawn from the queue and refused ({@link StoreOverloadedException}, nothing stored); one
 * that was taken waits for its transaction, whose own time the data source's timeouts bound,
 * and at most {@code appendTimeout} more, after which the caller gets {@link
 * AppendOutcomeUnknownException}. Not part of the public API.
 *
 * <p>This is the one storage class on plain JDBC rather than Jdbi: on the writer thread, the
 * serial path of every append, Jdbi's per-statement and per-argument work cost 1.5× the
 * writer's CPU per event (module README, "Data access"). Its statements use the same
 * {@code <schema>} notation, rendered once here by {@link Database#render}.
 */
final class GroupCommitAppender implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(GroupCommitAppender.class);

  private static final String RETRY = "nothing of it was stored, retry with the same"
      + " idempotency keys";

  private final DataSource dataSource;
  private final Statements sql;
  private final BlockingQueue<Request> queue;
  private final int maxGroupEvents;
  private final Duration retryAfter;
  private final long timeoutNanos;
  private final Thread writer;
  // Waking the callers happens off the writer thread, so it can start the next group at once.
  private final ExecutorService notifier;
  private final Set<UUID> knownHeads = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  private static final int QUEUED = 0;
  private static final int TAKEN = 1;
  private static final int WITHDRAWN = 2;

  /**
   * One caller's append. {@code state} moves once, from QUEUED to TAKEN (by the writer, which
   * then writes it) or to WITHDRAWN (by whichever of caller and writer sees the deadline first;
   * it is never written then).
   */
  private record Request(WorkspaceRef ref, List<PendingEvent> events,
      CompletableFuture<List<AppendOutcome>> result, long enqueuedAt, AtomicInteger state) {
    boolean take() {
      return state.compareAndSet(QUEUED, TAKEN);
    }

    boolean withdraw() {
      return state.compareAndSet(QUEUED, WITHDRAWN);
    }
  }

  /** The appender's statements with the schema put in, rendered once. */
  private record Statements(String createHeads, String lockHeads, String loadKeys,
      String loadTiles, String moveHeads, String insertEvent, String insertPersonal,
      String insertKey, String findByIds) {
    static Statements of(Database db) {
      return new Statements(
          db.render("INSERT INTO <schema>.chain_heads (workspace_id, company_id, seq, hash)"
              + " VALUES (?, ?, 0, ?) ON CONFLICT (workspace_id) DO NOTHING"),
          db.render("WITH durable AS (SELECT set_config('synchronous_commit', 'on', true))"
              + " SELECT h.workspace_id, h.company_id, h.seq, h.hash, h.tree_size"
              + " FROM <schema>.chain_heads h, durable WHERE h.workspace_id = ANY (?)"
              + " ORDER BY h.workspace_id FOR UPDATE OF h"),
          db.render("SELECT k.workspace_id, k.key, k.fingerprint, k.event_id"
              + " FROM <schema>.idempotency_keys k"
              + " JOIN unnest(?::uuid[], ?::text[]) AS q (workspace_id, key)"
              + " ON k.workspace_id = q.workspace_id AND k.key = q.key"),
          db.render(TileRows.LOAD),
          // The tiles and the heads in one statement. Nothing for webhooks: their dispatchers
          // fan the chains out into deliveries (PostgresWebhookStore.fanOut).
          db.render("WITH tiles AS (" + TileRows.STORE + ")"
              + " UPDATE <schema>.chain_heads h"
              + " SET seq = u.seq, hash = decode(u.hash, 'hex'), tree_size = u.tree_size,"
              + " updated_at = now()"
              + " FROM unnest(?::uuid[], ?::bigint[], ?::text[], ?::bigint[])"
              + " AS u (workspace_id, seq, hash, tree_size)"
              + " WHERE h.workspace_id = u.workspace_id"),
          db.render(EventRows.INSERT_EVENT),
          db.render(EventRows.INSERT_PERSONAL),
          db.render("INSERT INTO <schema>.idempotency_keys (workspace_id, key, event_id,"
              + " fingerprint) VALUES (?, ?, ?, ?)"),
          db.render("SELECT " + PostgresReads.EVENT_COLUMNS + ", e.id FROM <schema>.events e"
              + " WHERE e.id = ANY (?)"));
    }
  }

  /**
   * @param db the writer's connections (appends only) and schema
   * @param appendTimeout the longest a request waits to be taken by the writer, and then for
   *     its commit
   */
  public GroupCommitAppender(Database db, int queueCapacity, int maxGroupEvents,
      Duration retryAfter, Duration appendTimeout, String name) {
    this.dataSource = db.dataSource();
    this.sql = Statements.of(db);
    this.queue = new ArrayBlockingQueue<>(queueCapacity);
    this.maxGroupEvents = maxGroupEvents;
    this.retryAfter = retryAfter;
    this.timeoutNanos = appendTimeout.toNanos();
    this.notifier = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, name + "-notifier");
      t.setDaemon(true);
      return t;
    });
    this.writer = new Thread(this::run, name);
    this.writer.setDaemon(true);
    this.writer.start();
  }

  /**
   * Enqueues and waits for the commit.
   *
   * @throws StoreOverloadedException when the queue is full, or the writer did not take the
   *     request within the append timeout (nothing stored)
   * @throws AppendOutcomeUnknownException when the commit's outcome is unknown
   */
  public List<AppendOutcome> append(WorkspaceRef ref, List<PendingEvent> events) {
    if (closed) {
      throw new IllegalStateException("the event store is closed");
    }
    Request r = new Request(ref, List.copyOf(events), new CompletableFuture<>(),
        System.nanoTime(), new AtomicInteger(QUEUED));
    if (!queue.offer(r)) {
      throw new StoreOverloadedException("the append queue is full (" + queue.size()
          + " requests waiting); retry after " + retryAfter.toMillis() + " ms", retryAfter);
    }
    try {
      while (true) {
        long waited = System.nanoTime() - r.enqueuedAt();
        long left = (waited < timeoutNanos ? timeoutNanos : 2 * timeoutNanos) - waited;
        try {
          return r.result().get(Math.min(left, TimeUnit.SECONDS.toNanos(1)),
              TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
          waited = System.nanoTime() - r.enqueuedAt();
          if (waited >= timeoutNanos && r.withdraw()) {
            // Left in the queue (the writer is its only consumer) and skipped when reached.
            r.result().completeExceptionally(notTaken(waited));
          } else if (waited >= 2 * timeoutNanos) {
            r.result().completeExceptionally(new AppendOutcomeUnknownException("the database"
                + " did not confirm the commit within " + TimeUnit.NANOSECONDS.toMillis(waited)
                + " ms, so the append may or may not be stored; retry with the same"
                + " idempotency keys to find out", retryAfter, null));
          } else if (!writer.isAlive()) {
            // A request that slipped in as the store closed would otherwise wait forever.
            r.result().completeExceptionally(new IllegalStateException("the event store closed"
                + " before this append was written; nothing of it was stored"));
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      if (r.withdraw()) {
        throw new HyrelogException("interrupted while waiting for the append; nothing of it"
            + " was stored", e);
      }
      throw new HyrelogException("interrupted while waiting for the append to commit; it may "
          + "or may not have committed: retry with the same idempotency keys", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new HyrelogException("append failed: " + e.getCause().getMessage(), e.getCause());
    }
  }

  private StoreOverloadedException notTaken(long waitedNanos) {
    return new StoreOverloadedException("the append waited " + TimeUnit.NANOSECONDS.toMillis(
        waitedNanos) + " ms without reaching the database (slow or unreachable); nothing of it"
        + " was stored, retry after " + retryAfter.toMillis() + " ms", retryAfter);
  }

  /**
   * Takes {@code r} for writing, or refuses it when it waited past the append timeout (or its
   * caller withdrew it).
   */
  private boolean take(Request r) {
    long waited = System.nanoTime() - r.enqueuedAt();
    if (waited >= timeoutNanos) {
      if (r.withdraw()) {
        r.result().completeExceptionally(notTaken(waited));
      }
      return false;
    }
    return r.take();
  }

  private void run() {
    List<Request> group = new ArrayList<>();
    while (!closed || !queue.isEmpty()) {
      try {
        Request first = queue.poll(100, TimeUnit.MILLISECONDS);
        if (first == null || !take(first)) {
          continue;
        }
        group.clear();
        group.add(first);
        int events = first.events().size();
        Request next;
        while (events < maxGroupEvents && (next = queue.peek()) != null
            && events + next.events().size() <= maxGroupEvents) {
          queue.poll(); // the writer is the only consumer: this is next
          if (take(next)) {
            group.add(next);
            events += next.events().size();
          }
        }
        writeGroup(group);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      } catch (RuntimeException | Error e) {
        for (Request r : group) {
          r.result().completeExceptionally(e);
        }
      }
    }
    Request r;
    while ((r = queue.poll()) != null) {
      r.result().completeExceptionally(new IllegalStateException("the event store closed"));
    }
  }

  /** A COMMIT that failed without saying whether it took effect. */
  private static final class CommitOutcomeUnknown extends RuntimeException {
    private static final long serialVersionUID = 1L;

    CommitOutcomeUnknown(SQLException cause) {
      super(cause);
    }
  }

  private void writeGroup(List<Request> group) {
    Map<Request, Object> outcomes;
    try {
      outcomes = transaction(group);
    } catch (CommitOutcomeUnknown e) {
      // The cause under the policy's message: SQLState kept, driver text withheld.
      PostgresStorageException cause = new PostgresStorageException("know whether the append"
          + " committed: the connection failed during COMMIT", e.getCause());
      for (Request r : group) {
        r.result().completeExceptionally(new AppendOutcomeUnknownException("the connection"
            + " failed during COMMIT (SQLState " + cause.sqlState() + "), so the append may"
            + " or may not be stored; retry with the same idempotency keys to find out",
            retryAfter, cause));
      }
      return;
    } catch (SQLException e) {
      PostgresStorageException failure = new PostgresStorageException("commit the append", e,
          RETRY);
      if (group.size() == 1 || failure.unavailable()) {
        // A database out of reach or not answering in time would fail every retry alike (each
        // waiting for its own timeout): fail the group, of which nothing was stored.
        for (Request r : group) {
          r.result().completeExceptionally(failure);
        }
        return;
      }
      LOG.debug("group of {} requests failed (SQLState {}); retrying them one by one",
          group.size(), failure.sqlState());
      for (Request r : group) {
        long waited = System.nanoTime() - r.enqueuedAt();
        if (waited >= timeoutNanos) {
          r.result().completeExceptionally(notTaken(waited));
        } else {
          writeGroup(List.of(r));
        }
      }
      return;
    }
    Map<Request, Object> done = outcomes;
    notifier.execute(() -> {
      for (Map.Entry<Request, Object> o : done.entrySet()) {
        if (o.getValue() instanceof RuntimeException ex) {
          o.getKey().result().completeExceptionally(ex);
        } else {
          @SuppressWarnings("unchecked")
          List<AppendOutcome> list = (List<AppendOutcome>) o.getValue();
          o.getKey().result().complete(list);
        }
      }
    });
  }

  /** Chain state while a group transaction holds its head lock. */
  private static final class Head {
    final UUID companyId;
    final long lockedSeq;
    // The leaves the stored tree covers: lockedSeq, unless the chain awaits its back-fill.
    final long treeSize;
    long seq;
    Digest hash;
    final Map<String, Idem> keys = new HashMap<>();
    // The hashes of the events this group creates in the chain, in seq order.
    final List<Digest> created = new ArrayList<>();

    Head(UUID companyId, long seq, Digest hash, long treeSize) {
      this.companyId = companyId;
      this.lockedSeq = seq;
      this.seq = seq;
      this.hash = hash;
      this.treeSize = treeSize;
    }

    /**
     * Whether this group extends the chain's stored tree: it creates events and the tree
     * covers the head. A tree that is behind (the chain predates the tiles) is left to the
     * back-fill, which completes it under this same lock.
     */
    boolean extendsTree() {
      return !created.isEmpty() && treeSize == lockedSeq;
    }

    long newTreeSize() {
      return treeSize == lockedSeq ? seq : treeSize;
    }
  }

  private record Idem(Digest fingerprint, UUID eventId, AuditEvent created) {}

  private Map<Request, Object> transaction(List<Request> group) throws SQLException {
    Map<Request, Object> outcomes = new LinkedHashMap<>();
    Map<UUID, List<Request>> byChain = new LinkedHashMap<>();
    for (Request r : group) {
      byChain.computeIfAbsent(r.ref().workspaceId(), k -> new ArrayList<>()).add(r);
    }
    try (Connection c = dataSource.getConnection()) {
      createMissingHeads(c, byChain);
      c.setAutoCommit(false);
      try {
        // The round trips per group are constant, whatever the number of chains in it.
        Map<UUID, Head> heads = lockHeads(c, byChain.keySet());
        loadKeys(c, byChain, heads);
        List<EventRows.Row> rows = new ArrayList<>();
        List<UUID> replayIds = new ArrayList<>();
        for (Map.Entry<UUID, List<Request>> chain : byChain.entrySet()) {
          Head head = heads.get(chain.getKey());
          for (Request r : chain.getValue()) {
            outcomes.put(r, assign(r, head, rows, replayIds));
          }
        }
        insert(c, rows);
        moveHeads(c, heads, tiles(c, heads));
        Map<UUID, AuditEvent> replays = findByIds(c, replayIds);
        try {
          c.commit();
        } catch (SQLException e) {
          // The commit may have happened before the connection failed: never re-run it.
          throw new CommitOutcomeUnknown(e);
        }
        return resolve(outcomes, replays);
      } catch (SQLException | RuntimeException e) {
        try {
          c.rollback();
        } catch (SQLException rollbackFailure) {
          e.addSuppressed(rollbackFailure); // the original failure is what the callers need
        }
        throw e;
      }
    }
  }

  /**
   * Creates head rows (seq 0) for chains not seen before, in autocommit mode outside the append
   * transaction, so that creating a chain never waits inside it. Heads are never deleted, so a
   * chain seen once needs no more checks.
   */
  private void createMissingHeads(Connection c, Map<UUID, List<Request>> byChain)
      throws SQLException {
    List<WorkspaceRef> missing = new ArrayList<>();
    for (List<Request> rs : byChain.values()) {
      if (!knownHeads.contains(rs.get(0).ref().workspaceId())) {
        missing.add(rs.get(0).ref());
      }
    }
    if (missing.isEmpty()) {
      return;
    }
    c.setAutoCommit(true);
    try (PreparedStatement ins = c.prepareStatement(sql.createHeads())) {
      for (WorkspaceRef ref : missing) {
        ins.setObject(1, ref.workspaceId());
        ins.setObject(2, ref.companyId());
        ins.setBytes(3, Digest.ZERO.bytes());
        ins.addBatch();
      }
      ins.executeBatch();
    }
    for (WorkspaceRef ref : missing) {
      knownHeads.add(ref.workspaceId());
    }
  }

  /**
   * Locks every head of the group in one statement. Rows are locked in the order the query
   * returns them, sorted by workspace id: the same order in every process, so concurrent
   * writers never deadlock. The same statement turns on synchronous commit for this
   * transaction.
   */
  private Map<UUID, Head> lockHeads(Connection c, Set<UUID> chains) throws SQLException {
    Map<UUID, Head> heads = new LinkedHashMap<>();
    try (PreparedStatement ps = c.prepareStatement(sql.lockHeads())) {
      ps.setArray(1, c.createArrayOf("uuid", chains.toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          heads.put(rs.getObject(1, UUID.class), new Head(rs.getObject(2, UUID.class),
              rs.getLong(3), Digest.of(rs.getBytes(4)), rs.getLong(5)));
        }
      }
    }
    if (heads.size() != chains.size()) {
      throw new IllegalStateException("chain heads missing for " + (chains.size()
          - heads.size()) + " chain(s); they are created before the transaction");
    }
    return heads;
  }

  private void loadKeys(Connection c, Map<UUID, List<Request>> byChain, Map<UUID, Head> heads)
      throws SQLException {
    List<UUID> chainOfKey = new ArrayList<>();
    List<String> keys = new ArrayList<>();
    for (Map.Entry<UUID, List<Request>> chain : byChain.entrySet()) {
      for (Request r : chain.getValue()) {
        for (PendingEvent p : r.events()) {
          if (p.idempotencyKey() != null) {
            chainOfKey.add(chain.getKey());
            keys.add(p.idempotencyKey());
          }
        }
      }
    }
    if (keys.isEmpty()) {
      return;
    }
    try (PreparedStatement ps = c.prepareStatement(sql.loadKeys())) {
      ps.setArray(1, c.createArrayOf("uuid", chainOfKey.toArray()));
      ps.setArray(2, c.createArrayOf("text", keys.toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          heads.get(rs.getObject(1, UUID.class)).keys.put(rs.getString(2),
              new Idem(Digest.of(rs.getBytes(3)), rs.getObject(4, UUID.class), null));
        }
      }
    }
  }

  /** The tiles the group's new events change, in every chain whose stored tree it extends. */
  private List<ChainTile> tiles(Connection c, Map<UUID, Head> heads) throws SQLException {
    List<TileRows.Growth> growths = new ArrayList<>();
    for (Map.Entry<UUID, Head> h : heads.entrySet()) {
      if (h.getValue().extendsTree()) {
        growths.add(new TileRows.Growth(h.getKey(), h.getValue().treeSize,
            h.getValue().created));
      }
    }
    return growths.isEmpty() ? List.of() : TileRows.grow(c, sql.loadTiles(), growths);
  }

  /**
   * Stores the group's tiles and moves every head of the group, in one statement.
   */
  private void moveHeads(Connection c, Map<UUID, Head> heads, List<ChainTile> tiles)
      throws SQLException {
    List<UUID> ids = new ArrayList<>();
    List<Long> seqs = new ArrayList<>();
    List<String> hashes = new ArrayList<>();
    List<Long> treeSizes = new ArrayList<>();
    for (Map.Entry<UUID, Head> h : heads.entrySet()) {
      ids.add(h.getKey());
      seqs.add(h.getValue().seq);
      hashes.add(h.getValue().hash.hex());
      treeSizes.add(h.getValue().newTreeSize());
    }
    try (PreparedStatement ps = c.prepareStatement(sql.moveHeads())) {
      TileRows.bindStore(c, ps, 1, tiles);
      ps.setArray(5, c.createArrayOf("uuid", ids.toArray()));
      ps.setArray(6, c.createArrayOf("bigint", seqs.toArray()));
      ps.setArray(7, c.createArrayOf("text", hashes.toArray()));
      ps.setArray(8, c.createArrayOf("bigint", treeSizes.toArray()));
      ps.executeUpdate();
    }
  }

  /** The stored originals of idempotent replays. */
  private Map<UUID, AuditEvent> findByIds(Connection c, List<UUID> ids) throws SQLException {
    Map<UUID, AuditEvent> out = new HashMap<>();
    if (ids.isEmpty()) {
      return out;
    }
    try (PreparedStatement ps = c.prepareStatement(sql.findByIds())) {
      ps.setArray(1, c.createArrayOf("uuid", ids.toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.put(rs.getObject(4, UUID.class), PostgresReads.event(rs, null));
        }
      }
    }
    for (UUID id : ids) {
      if (!out.containsKey(id)) {
        throw new HyrelogException("idempotency record points at event " + id
            + ", which is not stored (purged?)");
      }
    }
    return out;
  }

  /** Seqs and seals one request's events; returns its pending outcomes or its failure. */
  private static Object assign(Request r, Head head, List<EventRows.Row> rows,
      List<UUID> replayIds) {
    if (!head.companyId.equals(r.ref().companyId())) {
      return new IllegalArgumentException("workspace " + r.ref().workspaceId()
          + " belongs to another company");
    }
    long seq = head.seq;
    Digest prev = head.hash;
    List<Object> out = new ArrayList<>();
    List<EventRows.Row> mine = new ArrayList<>();
    Map<String, Idem> mineKeys = new HashMap<>();
    for (PendingEvent p : r.events()) {
      String key = p.idempotencyKey();
      if (key != null) {
        Idem seen = mineKeys.containsKey(key) ? mineKeys.get(key) : head.keys.get(key);
        if (seen != null) {
          if (!seen.fingerprint().equals(p.fingerprint())) {
            return new IdempotencyConflictException(r.ref().workspaceId(), seen.eventId());
          }
          if (seen.created() != null) {
            out.add(new AppendOutcome(seen.created(), false));
          } else {
            out.add(seen.eventId()); // stored earlier: resolved after the inserts
            replayIds.add(seen.eventId());
          }
          continue;
        }
      }
      PendingEvent.Sealed sealed = p.sealWithView(++seq, prev);
      AuditEvent e = sealed.event();
      prev = e.hash();
      mine.add(EventRows.toRow(sealed, p.fingerprint()));
      out.add(new AppendOutcome(e, true));
      if (key != null) {
        mineKeys.put(key, new Idem(p.fingerprint(), e.id(), e));
      }
    }
    head.seq = seq;
    head.hash = prev;
    head.keys.putAll(mineKeys);
    for (EventRows.Row row : mine) {
      head.created.add(row.event().hash());
    }
    rows.addAll(mine);
    return out;
  }

  private static Map<Request, Object> resolve(Map<Request, Object> outcomes,
      Map<UUID, AuditEvent> replays) {
    for (Map.Entry<Request, Object> o : outcomes.entrySet()) {
      if (o.getValue() instanceof List<?> list) {
        List<AppendOutcome> resolved = new ArrayList<>(list.size());
        for (Object x : list) {
          resolved.add(x instanceof AppendOutcome a ? a
              : new AppendOutcome(replays.get((UUID) x), false));
        }
        o.setValue(resolved);
      }
    }
    return outcomes;
  }

  private void insert(Connection c, List<EventRows.Row> rows) throws SQLException {
    if (rows.isEmpty()) {
      return;
    }
    try (PreparedStatement ev = c.prepareStatement(sql.insertEvent());
        PreparedStatement pe = c.prepareStatement(sql.insertPersonal());
        PreparedStatement ik = c.prepareStatement(sql.insertKey())) {
      boolean anyPersonal = false;
      boolean anyKey = false;
      for (EventRows.Row row : rows) {
        AuditEvent e = row.event();
        EventRows.bind(ev, EventRows.eventArguments(row, e.id(), e.seq(), e.timestamp(),
            e.recordedAt()));
        ev.addBatch();
        for (EventRows.PersonalRow p : row.personal()) {
          EventRows.bind(pe, EventRows.personalArguments(e.id(), p));
          pe.addBatch();
          anyPersonal = true;
        }
        if (e.idempotencyKey() != null) {
          ik.setObject(1, e.workspaceId());
          ik.setString(2, e.idempotencyKey());
          ik.setObject(3, e.id());
          ik.setBytes(4, row.fingerprint().bytes());
          ik.addBatch();
          anyKey = true;
        }
      }
      ev.executeBatch();
      if (anyPersonal) {
        pe.executeBatch();
      }
      if (anyKey) {
        ik.executeBatch();
      }
    }
  }

  /** Stops accepting appends, writes what is queued, and waits for the writer to finish. */
  @Override
  public void close() {
    closed = true;
    try {
      writer.join(TimeUnit.SECONDS.toMillis(30));
      notifier.shutdown();
      notifier.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
