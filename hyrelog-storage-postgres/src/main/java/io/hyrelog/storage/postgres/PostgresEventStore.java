package io.hyrelog.storage.postgres;

import io.hyrelog.AuditEvent;
import io.hyrelog.ChainHead;
import io.hyrelog.DataSubject;
import io.hyrelog.Digest;
import io.hyrelog.EventScope;
import io.hyrelog.HyrelogException;
import io.hyrelog.PendingEvent;
import io.hyrelog.PersonalDataPolicy;
import io.hyrelog.WorkspaceRef;
import io.hyrelog.spi.AppendOutcome;
import io.hyrelog.spi.ChainTree;
import io.hyrelog.spi.ErasableEvent;
import io.hyrelog.spi.ErasureRequest;
import io.hyrelog.spi.EventCursor;
import io.hyrelog.spi.EventPage;
import io.hyrelog.spi.EventQuery;
import io.hyrelog.spi.EventStore;
import io.hyrelog.spi.WebhookStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link EventStore} on PostgreSQL. Events are insert-only (the database refuses UPDATE,
 * DELETE and TRUNCATE on them); appends from all threads of this process are grouped into one
 * transaction by a single writer (group commit), and chain heads are locked inside it, so any
 * number of processes can append to the same chain without forks or gaps. An append returns
 * only after its transaction committed with {@code synchronous_commit = on}.
 *
 * <p>Create with {@link #builder(DataSource)}; its schema (default {@value
 * PostgresMigrations#DEFAULT_SCHEMA}) must have been migrated ({@link PostgresMigrations}). The
 * store does not own the data sources. Thread-safe. Close it to stop the writer thread after it
 * has written what is queued. Database failures are {@link PostgresStorageException}s.
 *
 * <p>Give the writers connections of their own ({@link Builder#writerDataSource}), so that
 * readers holding every pooled connection can never stall appends, and bound the time a
 * stalled database can hold them (a socket timeout on the writers' data source, {@link
 * Builder#appendTimeout}).
 */
public final class PostgresEventStore implements EventStore, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PostgresEventStore.class);

  private final Database db;
  // Chains are spread over the writers by workspace id: one chain always goes to the same
  // writer (its appends stay in order), and different writers commit on different connections
  // in parallel.
  private final GroupCommitAppender[] writers;
  private final int fetchSize;
  private final PostgresChainTree tree;
  private final PostgresWebhookStore webhooks;

  private PostgresEventStore(Builder b, Database db, Database writerDb) {
    this.db = db;
    this.tree = new PostgresChainTree(db);
    this.webhooks = new PostgresWebhookStore(db);
    this.fetchSize = b.fetchSize;
    this.writers = new GroupCommitAppender[b.writers];
    int perWriter = (b.queueCapacity + b.writers - 1) / b.writers;
    for (int i = 0; i < b.writers; i++) {
      writers[i] = new GroupCommitAppender(writerDb, perWriter, b.maxGroupEvents,
          b.retryAfter, b.appendTimeout, "hyrelog-group-commit-" + i);
    }
  }

  /**
   * Starts a store on {@code dataSource}, with the defaults each builder method names.
   *
   * @param dataSource the database, migrated by {@link PostgresMigrations}; the caller owns the
   *     pool
   * @return a new builder
   */
  public static Builder builder(DataSource dataSource) {
    return new Builder(dataSource);
  }

  @Override
  public List<AppendOutcome> append(WorkspaceRef chain, List<PendingEvent> batch) {
    Objects.requireNonNull(chain, "chain");
    EventStore.requireBatch(chain, batch);
    return writers[Math.floorMod(chain.workspaceId().hashCode(), writers.length)]
        .append(chain, batch);
  }

  @Override
  public Stream<AuditEvent> read(EventScope scope, long fromSeq, long toSeq) {
    EventStore.requireRange(scope, fromSeq, toSeq);
    return db.stream("read chain " + scope.workspaceId(), h -> h.createQuery("SELECT "
            + PostgresReads.EVENT_COLUMNS + " FROM <schema>.events e WHERE e.workspace_id = ?"
            + " AND e.company_id = ? AND e.seq BETWEEN ? AND ? ORDER BY e.seq")
        .bind(0, scope.workspaceId()).bind(1, scope.companyId()).bind(2, fromSeq)
        .bind(3, toSeq).setFetchSize(fetchSize).map(PostgresReads::event));
  }

  @Override
  public Optional<ChainHead> head(EventScope scope) {
    scope.requireWorkspace();
    return db.first("read the head of chain " + scope.workspaceId(), "SELECT seq, hash"
        + " FROM <schema>.chain_heads WHERE workspace_id = ? AND company_id = ? AND seq > 0",
        (rs, ctx) -> new ChainHead(scope.workspaceId(), rs.getLong(1),
            Digest.of(rs.getBytes(2))), scope.workspaceId(), scope.companyId());
  }

  /**
   * Every chain's Merkle tree as C2SP tiles, written by each append transaction with the events
   * it stores (table {@code chain_tiles}; the module README, "Merkle tiles"). A chain that
   * existed before the tiles (migration V10) has a tree smaller than its head until {@link
   * PostgresTreeBackfill} has built it; {@link io.hyrelog.log.EventLog} streams such a chain
   * meanwhile.
   */
  @Override
  public Optional<ChainTree> tree() {
    return Optional.of(tree);
  }

  /**
   * The webhook endpoints and deliveries of this database (tables {@code webhook_*}, migration
   * V12, V14, V20; the module README, "Webhooks"). Appends write nothing for webhooks: the
   * chain is the outbox, and {@link WebhookStore#fanOut} creates the deliveries of each enabled
   * endpoint from its position in the chain, so an acknowledged event always gets its
   * deliveries, and chains without endpoints cost the append nothing.
   */
  @Override
  public Optional<WebhookStore> webhooks() {
    return Optional.of(webhooks);
  }

  /**
   * One chain of this database: its company, workspace and head seq (0 when it has no events
   * yet).
   *
   * @param companyId the company
   * @param workspaceId the workspace, which is also the chain
   * @param headSeq the head seq as of the read; 0 when the chain has no events yet
   */
  public record Chain(UUID companyId, UUID workspaceId, long headSeq) {
    /**
     * Validates the chain.
     *
     * @param companyId the company
     * @param workspaceId the workspace, which is also the chain
     * @param headSeq the head seq as of the read; 0 when the chain has no events yet
     */
    public Chain {
      Objects.requireNonNull(companyId, "companyId");
      Objects.requireNonNull(workspaceId, "workspaceId");
      if (headSeq < 0) {
        throw new IllegalArgumentException("headSeq must be >= 0, got " + headSeq);
      }
    }

    /**
     * The chain as a workspace scope.
     *
     * @return the scope
     */
    public EventScope scope() {
      return EventScope.workspace(companyId, workspaceId);
    }
  }

  /**
   * The chains of this database, or of one company, ordered by company id then workspace id (in
   * PostgreSQL's {@code uuid} order, as {@link PostgresExports#CHAIN_ORDER}), each with its
   * head seq as of this read; for jobs that visit every chain (verification, compliance
   * exports, snapshots). A chain exists from its first append on.
   *
   * @param companyId one company, or empty for all
   * @return the chains
   */
  public List<Chain> chains(Optional<UUID> companyId) {
    Objects.requireNonNull(companyId, "companyId");
    return db.list("list chains", "SELECT company_id, workspace_id, seq FROM <schema>.chain_heads"
        + (companyId.isPresent() ? " WHERE company_id = ?" : "")
        + " ORDER BY company_id, workspace_id",
        (rs, ctx) -> new Chain(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class),
            rs.getLong(3)), companyId.map(c -> new Object[] {c}).orElse(new Object[0]));
  }

  @Override
  public Optional<AuditEvent> find(EventScope scope, UUID eventId) {
    String sql = "SELECT " + PostgresReads.EVENT_COLUMNS + " FROM <schema>.events e"
        + " WHERE e.id = ? AND e.company_id = ?"
        + (scope.isWorkspace() ? " AND e.workspace_id = ?" : "");
    Object[] args = scope.isWorkspace()
        ? new Object[] {eventId, scope.companyId(), scope.workspaceId()}
        : new Object[] {eventId, scope.companyId()};
    return db.first("find an event", sql, PostgresReads::event, args);
  }

  @Override
  public Map<UUID, AuditEvent> find(EventScope scope, Collection<UUID> eventIds) {
    EventStore.requireFind(eventIds);
    if (eventIds.isEmpty()) {
      return Map.of();
    }
    String sql = "SELECT " + PostgresReads.EVENT_COLUMNS + " FROM <schema>.events e"
        + " WHERE e.id = ANY (?) AND e.company_id = ?"
        + (scope.isWorkspace() ? " AND e.workspace_id = ?" : "");
    Object[] args = scope.isWorkspace()
        ? new Object[] {Database.array("uuid", eventIds), scope.companyId(), scope.workspaceId()}
        : new Object[] {Database.array("uuid", eventIds), scope.companyId()};
    Map<UUID, AuditEvent> out = new HashMap<>();
    for (AuditEvent e : db.list("find " + eventIds.size() + " events", sql,
        PostgresReads::event, args)) {
      out.put(e.id(), e);
    }
    return out;
  }

  @Override
  public EventPage query(EventQuery q) {
    StringBuilder sql = new StringBuilder("SELECT ").append(PostgresReads.EVENT_COLUMNS)
        .append(" FROM <schema>.events e WHERE ");
    List<Object> args = new ArrayList<>();
    PostgresReads.where(sql, args, q);
    if (q.cursor() != null) {
      sql.append(" AND (e.ts, e.id) < (?, ?)");
      args.add(q.cursor().timestamp());
      args.add(q.cursor().id());
    }
    sql.append(" ORDER BY e.ts DESC, e.id DESC LIMIT ?");
    args.add(q.limit() + 1);
    List<AuditEvent> events = db.list("query events", sql.toString(), PostgresReads::event,
        args.toArray());
    if (events.size() <= q.limit()) {
      return new EventPage(events, null);
    }
    List<AuditEvent> page = events.subList(0, q.limit());
    return new EventPage(page, EventCursor.after(page.get(page.size() - 1)));
  }

  @Override
  public long erase(ErasureRequest r) {
    List<Object> args = new ArrayList<>();
    String match = selects(r, args);
    String sql = "WITH hit AS (SELECT e.id FROM <schema>.events e WHERE " + match + ")"
        + " UPDATE <schema>.event_personal p SET salt = NULL, value = NULL, erased_at = now()"
        + " FROM hit WHERE p.event_id = hit.id AND p.salt IS NOT NULL RETURNING p.event_id";
    return db.list("erase personal data", sql, (rs, ctx) -> rs.getObject(1, UUID.class),
        args.toArray()).stream().distinct().count();
  }

  @Override
  public List<ErasableEvent> erasable(ErasureRequest r) {
    List<Object> args = new ArrayList<>();
    String match = selects(r, args);
    return db.list("list erasable events", "SELECT e.workspace_id, e.seq, e.id,"
        + " array_agg(p.path ORDER BY p.path COLLATE \"C\") FROM <schema>.events e"
        + " JOIN <schema>.event_personal p ON p.event_id = e.id AND p.salt IS NOT NULL"
        + " WHERE " + match + " GROUP BY e.workspace_id, e.seq, e.id"
        + " ORDER BY e.workspace_id, e.seq", (rs, ctx) -> new ErasableEvent(
            rs.getObject(1, UUID.class), rs.getLong(2), rs.getObject(3, UUID.class),
            List.of((String[]) rs.getArray(4).getArray())), args.toArray());
  }

  /**
   * The condition "event e is in the request's scope and belongs to one of its subjects",
   * appending its arguments. Values and paths are parameters (a metadata key is input).
   */
  private static String selects(ErasureRequest r, List<Object> args) {
    StringBuilder match = new StringBuilder("e.company_id = ?");
    args.add(r.scope().companyId());
    if (r.scope().isWorkspace()) {
      match.append(" AND e.workspace_id = ?");
      args.add(r.scope().workspaceId());
    }
    List<String> who = new ArrayList<>();
    for (DataSubject s : r.subjects()) {
      byte[] stored = PostgresReads.canonicalString(s.value());
      switch (s.kind()) {
        case ACTOR_ID -> {
          who.add("e.actor_id = ? OR " + PERSONAL_MATCH);
          args.add(s.value());
          args.add("/actor/id");
          args.add(stored);
        }
        case ACTOR_EMAIL -> {
          who.add(PERSONAL_MATCH + " OR convert_from(e.view, 'UTF8')::jsonb #>> '{actor,email}' = ?");
          args.add("/actor/email");
          args.add(stored);
          args.add(s.value());
        }
        case METADATA -> {
          who.add(PERSONAL_MATCH);
          args.add(PersonalDataPolicy.metadataPath(s.key()));
          args.add(stored);
        }
      }
    }
    match.append(" AND (").append(String.join(" OR ", who)).append(")");
    return match.toString();
  }

  // The event's personal value at the path (first argument) equals the second argument.
  private static final String PERSONAL_MATCH = "EXISTS (SELECT 1 FROM <schema>.event_personal q"
      + " WHERE q.event_id = e.id AND q.path = ? AND q.value = ?)";

  /** Stops the writer after it has committed what is queued. */
  @Override
  public void close() {
    for (GroupCommitAppender w : writers) {
      w.close();
    }
  }

  /**
   * Builder of {@link PostgresEventStore}; each setter rejects a bad value at once. Not
   * thread-safe.
   */
  public static final class Builder {
    private final DataSource dataSource;
    private DataSource writerDataSource;
    private Duration appendTimeout = Duration.ofSeconds(30);
    private String schema = PostgresMigrations.DEFAULT_SCHEMA;
    private int queueCapacity = 10_000;
    private int maxGroupEvents = 5_000;
    private Duration retryAfter = Duration.ofSeconds(1);
    private int fetchSize = 500;
    private boolean requireDurableCommits = true;
    private int writers = Math.min(4, Runtime.getRuntime().availableProcessors());

    private Builder(DataSource dataSource) {
      this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /**
     * The schema of HyreLog's tables (default {@value PostgresMigrations#DEFAULT_SCHEMA}), as
     * given to {@link PostgresMigrations.Builder#schema}.
     *
     * @param schema the schema
     * @return this builder
     */
    public Builder schema(String schema) {
      this.schema = Database.requireSchema(schema);
      return this;
    }

    /**
     * Append requests that may wait for the writers (split evenly between them); beyond it
     * appends fail fast (503).
     *
     * @param n the capacity, at least 1
     * @return this builder
     */
    public Builder queueCapacity(int n) {
      this.queueCapacity = positive("queueCapacity", n);
      return this;
    }

    /**
     * Most events one group transaction writes (at least one full batch of 1,000).
     *
     * @param n events, at least 1,000
     * @return this builder
     */
    public Builder maxGroupEvents(int n) {
      if (n < EventQuery.MAX_LIMIT) {
        throw new IllegalArgumentException("maxGroupEvents must be >= 1000 (one full batch),"
            + " got " + n);
      }
      this.maxGroupEvents = n;
      return this;
    }

    /**
     * What {@link io.hyrelog.spi.StoreOverloadedException#retryAfter()} tells callers.
     *
     * @param d the wait, positive
     * @return this builder
     */
    public Builder retryAfter(Duration d) {
      if (d == null || d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("retryAfter must be positive, got " + d);
      }
      this.retryAfter = d;
      return this;
    }

    /**
     * Writer threads, each committing on its own connection (default: the number of cores, at
     * most 4). All appends to one chain go through the same writer. The writers' data source
     * ({@link #writerDataSource}, or the builder's) must have at least this many connections
     * (plus those readers need, when they share it).
     *
     * @param n writers, 1..64
     * @return this builder
     */
    public Builder writers(int n) {
      if (n < 1 || n > 64) {
        throw new IllegalArgumentException("writers must be in 1..64, got " + n);
      }
      this.writers = n;
      return this;
    }

    /**
     * The connections the writers commit on, instead of the builder's data source (which then
     * serves reads only). Size its pool to {@link #writers} connections: each writer holds one
     * while it writes a group, and nothing else takes them, so readers can never starve
     * appends. The durability check at {@link #build()} runs on it.
     *
     * @param writers the writers' data source
     * @return this builder
     */
    public Builder writerDataSource(DataSource writers) {
      this.writerDataSource = Objects.requireNonNull(writers, "writerDataSource");
      return this;
    }

    /**
     * How long an append may wait (default 30 s): one not taken by its writer within this
     * time is refused with {@link io.hyrelog.spi.StoreOverloadedException} (nothing of it
     * stored); one that was taken waits for its transaction at most this long again, then
     * fails with {@link io.hyrelog.spi.AppendOutcomeUnknownException}. The transaction itself
     * is bounded only by the writers' data source: give its connections a socket timeout
     * (pgjdbc {@code socketTimeout}) shorter than this, so a stalled database fails the
     * commit instead of leaving its outcome unknown.
     *
     * @param d the timeout, positive
     * @return this builder
     */
    public Builder appendTimeout(Duration d) {
      if (d == null || d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("appendTimeout must be positive, got " + d);
      }
      this.appendTimeout = d;
      return this;
    }

    /**
     * Rows fetched per round trip when streaming a chain.
     *
     * @param n rows, at least 1
     * @return this builder
     */
    public Builder fetchSize(int n) {
      this.fetchSize = positive("fetchSize", n);
      return this;
    }

    /**
     * Whether to refuse to start when the server does not flush commits durably ({@code fsync}
     * off). Default true; when false the store starts and logs a warning.
     *
     * @param b whether non-durable commits are refused
     * @return this builder
     */
    public Builder requireDurableCommits(boolean b) {
      this.requireDurableCommits = b;
      return this;
    }

    /**
     * Checks the server's durability settings and the schema, and starts the writer threads.
     *
     * @return the store; thread-safe, close it to stop the writers
     * @throws HyrelogException when the database is unreachable, does not flush commits
     *     durably and {@link #requireDurableCommits} is on, or the schema does not exist, is
     *     not migrated, or may not be used by the connecting role
     */
    public PostgresEventStore build() {
      String[] tables = {"events", "event_personal", "idempotency_keys", "chain_heads",
          "chain_tiles", "webhook_endpoints", "webhook_deliveries", "webhook_attempts"};
      Database db = Database.unchecked(dataSource, schema);
      Database writerDb = writerDataSource == null ? db
          : Database.unchecked(writerDataSource, schema);
      checkDurability(writerDb);
      if (writerDb != db) {
        writerDb.requireTables(tables);
      }
      return new PostgresEventStore(this, db.requireTables(tables), writerDb);
    }

    private void checkDurability(Database db) {
      String[] settings = db.withHandle("check the database's durability settings; is the"
          + " database reachable?", h -> new String[] {show(h, "fsync"),
              show(h, "synchronous_commit")});
      String fsync = settings[0];
      String syncCommit = settings[1];
      if (!"on".equals(fsync)) {
        String msg = "PostgreSQL runs with fsync=" + fsync + ": a crash of the database host"
            + " can lose acknowledged events";
        if (requireDurableCommits) {
          throw new HyrelogException(msg + "; set fsync=on, or build the store with"
              + " requireDurableCommits(false) to accept the risk");
        }
        LOG.warn("{} (requireDurableCommits is false)", msg);
      }
      if (!"on".equals(syncCommit) && !"remote_apply".equals(syncCommit)
          && !"remote_write".equals(syncCommit)) {
        LOG.warn("PostgreSQL's default synchronous_commit is {}; HyreLog sets it to on for"
            + " its own append transactions, so acknowledged events are still durable",
            syncCommit);
      }
    }

    private static String show(Handle h, String setting) {
      return h.createQuery("SELECT current_setting(?)").bind(0, setting).mapTo(String.class)
          .one();
    }

    private static int positive(String name, int n) {
      if (n < 1) {
        throw new IllegalArgumentException(name + " must be >= 1, got " + n);
      }
      return n;
    }
  }
}
