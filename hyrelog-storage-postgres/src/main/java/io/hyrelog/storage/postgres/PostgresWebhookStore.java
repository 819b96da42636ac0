package io.hyrelog.storage.postgres;

import io.hyrelog.spi.AlreadyStoredException;
import io.hyrelog.spi.DeliveryCursor;
import io.hyrelog.spi.WebhookStore;
import io.hyrelog.webhook.ClaimedDelivery;
import io.hyrelog.webhook.DeliveryAttempt;
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

/**
 * The {@link WebhookStore} of a {@link PostgresEventStore} ({@link PostgresEventStore#webhooks()};
 * tables {@code webhook_endpoints}, {@code webhook_deliveries}, {@code webhook_attempts}, migration
 * V12). The event store's append transaction writes the deliveries (the outbox); this class
 * reads and moves them. Thread-safe, and safe with several processes: claims lock rows with
 * {@code FOR UPDATE SKIP LOCKED} and re-check them under the lock, completions are conditional
 * on the lease, creations of one company are serialized by an advisory lock. Every method is
 * one transaction (most are one statement). Instants are stored with microsecond precision
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
              + " disabled_reason, failing_since, created_at, updated_at) VALUES (?, ?, ?, ?, ?,"
              + " ?, ?, ?, ?, ?, true, NULL, NULL, ?, ?) ON CONFLICT (id) DO NOTHING"
              + " RETURNING " + ENDPOINT),
          e.id(), e.companyId(), e.workspaceId(), e.projectId().orElse(null),
          e.url().toString(), Database.array("text", events), e.description(),
          secrets.current().bytes(), secrets.previous().map(SealedSecret::bytes).orElse(null),
          secrets.previousUntil().map(PostgresWebhookStore::at).orElse(null),
          at(e.createdAt()), at(e.updatedAt()))
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

  @Override
  public Optional<WebhookEndpoint> setEnabled(UUID companyId, UUID endpointId, boolean enabled,
      String reason, Instant at) {
    Optional<String> why = WebhookStore.requireReason(enabled, reason);
    Objects.requireNonNull(at, "at");
    return changeEndpoint("set webhook endpoint " + endpointId + " enabled=" + enabled,
        "enabled = ?, disabled_reason = ?,"
            + " failing_since = CASE WHEN ? THEN NULL ELSE w.failing_since END",
        companyId, endpointId, at, enabled, why.orElse(null), enabled);
  }

  @Override
  public Optional<WebhookEndpoint> rotateSecret(UUID companyId, UUID endpointId,
      SealedSecret next, Instant previousUntil, Instant at) {
    Objects.requireNonNull(next, "next");
    Objects.requireNonNull(previousUntil, "previousUntil");
    Objects.requireNonNull(at, "at");
    return changeEndpoint("rotate the secret of webhook endpoint " + endpointId,
        "previous_secret = w.secret, previous_until = ?, secret = ?", companyId, endpointId,
        at, at(previousUntil), next.bytes());
  }

  /** One conditional UPDATE of a company's endpoint that never moves updated_at back. */
  private Optional<WebhookEndpoint> changeEndpoint(String what, String set, UUID companyId,
      UUID endpointId, Instant at, Object... setArgs) {
    Objects.requireNonNull(companyId, "companyId");
    Objects.requireNonNull(endpointId, "endpointId");
    List<Object> args = new ArrayList<>(java.util.Arrays.asList(setArgs));
    args.add(at(at));
    args.add(endpointId);
    args.add(companyId);
    return db.first(what, "UPDATE <schema>.webhook_endpoints w SET " + set
        + ", updated_at = GREATEST(w.updated_at, ?) WHERE w.id = ? AND w.company_id = ?"
        + " RETURNING " + ENDPOINT, (rs, ctx) -> endpoint(rs, 0), args.toArray());
  }

  /**
   * {@inheritDoc}
   *
   * <p>The plan: {@code heads} takes each enabled endpoint and probes the partial index of
   * PENDING deliveries ({@code webhook_deliveries_claim}: endpoint, seq) for its lowest seq,
   * one index probe per endpoint ({@code LATERAL … ORDER BY seq LIMIT 1}), so the cost grows
   * with the number of enabled endpoints, never with the number of pending deliveries behind
   * their heads (a backlog of a million rows costs the same probe). Of those heads, the due and
   * unleased ones are locked with {@code FOR UPDATE SKIP LOCKED}, oldest due first, up to
   * {@code max}. The lock is taken on the head rows only, never inside the per-endpoint probe:
   * there SKIP LOCKED would skip a head another worker is claiming and hand out the next seq,
   * breaking the order. Under the lock PostgreSQL re-evaluates the row's conditions on its
   * newest version (READ COMMITTED), so a head another process claimed or completed since this
   * statement's snapshot drops out instead of being claimed twice.
   */
  @Override
  public List<ClaimedDelivery> claimDue(Instant now, int max, Duration lease, String worker) {
    WebhookStore.requireClaim(now, max, lease, worker);
    Instant t = at(now);
    Instant until = at(now.plus(lease));
    return db.withHandle("claim due webhook deliveries", h -> h.createQuery("""
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
              SELECT p.id FROM <schema>.webhook_deliveries p
              WHERE p.id IN (SELECT id FROM heads) AND p.status = 'PENDING'
                AND p.next_attempt_at <= :now
                AND (p.lease_until IS NULL OR p.lease_until <= :now)
              ORDER BY p.next_attempt_at, p.id LIMIT :max
              FOR UPDATE OF p SKIP LOCKED
            ), d AS (
              UPDATE <schema>.webhook_deliveries p SET lease_owner = :worker,
                lease_until = :until
              FROM picked WHERE p.id = picked.id
              RETURNING p.*
            )
            SELECT\s""" + ENDPOINT + ", " + DELIVERY + """
            , d.lease_until
            FROM d JOIN <schema>.webhook_endpoints w ON w.id = d.endpoint_id
            ORDER BY d.next_attempt_at, d.id""")
        .bind("now", t).bind("max", max).bind("worker", worker).bind("until", until)
        .map((rs, ctx) -> {
          WebhookEndpoint e = endpoint(rs, 0);
          return new ClaimedDelivery(delivery(rs, ENDPOINT_COLUMNS), e, secrets(rs, 0),
              Database.instant(rs, ENDPOINT_COLUMNS + 13));
        }).list());
  }

  @Override
  public boolean complete(UUID deliveryId, String worker, DeliveryAttempt attempt,
      DeliveryStatus next, Optional<Instant> nextAttemptAt) {
    WebhookStore.requireCompletion(deliveryId, worker, attempt, next, nextAttemptAt);
    WebhookResponse r = attempt.response();
    // One statement: the delivery moves only while the lease is the worker's and the attempt
    // is the next one; the attempt row and the endpoint's failure run follow from that row.
    long done = db.withHandle("complete webhook delivery " + deliveryId, h -> h.createQuery("""
            WITH d AS (
              UPDATE <schema>.webhook_deliveries SET status = :status,
                attempts = attempts + 1, next_attempt_at = :next, last_attempt_at = :at,
                last_status_code = :code, lease_owner = NULL, lease_until = NULL
              WHERE id = :id AND lease_owner = :worker AND status = 'PENDING'
                AND attempts = :number - 1
              RETURNING id, endpoint_id
            ), a AS (
              INSERT INTO <schema>.webhook_attempts (delivery_id, number, at, status_code,
                duration_ns, error_class, excerpt)
              SELECT id, :number, :at, :code, :duration, :errorClass, :excerpt FROM d
            ), e AS (
              UPDATE <schema>.webhook_endpoints w
              SET failing_since = CASE WHEN :ok THEN NULL ELSE CAST(:at AS timestamptz) END
              FROM d WHERE w.id = d.endpoint_id
                AND (CASE WHEN :ok THEN w.failing_since IS NOT NULL
                     ELSE w.failing_since IS NULL END)
            )
            SELECT count(*) FROM d""")
        .bind("status", next.name())
        .bind("next", nextAttemptAt.map(PostgresWebhookStore::at).orElse(null))
        .bind("at", at(attempt.at())).bind("code", r.statusCode()).bind("id", deliveryId)
        .bind("worker", worker).bind("number", attempt.number())
        .bind("duration", durationNanos(r.duration())).bind("errorClass", r.errorClass())
        .bind("excerpt", r.excerpt()).bind("ok", r.succeeded())
        .mapTo(Long.class).one());
    return done == 1;
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
    return db.list("disable failing webhook endpoints", "UPDATE <schema>.webhook_endpoints w"
        + " SET enabled = false, disabled_reason = ?, updated_at = GREATEST(w.updated_at, ?)"
        + " WHERE w.id IN (SELECT x.id FROM <schema>.webhook_endpoints x"
        + " WHERE x.enabled AND x.failing_since <= ? ORDER BY x.failing_since, x.id LIMIT "
        + MAX_PAGE + " FOR UPDATE SKIP LOCKED) AND w.enabled AND w.failing_since <= ?"
        + " RETURNING " + ENDPOINT, (rs, ctx) -> endpoint(rs, 0), why, at(now),
        at(failingSince), at(failingSince));
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
