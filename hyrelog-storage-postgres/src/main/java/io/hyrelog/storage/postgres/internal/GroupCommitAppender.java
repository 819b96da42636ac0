package io.hyrelog.storage.postgres.internal;

import io.hyrelog.AuditEvent;
import io.hyrelog.Digest;
import io.hyrelog.HyrelogException;
import io.hyrelog.PendingEvent;
import io.hyrelog.WorkspaceRef;
import io.hyrelog.spi.AppendOutcome;
import io.hyrelog.spi.IdempotencyConflictException;
import io.hyrelog.spi.StoreOverloadedException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.sql.Types;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit: one writer thread drains a bounded queue of append requests and writes as many
 * as it can (up to a number of events) in one transaction, across chains. In that transaction
 * it locks the heads of the chains it touches in UUID order (so concurrent writers in other
 * processes never deadlock), assigns seqs, seals, inserts, moves the heads and commits; only
 * then are the callers released. A request that conflicts on an idempotency key fails alone.
 * If the group transaction fails, each of its requests is retried in a transaction of its own,
 * so one bad request cannot fail the others. Not part of the public API.
 */
public final class GroupCommitAppender implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(GroupCommitAppender.class);

  private final DataSource dataSource;
  private final BlockingQueue<Request> queue;
  private final int maxGroupEvents;
  private final Duration retryAfter;
  private final Thread writer;
  private volatile boolean closed;

  private record Request(WorkspaceRef ref, List<PendingEvent> events,
      CompletableFuture<List<AppendOutcome>> result) {}

  public GroupCommitAppender(DataSource dataSource, int queueCapacity, int maxGroupEvents,
      Duration retryAfter, String name) {
    this.dataSource = dataSource;
    this.queue = new ArrayBlockingQueue<>(queueCapacity);
    this.maxGroupEvents = maxGroupEvents;
    this.retryAfter = retryAfter;
    this.writer = new Thread(this::run, name);
    this.writer.setDaemon(true);
    this.writer.start();
  }

  /** Enqueues and waits for the commit. */
  public List<AppendOutcome> append(WorkspaceRef ref, List<PendingEvent> events) {
    if (closed) {
      throw new IllegalStateException("the event store is closed");
    }
    Request r = new Request(ref, List.copyOf(events), new CompletableFuture<>());
    if (!queue.offer(r)) {
      throw new StoreOverloadedException("the append queue is full (" + queue.size()
          + " requests waiting); retry after " + retryAfter.toMillis() + " ms", retryAfter);
    }
    try {
      return r.result().get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new HyrelogException("interrupted while waiting for the append to commit; it may "
          + "or may not have committed: retry with the same idempotency keys", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new HyrelogException("append failed: " + e.getCause().getMessage(), e.getCause());
    }
  }

  private void run() {
    List<Request> group = new ArrayList<>();
    while (!closed || !queue.isEmpty()) {
      try {
        Request first = queue.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        group.clear();
        group.add(first);
        int events = first.events().size();
        Request next;
        while (events < maxGroupEvents && (next = queue.peek()) != null
            && events + next.events().size() <= maxGroupEvents) {
          group.add(queue.poll());
          events += next.events().size();
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
      SQLException cause = (SQLException) e.getCause();
      for (Request r : group) {
        r.result().completeExceptionally(new HyrelogException("the connection failed during"
            + " COMMIT (SQLState " + cause.getSQLState() + "), so the append may or may not be"
            + " stored; retry with the same idempotency keys to find out", cause));
      }
      return;
    } catch (SQLException e) {
      if (group.size() == 1) {
        group.get(0).result().completeExceptionally(storeFailure(e));
        return;
      }
      LOG.debug("group of {} requests failed; retrying them one by one", group.size(), e);
      for (Request r : group) {
        writeGroup(List.of(r));
      }
      return;
    }
    for (Map.Entry<Request, Object> o : outcomes.entrySet()) {
      if (o.getValue() instanceof RuntimeException ex) {
        o.getKey().result().completeExceptionally(ex);
      } else {
        @SuppressWarnings("unchecked")
        List<AppendOutcome> list = (List<AppendOutcome>) o.getValue();
        o.getKey().result().complete(list);
      }
    }
  }

  private static HyrelogException storeFailure(SQLException e) {
    // A batch exception's message repeats the statement with its parameters (personal data);
    // keep only the server's own error as the cause.
    SQLException cause = e instanceof java.sql.BatchUpdateException && e.getNextException() != null
        ? e.getNextException() : e;
    return new HyrelogException("the append did not commit (SQLState " + e.getSQLState()
        + "); nothing of it was stored, retry with the same idempotency keys", cause);
  }

  /** Chain state while a group transaction holds its head lock. */
  private static final class Head {
    final UUID companyId;
    long seq;
    Digest hash;
    final Map<String, Idem> keys = new HashMap<>();

    Head(UUID companyId, long seq, Digest hash) {
      this.companyId = companyId;
      this.seq = seq;
      this.hash = hash;
    }
  }

  private record Idem(Digest fingerprint, UUID eventId, AuditEvent created) {}

  private Map<Request, Object> transaction(List<Request> group) throws SQLException {
    Map<Request, Object> outcomes = new LinkedHashMap<>();
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        try (Statement s = c.createStatement()) {
          s.execute("SET LOCAL synchronous_commit TO on");
        }
        TreeMap<UUID, List<Request>> byChain = new TreeMap<>(Comparator.naturalOrder());
        for (Request r : group) {
          byChain.computeIfAbsent(r.ref().workspaceId(), k -> new ArrayList<>()).add(r);
        }
        List<EventRows.Row> rows = new ArrayList<>();
        List<UUID> replayIds = new ArrayList<>();
        Map<UUID, Head> heads = new TreeMap<>(Comparator.naturalOrder());
        // UUID.compareTo order is a total order every process shares: no lock-order deadlocks.
        for (Map.Entry<UUID, List<Request>> chain : byChain.entrySet()) {
          Head head = lockHead(c, chain.getValue().get(0).ref());
          heads.put(chain.getKey(), head);
          loadKeys(c, chain.getKey(), chain.getValue(), head);
          for (Request r : chain.getValue()) {
            outcomes.put(r, assign(r, head, rows, replayIds));
          }
        }
        insert(c, rows);
        for (Map.Entry<UUID, Head> h : heads.entrySet()) {
          try (PreparedStatement ps = c.prepareStatement(
              "UPDATE chain_heads SET seq = ?, hash = ?, updated_at = now()"
                  + " WHERE workspace_id = ?")) {
            ps.setLong(1, h.getValue().seq);
            ps.setBytes(2, h.getValue().hash.bytes());
            ps.setObject(3, h.getKey());
            ps.executeUpdate();
          }
        }
        Map<UUID, AuditEvent> replays = PostgresReads.findByIds(c, replayIds);
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

  private static Head lockHead(Connection c, WorkspaceRef ref) throws SQLException {
    try (PreparedStatement ins = c.prepareStatement(
        "INSERT INTO chain_heads (workspace_id, company_id, seq, hash) VALUES (?, ?, 0, ?)"
            + " ON CONFLICT (workspace_id) DO NOTHING")) {
      ins.setObject(1, ref.workspaceId());
      ins.setObject(2, ref.companyId());
      ins.setBytes(3, Digest.ZERO.bytes());
      ins.executeUpdate();
    }
    try (PreparedStatement sel = c.prepareStatement(
        "SELECT company_id, seq, hash FROM chain_heads WHERE workspace_id = ? FOR UPDATE")) {
      sel.setObject(1, ref.workspaceId());
      try (ResultSet rs = sel.executeQuery()) {
        rs.next();
        return new Head(rs.getObject(1, UUID.class), rs.getLong(2), Digest.of(rs.getBytes(3)));
      }
    }
  }

  private static void loadKeys(Connection c, UUID chain, List<Request> requests, Head head)
      throws SQLException {
    List<String> keys = new ArrayList<>();
    for (Request r : requests) {
      for (PendingEvent p : r.events()) {
        if (p.idempotencyKey() != null) {
          keys.add(p.idempotencyKey());
        }
      }
    }
    if (keys.isEmpty()) {
      return;
    }
    try (PreparedStatement ps = c.prepareStatement("SELECT key, fingerprint, event_id"
        + " FROM idempotency_keys WHERE workspace_id = ? AND key = ANY (?)")) {
      ps.setObject(1, chain);
      Array arr = c.createArrayOf("text", keys.toArray());
      ps.setArray(2, arr);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          head.keys.put(rs.getString(1),
              new Idem(Digest.of(rs.getBytes(2)), rs.getObject(3, UUID.class), null));
        }
      }
    }
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

  private static void insert(Connection c, List<EventRows.Row> rows) throws SQLException {
    if (rows.isEmpty()) {
      return;
    }
    try (PreparedStatement ev = c.prepareStatement("INSERT INTO events (workspace_id, seq, id,"
            + " company_id, project_id, ts, recorded_at, category, action, actor_id,"
            + " idempotency_key, prev_hash, hash, view, metadata)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb)");
        PreparedStatement pe = c.prepareStatement(
            "INSERT INTO event_personal (event_id, path, salt, value) VALUES (?, ?, ?, ?)");
        PreparedStatement ik = c.prepareStatement("INSERT INTO idempotency_keys"
            + " (workspace_id, key, event_id, fingerprint) VALUES (?, ?, ?, ?)")) {
      boolean anyPersonal = false;
      boolean anyKey = false;
      for (EventRows.Row row : rows) {
        AuditEvent e = row.event();
        ev.setObject(1, e.workspaceId());
        ev.setLong(2, e.seq());
        ev.setObject(3, e.id());
        ev.setObject(4, e.companyId());
        ev.setObject(5, e.projectId(), Types.OTHER);
        ev.setObject(6, OffsetDateTime.ofInstant(e.timestamp(), ZoneOffset.UTC));
        ev.setObject(7, OffsetDateTime.ofInstant(e.recordedAt(), ZoneOffset.UTC));
        ev.setString(8, e.category());
        ev.setString(9, e.action());
        ev.setString(10, row.actorId());
        ev.setString(11, e.idempotencyKey());
        ev.setBytes(12, e.prevHash().bytes());
        ev.setBytes(13, e.hash().bytes());
        ev.setBytes(14, row.view());
        ev.setString(15, row.metadataJson());
        ev.addBatch();
        for (EventRows.PersonalRow p : row.personal()) {
          pe.setObject(1, e.id());
          pe.setString(2, p.path());
          pe.setBytes(3, p.salt());
          pe.setBytes(4, p.value());
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
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
