package io.hyrelog.storage.postgres;

import io.hyrelog.spi.AlreadyStoredException;
import io.hyrelog.spi.DeliveryCursor;
import io.hyrelog.spi.WebhookStore;
import io.hyrelog.webhook.ClaimedDelivery;
import io.hyrelog.webhook.ClaimedRun;
import io.hyrelog.webhook.DeliveryAttempt;
import io.hyrelog.webhook.DeliveryOutcome;
import io.hyrelog.webhook.DeliveryPage;
import io.hyrelog.webhook.DeliveryStatus;
import io.hyrelog.webhook.SealedSecret;
import io.hyrelog.webhook.WebhookDelivery;
import io.hyrelog.webhook.WebhookEndpoint;
import io.hyrelog.webhook.WebhookEventType;
import io.hyrelog.webhook.WebhookLimitException;
import io.hyrelog.webhook.WebhookResponse;
import io.hyrelog.webhook.WebhookSecrets;
import java.net.URI;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jdbi.v3.core.Handle;

/**
 * The {@link WebhookStore} of a {@link PostgresEventStore} ({@link PostgresEventStore#webhooks()};
 * tables {@code webhook_endpoints}, {@code webhook_deliveries}, {@code webhook_attempts}, migration
 * V12, V14, V20). Appends write nothing here: {@link #fanOut} creates the deliveries from the
 * chains (the outbox) and moves each endpoint's position; the other methods read and move
 * them. Thread-safe, and safe with several processes: fan-outs and claims lock rows with {@code
 * FOR UPDATE SKIP LOCKED} and re-check them under the lock, completions are conditional on the
 * lease, creations of one company are serialized by an advisory lock. Every method is one
 * transaction (most are one statement). Instants are stored with microsecond precision
 * (truncated before they are written).
 */
final class PostgresWebhookStore implements WebhookStore {
  private static final String ENDPOINT = "w.id, w.company_id, w.workspace_id, w.project_id,"
      + " w.url, w.events, w.description, w.enabled, w.disabled_reason, w.failing_since,"
      + " w.created_at, w.updated_at, w.secret, w.previous_secret, w.previous_until";
  private static final String DELIVERY = "d.id, d.endpoint_id, d.company_id, d.workspace_id,"
      + " d.event_id, d.seq, d.status, d.attempts, d.next_attempt_at, d.last_attempt_at,"
      + " d.last_status_code, d.created_at";
  // Column positions: the endpoint's 15 columns come first when both are selected.
  private static final int ENDPOINT_COLUMNS = 15;

  /** A chain's head seq (0 for a chain without events), of the workspace bound here. */
  private static final String HEAD = "COALESCE((SELECT h.seq FROM <schema>.chain_heads h"
      + " WHERE h.workspace_id = ?), 0)";

  private final Database db;

  PostgresWebhookStore(Database db) {
    this.db = db;
  }

  @Override
  public WebhookEndpoint create(WebhookEndpoint endpoint, WebhookSecrets secrets,
      int maxPerCompany) {
    WebhookStore.requireNew(endpoint, secrets, maxPerCompany);
    WebhookEndpoint e = endpoint;
    return db.inTransaction("create webhook endpoint " + e.id(), h -> {
      // Creations of one company wait for each other, so concurrent ones never pass the limit.
      h.execute("SELECT pg_advisory_xact_lock(hashtextextended(?, 15))",
          "webhook-endpoints:" + e.companyId());
      long count = h.createQuery("SELECT count(*) FROM <schema>.webhook_endpoints"
          + " WHERE company_id = ?").bind(0, e.companyId()).mapTo(Long.class).one();
      if (count >= maxPerCompany) {
        throw new WebhookLimitException(maxPerCompany);
      }
      List<String> events = e.events().stream().map(Enum::name).sorted().toList();
      Optional<WebhookEndpoint> stored = Database.bind(h.createQuery("INSERT INTO"
              + " <schema>.webhook_endpoints AS w (id, company_id, workspace_id, project_id, url,"
              + " events, description, secret, previous_secret, previous_until, enabled,"
              + " disabled_reason, failing_since, created_at, updated_at, fanned_seq) VALUES (?, ?,"
              + " ?, ?, ?, ?, ?, ?, ?, ?, true, NULL, NULL, ?, ?, " + HEAD + ")"
              + " ON CONFLICT (id) DO NOTHING"
              + " RETURNING " + ENDPOINT),
          e.id(), e.companyId(), e.workspaceId(), e.projectId().orElse(null),
          e.url().toString(), Database.array("text", events), e.description(),
          secrets.current().bytes(), secrets.previous().map(SealedSecret::bytes).orElse(null),
          secrets.previousUntil().map(PostgresWebhookStore::at).orElse(null),
          at(e.createdAt()), at(e.updatedAt()), e.workspaceId())
          .map((rs, ctx) -> endpoint(rs, 0)).findFirst();
      return stored.orElseThrow(() -> new AlreadyStoredException("webhook endpoint " + e.id()
          + " is already stored"));
    });
  }

  @Override
  public Optional<WebhookEndpoint> endpoint(UUID companyId, UUID endpointId) {
    Objects.requireNonNull(companyId, "companyId");
    Objects.requireNonNull(endpointId, "endpointId");
    return db.first("read webhook endpoint " + endpointId, "SELECT " + ENDPOINT
        + " FROM <schema>.webhook_endpoints w WHERE w.id = ? AND w.company_id = ?",
        (rs, ctx) -> endpoint(rs, 0), endpointId, companyId);
  }

  @Override
  public List<WebhookEndpoint> endpoints(UUID companyId, Optional<UUID> workspaceId) {
    Objects.requireNonNull(companyId, "companyId");
    Objects.requireNonNull(workspaceId, "workspaceId");
    return db.list("list webhook endpoints", "SELECT " + ENDPOINT
        + " FROM <schema>.webhook_endpoints w WHERE w.company_id = ?"
        + (workspaceId.isPresent() ? " AND w.workspace_id = ?" : "")
        + " ORDER BY w.created_at, w.id LIMIT " + MAX_ENDPOINTS,
        (rs, ctx) -> endpoint(rs, 0), workspaceId.isPresent()
            ? new Object[] {companyId, workspaceId.get()} : new Object[] {companyId});
  }

  /**
   * {@inheritDoc}
   *
   * <p>One transaction: disabling locks the endpoint row, fans out its chain up to the head
   * ({@link #catchUp}) and disables it; enabling a disabled endpoint moves its position to the
   * chain's head as this statement sees it (an append that commits later is after it).
   */
  @Override
  public Optional<WebhookEndpoint> setEnabled(UUID companyId, UUID endpointId, boolean enabled,
      String reason, Instant at) {
    Optional<String> why = WebhookStore.requireReason(enabled, reason);
    Objects.requireNonNull(companyId, "companyId");
    Objects.requireNonNull(endpointId, "endpointId");
    Objects.requireNonNull(at, "at");
    return db.inTransaction("set webhook endpoint " + endpointId + " enabled=" + enabled, h -> {
      if (!enabled) {
        List<UUID> mine = h.createQuery("SELECT w.id FROM <schema>.webhook_endpoints w"
            + " WHERE w.id = ? AND w.company_id = ? FOR UPDATE").bind(0, endpointId)
            .bind(1, companyId).mapTo(UUID.class).list();
        catchUp(h, mine);
      }
      return changeEndpoint(h, "enabled = ?, disabled_reason = ?,"
          + " failing_since = CASE WHEN ? THEN NULL ELSE w.failing_since END,"
          + " fanned_seq = CASE WHEN ? AND NOT w.enabled THEN GREATEST(w.fanned_seq,"
          + " COALESCE((SELECT h.seq FROM <schema>.chain_heads h"
          + " WHERE h.workspace_id = w.workspace_id), 0)) ELSE w.fanned_seq END",
          companyId, endpointId, at, enabled, why.orElse(null), enabled, enabled);
    });
  }

  @Override
  public Optional<WebhookEndpoint> rotateSecret(UUID companyId, UUID endpointId,
      SealedSecret next, Instant previousUntil, Instant at) {
    Objects.requireNonNull(next, "next");
    Objects.requireNonNull(previousUntil, "previousUntil");
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(companyId, "companyId");
    Objects.requireNonNull(endpointId, "endpointId");
    return db.withHandle("rotate the secret of webhook endpoint " + endpointId, h ->
        changeEndpoint(h, "previous_secret = w.secret, previous_until = ?, secret = ?",
            companyId, endpointId, at, at(previousUntil), next.bytes()));
  }

  /** One conditional UPDATE of a company's endpoint that never moves updated_at back. */
  private static Optional<WebhookEndpoint> changeEndpoint(Handle h, String set, UUID companyId,
      UUID endpointId, Instant at, Object... setArgs) {
    List<Object> args = new ArrayList<>(java.util.Arrays.asList(setArgs));
    args.add(at(at));
    args.add(endpointId);
    args.add(companyId);
    return Database.bind(h.createQuery("UPDATE <schema>.webhook_endpoints w SET " + set
        + ", updated_at = GREATEST(w.updated_at, ?) WHERE w.id = ? AND w.company_id = ?"
        + " RETURNING " + ENDPOINT), args.toArray()).map((rs, ctx) -> endpoint(rs, 0))
        .findFirst();
  }

  /**
   * {@inheritDoc}
   *
   * <p>One statement ({@link #FAN_OUT}) over at most {@value #FAN_OUT_ENDPOINTS} endpoints
   * that are behind their chain's head, the furthest behind first (so with more endpoints than
   * that behind, none starves: its lag grows until it is taken), each locked with {@code FOR
   * UPDATE SKIP LOCKED} (so
   * two processes never fan out one endpoint at once; UNIQUE (endpoint_id, seq) refuses a
   * second row anyway): per endpoint one range read of the events' primary key after its
   * position, one insert of the covered ones, and the new position.
   */
  @Override
  public boolean fanOut(int maxEvents) {
    WebhookStore.requireFanOut(maxEvents);
    return db.withHandle("fan out webhook deliveries", h -> fanOut(h, maxEvents, null));
  }

  private static final int FAN_OUT_ENDPOINTS = 100;

  /**
   * A delivery's id, time-ordered (UUID version 7: the event's recordedAt in milliseconds,
   * then 74 random bits of {@code gen_random_uuid()}), so the primary key's inserts go to its
   * right edge instead of a random leaf page each: fewer page splits and full-page images in
   * the WAL as the table grows. Unique like a random UUID (74 random bits per millisecond).
   */
  private static final String DELIVERY_ID = "(lpad(to_hex(floor(extract(epoch FROM"
      + " ev.recorded_at) * 1000)::bigint), 12, '0') || '7'"
      + " || substr(replace(gen_random_uuid()::text, '-', ''), 14))::uuid";

  /**
   * The deliveries of the events after each endpoint's position (all enabled endpoints behind
   * their head, or those of {@code ids}), and the new positions; answers whether an endpoint
   * had more than {@code :max} events to take or more endpoints were behind.
   */
  private static final String FAN_OUT = """
      WITH ep AS (
        SELECT w.id, w.project_id, w.fanned_seq, w.workspace_id, w.company_id,
          'AUDIT_EVENT_CREATED' = ANY (w.events) AS subscribed
        FROM <schema>.webhook_endpoints w
        JOIN <schema>.chain_heads h ON h.workspace_id = w.workspace_id
          AND h.company_id = w.company_id
        WHERE w.enabled AND w.fanned_seq < h.seq
          AND (:all OR w.id = ANY (:ids))
        ORDER BY h.seq - w.fanned_seq DESC, w.id LIMIT :endpoints
        FOR UPDATE OF w SKIP LOCKED
      ), ev AS (
        SELECT ep.id AS endpoint_id, ep.subscribed, ep.project_id AS only_project, e.id,
          e.company_id, e.workspace_id, e.project_id, e.seq, e.recorded_at
        FROM ep CROSS JOIN LATERAL (
          SELECT e.id, e.company_id, e.workspace_id, e.project_id, e.seq, e.recorded_at
          FROM <schema>.events e
          WHERE e.workspace_id = ep.workspace_id AND e.seq > ep.fanned_seq
          ORDER BY e.seq LIMIT :max) e
      ), ins AS (
        INSERT INTO <schema>.webhook_deliveries (id, endpoint_id, company_id, workspace_id,
          event_id, seq, status, attempts, next_attempt_at, created_at)
        SELECT\s""" + DELIVERY_ID + """
          , ev.endpoint_id, ev.company_id, ev.workspace_id, ev.id, ev.seq, 'PENDING', 0,
          ev.recorded_at, ev.recorded_at
        FROM ev
        WHERE ev.subscribed AND (ev.only_project IS NULL OR ev.only_project = ev.project_id)
        ON CONFLICT (endpoint_id, seq) DO NOTHING
      ), moved AS (
        UPDATE <schema>.webhook_endpoints w SET fanned_seq = m.seq
        FROM (SELECT endpoint_id, max(seq) AS seq, count(*) AS n FROM ev GROUP BY endpoint_id) m
        WHERE w.id = m.endpoint_id
        RETURNING m.n
      )
      SELECT coalesce(bool_or(n >= :max), false) OR (SELECT count(*) FROM ep) >= :endpoints
      FROM moved""";

  /**
   * Whether some enabled endpoint is behind its chain's head: asked before a fan-out of every
   * endpoint, so an idle poll reads two small tables and never touches {@code events} (a poll
   * must not queue behind a lock on the events table, e.g. a maintenance LOCK).
   */
  private static final String BEHIND = "SELECT EXISTS (SELECT 1 FROM <schema>.webhook_endpoints w"
      + " JOIN <schema>.chain_heads h ON h.workspace_id = w.workspace_id"
      + " AND h.company_id = w.company_id WHERE w.enabled AND w.fanned_seq < h.seq)";

  /** One fan-out statement; {@code ids} null for every endpoint. */
  private static boolean fanOut(Handle h, int max, List<UUID> ids) {
    if (ids == null && !h.createQuery(BEHIND).mapTo(Boolean.class).one()) {
      return false;
    }
    return h.createQuery(FAN_OUT).bind("max", max).bind("endpoints", FAN_OUT_ENDPOINTS)
        .bind("all", ids == null).bind("ids", Database.array("uuid", ids == null ? List.of() : ids))
        .mapTo(Boolean.class).one();
  }

  /**
   * Fans out the chains of endpoints this transaction has locked, up to their heads, in
   * batches: before they are disabled, so they cover every event appended while enabled.
   */
  private static void catchUp(Handle h, List<UUID> ids) {
    if (ids.isEmpty()) {
      return;
    }
    while (fanOut(h, MAX_FAN_OUT, ids)) {
      // another batch: an endpoint was more than MAX_FAN_OUT events behind
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>The plan: {@code heads} takes each enabled endpoint and probes the partial index of
   * PENDING deliveries ({@code webhook_deliveries_claim}: endpoint, seq) for its lowest seq,
   * one index probe per endpoint ({@code LATERAL … ORDER BY seq LIMIT 1}), so the cost grows
   * with the number of enabled endpoints, never with the number of pending deliveries behind
   * their heads. Of those heads, the due and unleased ones are locked with {@code FOR UPDATE
   * SKIP LOCKED}, oldest due first, up to {@code maxRuns}. The lock is taken on the head rows
   * only, never inside the per-endpoint probe: there SKIP LOCKED would skip a head another
   * worker is claiming and hand out the next seq, breaking the order. Under the lock PostgreSQL
   * re-evaluates the row's conditions on its newest version (READ COMMITTED), so a head another
   * process claimed or completed since this statement's snapshot drops out instead of being
   * claimed twice. Each locked head's run is the longest prefix of its endpoint's next {@code
   * runLength} PENDING deliveries (the same index, a range from the head) that are all due and
   * unleased; a worker only leases rows behind a head it holds the lock of, so two runs of one
   * endpoint never overlap.
   */
  @Override
  public List<ClaimedRun> claimRuns(Instant now, int maxRuns, int runLength, Duration lease,
      String worker) {
    WebhookStore.requireClaim(now, maxRuns, lease, worker);
    WebhookStore.requireRunLength(runLength);
    Instant t = at(now);
    Instant until = at(now.plus(lease));
    List<ClaimedDelivery> rows = db.withHandle("claim due webhook deliveries", h ->
        h.createQuery("""
            WITH heads AS (
              SELECT head.id
              FROM <schema>.webhook_endpoints w
              CROSS JOIN LATERAL (
                SELECT p.id, p.next_attempt_at, p.lease_until
                FROM <schema>.webhook_deliveries p
                WHERE p.endpoint_id = w.id AND p.status = 'PENDING'
                ORDER BY p.seq LIMIT 1) head
              WHERE w.enabled AND head.next_attempt_at <= :now
                AND (head.lease_until IS NULL OR head.lease_until <= :now)
            ), picked AS (
              SELECT p.id, p.endpoint_id, p.seq FROM <schema>.webhook_deliveries p
              WHERE p.id IN (SELECT id FROM heads) AND p.status = 'PENDING'
                AND p.next_attempt_at <= :now
                AND (p.lease_until IS NULL OR p.lease_until <= :now)
              ORDER BY p.next_attempt_at, p.id LIMIT :max
              FOR UPDATE OF p SKIP LOCKED
            ), run AS (
              SELECT r.id FROM picked CROSS JOIN LATERAL (
                SELECT q.id, bool_and(q.next_attempt_at <= :now
                  AND (q.lease_until IS NULL OR q.lease_until <= :now)) OVER (ORDER BY q.seq) ok
                FROM (SELECT x.id, x.seq, x.next_attempt_at, x.lease_until
                  FROM <schema>.webhook_deliveries x
                  WHERE x.endpoint_id = picked.endpoint_id AND x.status = 'PENDING'
                    AND x.seq >= picked.seq
                  ORDER BY x.seq LIMIT :run) q) r
              WHERE r.ok
            ), d AS (
              UPDATE <schema>.webhook_deliveries p SET lease_owner = :worker,
                lease_until = :until
              FROM run WHERE p.id = run.id AND p.status = 'PENDING'
                AND (p.lease_until IS NULL OR p.lease_until <= :now)
              RETURNING p.*
            )
            SELECT\s""" + ENDPOINT + ", " + DELIVERY + """
            , d.lease_until
            FROM d JOIN <schema>.webhook_endpoints w ON w.id = d.endpoint_id
            ORDER BY d.endpoint_id, d.seq""")
        .bind("now", t).bind("max", maxRuns).bind("run", runLength).bind("worker", worker)
        .bind("until", until)
        .map((rs, ctx) -> {
          WebhookEndpoint e = endpoint(rs, 0);
          return new ClaimedDelivery(delivery(rs, ENDPOINT_COLUMNS), e, secrets(rs, 0),
              Database.instant(rs, ENDPOINT_COLUMNS + 13));
        }).list());
    return WebhookStore.runs(rows);
  }

  @Override
  public Set<UUID> completeRun(String worker, List<DeliveryOutcome> outcomes,
      List<UUID> released) {
    WebhookStore.requireRun(worker, outcomes, released);
    if (outcomes.isEmpty() && released.isEmpty()) {
      return Set.of();
    }
    int n = outcomes.size();
    List<Object> ids = new ArrayList<>(n);
    List<Object> statuses = new ArrayList<>(n);
    List<Object> numbers = new ArrayList<>(n);
    List<Object> nexts = new ArrayList<>(n);
    List<Object> ats = new ArrayList<>(n);
    List<Object> codes = new ArrayList<>(n);
    List<Object> durations = new ArrayList<>(n);
    List<Object> errorClasses = new ArrayList<>(n);
    List<Object> excerpts = new ArrayList<>(n);
    List<Object> oks = new ArrayList<>(n);
    for (DeliveryOutcome o : outcomes) {
      WebhookResponse r = o.attempt().response();
      ids.add(o.deliveryId());
      statuses.add(o.next().name());
      numbers.add(o.attempt().number());
      nexts.add(o.nextAttemptAt().map(PostgresWebhookStore::timestamp).orElse(null));
      ats.add(timestamp(o.attempt().at()));
      codes.add(r.statusCode());
      durations.add(durationNanos(r.duration()));
      errorClasses.add(r.errorClass());
      excerpts.add(r.excerpt());
      oks.add(r.succeeded());
    }
    // One statement: each delivery moves only while its lease is the worker's and its attempt
    // is the next one; the attempt rows and each endpoint's failure run (decided by its
    // highest recorded seq) follow from those rows; the releases clear the worker's leases.
    List<UUID> done = db.withHandle("complete " + n + " webhook deliveries, release "
        + released.size(), h -> h.createQuery("""
            WITH o AS (
              SELECT * FROM unnest(:ids, :statuses, :numbers, :nexts, :ats, :codes,
                :durations, :errorClasses, :excerpts, :oks)
                AS o (id, status, number, next, at, code, duration, error_class, excerpt, ok)
            ), d AS (
              UPDATE <schema>.webhook_deliveries p SET status = o.status,
                attempts = p.attempts + 1, next_attempt_at = o.next, last_attempt_at = o.at,
                last_status_code = o.code, lease_owner = NULL, lease_until = NULL
              FROM o
              WHERE p.id = o.id AND p.lease_owner = :worker AND p.status = 'PENDING'
                AND p.attempts = o.number - 1
              RETURNING p.id, p.endpoint_id, p.seq, o.number, o.at, o.code, o.duration,
                o.error_class, o.excerpt, o.ok
            ), a AS (
              INSERT INTO <schema>.webhook_attempts (delivery_id, number, at, status_code,
                duration_ns, error_class, excerpt)
              SELECT id, number, at, code, duration, error_class, excerpt FROM d
            ), last AS (
              SELECT DISTINCT ON (endpoint_id) endpoint_id, ok, at FROM d
              ORDER BY endpoint_id, seq DESC
            ), e AS (
              UPDATE <schema>.webhook_endpoints w
              SET failing_since = CASE WHEN last.ok THEN NULL ELSE last.at END
              FROM last WHERE w.id = last.endpoint_id
                AND (CASE WHEN last.ok THEN w.failing_since IS NOT NULL
                     ELSE w.failing_since IS NULL END)
            ), r AS (
              UPDATE <schema>.webhook_deliveries p SET lease_owner = NULL, lease_until = NULL
              WHERE p.id = ANY (:released) AND p.lease_owner = :worker
                AND p.status = 'PENDING'
            )
            SELECT id FROM d""")
        .bind("ids", Database.array("uuid", ids))
        .bind("statuses", Database.array("text", statuses))
        .bind("numbers", Database.array("integer", numbers))
        .bind("nexts", Database.array("timestamptz", nexts))
        .bind("ats", Database.array("timestamptz", ats))
        .bind("codes", Database.array("integer", codes))
        .bind("durations", Database.array("bigint", durations))
        .bind("errorClasses", Database.array("text", errorClasses))
        .bind("excerpts", Database.array("text", excerpts))
        .bind("oks", Database.array("boolean", oks))
        .bind("released", Database.array("uuid", released))
        .bind("worker", worker)
        .mapTo(UUID.class).list());
    return Set.copyOf(done);
  }

  @Override
  public DeliveryPage deliveries(UUID companyId, UUID endpointId,
      Optional<DeliveryStatus> status, Optional<String> cursor, int limit) {
    Objects.requireNonNull(companyId, "companyId");
    Objects.requireNonNull(endpointId, "endpointId");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(cursor, "cursor");
    WebhookStore.requirePage(limit);
    Optional<DeliveryCursor> after = cursor.map(c -> DeliveryCursor.decode(c, endpointId,
        status));
    StringBuilder sql = new StringBuilder("SELECT " + DELIVERY
        + " FROM <schema>.webhook_deliveries d WHERE d.endpoint_id = ? AND d.company_id = ?");
    List<Object> args = new ArrayList<>(List.of(endpointId, companyId));
    status.ifPresent(s -> {
      sql.append(" AND d.status = ?");
      args.add(s.name());
    });
    after.ifPresent(c -> {
      sql.append(" AND d.seq < ?");
      args.add(c.seq());
    });
    sql.append(" ORDER BY d.seq DESC LIMIT ?");
    args.add(limit + 1);
    List<WebhookDelivery> rows = db.list("read the deliveries of webhook endpoint "
        + endpointId, sql.toString(), (rs, ctx) -> delivery(rs, 0), args.toArray());
    if (rows.size() <= limit) {
      return new DeliveryPage(rows, Optional.empty());
    }
    List<WebhookDelivery> page = rows.subList(0, limit);
    return new DeliveryPage(page, Optional.of(new DeliveryCursor(endpointId, status,
        page.get(limit - 1).seq()).encode()));
  }

  @Override
  public List<DeliveryAttempt> attempts(UUID companyId, UUID deliveryId) {
    Objects.requireNonNull(companyId, "companyId");
    Objects.requireNonNull(deliveryId, "deliveryId");
    return db.list("read the attempts of webhook delivery " + deliveryId, "SELECT a.number,"
        + " a.at, a.status_code, a.duration_ns, a.error_class, a.excerpt"
        + " FROM <schema>.webhook_attempts a JOIN <schema>.webhook_deliveries d"
        + " ON d.id = a.delivery_id WHERE a.delivery_id = ? AND d.company_id = ?"
        + " ORDER BY a.number", (rs, ctx) -> new DeliveryAttempt(rs.getInt(1),
            Database.instant(rs, 2), new WebhookResponse(rs.getInt(3),
                Duration.ofNanos(rs.getLong(4)), rs.getString(5), rs.getString(6))),
        deliveryId, companyId);
  }

  @Override
  public Optional<WebhookDelivery> retry(UUID companyId, UUID endpointId, UUID deliveryId,
      Instant now) {
    Objects.requireNonNull(companyId, "companyId");
    Objects.requireNonNull(endpointId, "endpointId");
    Objects.requireNonNull(deliveryId, "deliveryId");
    Objects.requireNonNull(now, "now");
    // A lease in progress stays: its worker's completion still counts.
    return db.first("retry webhook delivery " + deliveryId, "UPDATE"
        + " <schema>.webhook_deliveries d SET status = 'PENDING', next_attempt_at = ?"
        + " WHERE d.id = ? AND d.endpoint_id = ? AND d.company_id = ?"
        + " AND d.status <> 'SUCCEEDED' RETURNING " + DELIVERY,
        (rs, ctx) -> delivery(rs, 0), at(now), deliveryId, endpointId, companyId);
  }

  @Override
  public List<WebhookEndpoint> disableFailing(Instant failingSince, String reason,
      Instant now) {
    Objects.requireNonNull(failingSince, "failingSince");
    String why = WebhookStore.requireReason(false, reason).orElseThrow();
    Objects.requireNonNull(now, "now");
    return db.inTransaction("disable failing webhook endpoints", h -> {
      List<UUID> ids = h.createQuery("SELECT x.id FROM <schema>.webhook_endpoints x"
          + " WHERE x.enabled AND x.failing_since <= ? ORDER BY x.failing_since, x.id LIMIT "
          + MAX_PAGE + " FOR UPDATE SKIP LOCKED").bind(0, at(failingSince))
          .mapTo(UUID.class).list();
      catchUp(h, ids);
      return Database.bind(h.createQuery("UPDATE <schema>.webhook_endpoints w"
          + " SET enabled = false, disabled_reason = ?, updated_at = GREATEST(w.updated_at, ?)"
          + " WHERE w.id = ANY (?) AND w.enabled AND w.failing_since <= ?"
          + " RETURNING " + ENDPOINT), why, at(now), Database.array("uuid", ids),
          at(failingSince)).map((rs, ctx) -> endpoint(rs, 0)).list();
    });
  }

  /** A JDBC timestamp of an instant, as stored (microseconds), for arrays. */
  private static java.time.OffsetDateTime timestamp(Instant t) {
    return at(t).atOffset(java.time.ZoneOffset.UTC);
  }

  private static WebhookEndpoint endpoint(ResultSet rs, int o) throws SQLException {
    Set<WebhookEventType> events = EnumSet.noneOf(WebhookEventType.class);
    for (String name : (String[]) rs.getArray(o + 6).getArray()) {
      events.add(WebhookEventType.valueOf(name));
    }
    return new WebhookEndpoint(rs.getObject(o + 1, UUID.class), rs.getObject(o + 2, UUID.class),
        rs.getObject(o + 3, UUID.class), Optional.ofNullable(rs.getObject(o + 4, UUID.class)),
        URI.create(rs.getString(o + 5)), events, rs.getString(o + 7), rs.getBoolean(o + 8),
        Optional.ofNullable(rs.getString(o + 9)),
        Optional.ofNullable(Database.instant(rs, o + 10)), Database.instant(rs, o + 11),
        Database.instant(rs, o + 12));
  }

  private static WebhookSecrets secrets(ResultSet rs, int o) throws SQLException {
    byte[] previous = rs.getBytes(o + 14);
    return new WebhookSecrets(SealedSecret.of(rs.getBytes(o + 13)),
        Optional.ofNullable(previous).map(SealedSecret::of),
        Optional.ofNullable(Database.instant(rs, o + 15)));
  }

  private static WebhookDelivery delivery(ResultSet rs, int o) throws SQLException {
    int code = rs.getInt(o + 11);
    Optional<Integer> lastCode = rs.wasNull() ? Optional.empty() : Optional.of(code);
    return new WebhookDelivery(rs.getObject(o + 1, UUID.class), rs.getObject(o + 2, UUID.class),
        rs.getObject(o + 3, UUID.class), rs.getObject(o + 4, UUID.class),
        rs.getObject(o + 5, UUID.class), rs.getLong(o + 6),
        DeliveryStatus.valueOf(rs.getString(o + 7)), rs.getInt(o + 8),
        Optional.ofNullable(Database.instant(rs, o + 9)),
        Optional.ofNullable(Database.instant(rs, o + 10)), lastCode,
        Database.instant(rs, o + 12));
  }

  private static long durationNanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE; // beyond 292 years: kept as the longest duration storable
    }
  }

  // Times as stored: the database keeps microseconds (and would round), so truncate first.
  private static Instant at(Instant t) {
    return t.truncatedTo(ChronoUnit.MICROS);
  }
}
