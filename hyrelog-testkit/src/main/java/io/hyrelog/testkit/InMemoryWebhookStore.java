package io.hyrelog.testkit;

import io.hyrelog.AuditEvent;
import io.hyrelog.spi.AlreadyStoredException;
import io.hyrelog.spi.DeliveryCursor;
import io.hyrelog.spi.EventCursor;
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
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The {@link WebhookStore} of an {@link InMemoryEventStore} ({@link
 * InMemoryEventStore#webhooks()}): the event store writes the deliveries of the events it
 * creates under the chain's lock, as a database adapter does in its append transaction. It
 * passes {@code WebhookStoreContract}; nothing survives the JVM. Thread-safe (one lock).
 * Instants are kept at microsecond precision, as in PostgreSQL.
 */
public final class InMemoryWebhookStore implements WebhookStore {
  private final Map<UUID, Endpoint> endpoints = new LinkedHashMap<>();
  private final Map<UUID, Delivery> deliveries = new HashMap<>();

  /** An endpoint with its secrets and its deliveries by seq. */
  private static final class Endpoint {
    WebhookEndpoint value;
    WebhookSecrets secrets;
    final TreeMap<Long, Delivery> bySeq = new TreeMap<>();

    Endpoint(WebhookEndpoint value, WebhookSecrets secrets) {
      this.value = value;
      this.secrets = secrets;
    }
  }

  /** A delivery with its lease and attempts. */
  private static final class Delivery {
    WebhookDelivery value;
    String leaseOwner;
    Instant leaseUntil;
    final List<DeliveryAttempt> attempts = new ArrayList<>();

    Delivery(WebhookDelivery value) {
      this.value = value;
    }

    boolean leasedAt(Instant now) {
      return leaseUntil != null && leaseUntil.isAfter(now);
    }
  }

  InMemoryWebhookStore() {}

  /**
   * The outbox: a PENDING delivery of each created event for each matching enabled endpoint.
   * Called by the event store under the chain's lock, after the events are sealed.
   */
  synchronized void outbox(List<AuditEvent> created) {
    if (created.isEmpty() || endpoints.isEmpty()) {
      return;
    }
    for (Endpoint ep : endpoints.values()) {
      WebhookEndpoint w = ep.value;
      if (!w.enabled() || !w.events().contains(WebhookEventType.AUDIT_EVENT_CREATED)) {
        continue;
      }
      for (AuditEvent e : created) {
        if (w.companyId().equals(e.companyId()) && w.workspaceId().equals(e.workspaceId())
            && (w.projectId().isEmpty() || w.projectId().get().equals(e.projectId()))) {
          Instant due = micros(e.recordedAt());
          Delivery d = new Delivery(new WebhookDelivery(UUID.randomUUID(), w.id(),
              w.companyId(), e.workspaceId(), e.id(), e.seq(), DeliveryStatus.PENDING, 0,
              Optional.of(due), Optional.empty(), Optional.empty(), due));
          deliveries.put(d.value.id(), d);
          ep.bySeq.put(e.seq(), d);
        }
      }
    }
  }

  @Override
  public synchronized WebhookEndpoint create(WebhookEndpoint endpoint, WebhookSecrets secrets,
      int maxPerCompany) {
    WebhookStore.requireNew(endpoint, secrets, maxPerCompany);
    if (endpoints.containsKey(endpoint.id())) {
      throw new AlreadyStoredException("webhook endpoint " + endpoint.id()
          + " is already stored");
    }
    long count = endpoints.values().stream()
        .filter(e -> e.value.companyId().equals(endpoint.companyId())).count();
    if (count >= maxPerCompany) {
      throw new WebhookLimitException(maxPerCompany);
    }
    WebhookEndpoint stored = with(endpoint, endpoint.enabled(), endpoint.disabledReason(),
        endpoint.failingSince(), micros(endpoint.createdAt()), micros(endpoint.updatedAt()));
    endpoints.put(stored.id(), new Endpoint(stored, new WebhookSecrets(secrets.current(),
        secrets.previous(), secrets.previousUntil().map(InMemoryWebhookStore::micros))));
    return stored;
  }

  @Override
  public synchronized Optional<WebhookEndpoint> endpoint(UUID companyId, UUID endpointId) {
    return Optional.ofNullable(find(companyId, endpointId)).map(e -> e.value);
  }

  @Override
  public synchronized List<WebhookEndpoint> endpoints(UUID companyId,
      Optional<UUID> workspaceId) {
    Objects.requireNonNull(companyId, "companyId");
    Objects.requireNonNull(workspaceId, "workspaceId");
    return endpoints.values().stream().map(e -> e.value)
        .filter(w -> w.companyId().equals(companyId)
            && workspaceId.map(w.workspaceId()::equals).orElse(true))
        .sorted(Comparator.comparing(WebhookEndpoint::createdAt)
            .thenComparing(WebhookEndpoint::id, EventCursor::compareIds))
        .limit(MAX_ENDPOINTS).toList();
  }

  @Override
  public synchronized Optional<WebhookEndpoint> setEnabled(UUID companyId, UUID endpointId,
      boolean enabled, String reason, Instant at) {
    Optional<String> why = WebhookStore.requireReason(enabled, reason);
    Objects.requireNonNull(at, "at");
    Endpoint ep = find(companyId, endpointId);
    if (ep == null) {
      return Optional.empty();
    }
    WebhookEndpoint w = ep.value;
    ep.value = with(w, enabled, why, enabled ? Optional.empty() : w.failingSince(),
        w.createdAt(), later(w.updatedAt(), at));
    return Optional.of(ep.value);
  }

  @Override
  public synchronized Optional<WebhookEndpoint> rotateSecret(UUID companyId, UUID endpointId,
      SealedSecret next, Instant previousUntil, Instant at) {
    Objects.requireNonNull(next, "next");
    Objects.requireNonNull(previousUntil, "previousUntil");
    Objects.requireNonNull(at, "at");
    Endpoint ep = find(companyId, endpointId);
    if (ep == null) {
      return Optional.empty();
    }
    ep.secrets = new WebhookSecrets(next, Optional.of(ep.secrets.current()),
        Optional.of(micros(previousUntil)));
    WebhookEndpoint w = ep.value;
    ep.value = with(w, w.enabled(), w.disabledReason(), w.failingSince(), w.createdAt(),
        later(w.updatedAt(), at));
    return Optional.of(ep.value);
  }

  @Override
  public synchronized List<ClaimedDelivery> claimDue(Instant now, int max, Duration lease,
      String worker) {
    WebhookStore.requireClaim(now, max, lease, worker);
    List<Delivery> heads = new ArrayList<>();
    for (Endpoint ep : endpoints.values()) {
      if (!ep.value.enabled()) {
        continue;
      }
      ep.bySeq.values().stream().filter(d -> d.value.status() == DeliveryStatus.PENDING)
          .findFirst()
          .filter(d -> !d.value.nextAttemptAt().orElseThrow().isAfter(now) && !d.leasedAt(now))
          .ifPresent(heads::add);
    }
    heads.sort(Comparator.comparing((Delivery d) -> d.value.nextAttemptAt().orElseThrow())
        .thenComparing(d -> d.value.id(), EventCursor::compareIds));
    Instant until = micros(now.plus(lease));
    List<ClaimedDelivery> out = new ArrayList<>();
    for (Delivery d : heads.subList(0, Math.min(max, heads.size()))) {
      d.leaseOwner = worker;
      d.leaseUntil = until;
      Endpoint ep = endpoints.get(d.value.endpointId());
      out.add(new ClaimedDelivery(d.value, ep.value, ep.secrets, until));
    }
    return out;
  }

  @Override
  public synchronized boolean complete(UUID deliveryId, String worker, DeliveryAttempt attempt,
      DeliveryStatus next, Optional<Instant> nextAttemptAt) {
    WebhookStore.requireCompletion(deliveryId, worker, attempt, next, nextAttemptAt);
    Delivery d = deliveries.get(deliveryId);
    if (d == null || !worker.equals(d.leaseOwner) || d.value.status() != DeliveryStatus.PENDING
        || attempt.number() != d.value.attempts() + 1) {
      return false;
    }
    WebhookResponse r = attempt.response();
    DeliveryAttempt stored = new DeliveryAttempt(attempt.number(), micros(attempt.at()), r);
    d.attempts.add(stored);
    WebhookDelivery v = d.value;
    d.value = new WebhookDelivery(v.id(), v.endpointId(), v.companyId(), v.workspaceId(),
        v.eventId(), v.seq(), next, attempt.number(),
        nextAttemptAt.map(InMemoryWebhookStore::micros),
        Optional.of(stored.at()), Optional.of(r.statusCode()), v.createdAt());
    d.leaseOwner = null;
    d.leaseUntil = null;
    Endpoint ep = endpoints.get(v.endpointId());
    WebhookEndpoint w = ep.value;
    Optional<Instant> failing = r.succeeded() ? Optional.empty()
        : Optional.of(w.failingSince().orElse(stored.at()));
    ep.value = with(w, w.enabled(), w.disabledReason(), failing, w.createdAt(), w.updatedAt());
    return true;
  }

  @Override
  public synchronized DeliveryPage deliveries(UUID companyId, UUID endpointId,
      Optional<DeliveryStatus> status, Optional<String> cursor, int limit) {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(cursor, "cursor");
    WebhookStore.requirePage(limit);
    long below = cursor.map(c -> DeliveryCursor.decode(c, endpointId, status).seq())
        .orElse(Long.MAX_VALUE);
    Endpoint ep = find(companyId, endpointId);
    if (ep == null) {
      return new DeliveryPage(List.of(), Optional.empty());
    }
    List<WebhookDelivery> page = ep.bySeq.headMap(below, false).descendingMap().values()
        .stream().map(d -> d.value)
        .filter(d -> status.map(s -> d.status() == s).orElse(true))
        .limit(limit + 1L).toList();
    if (page.size() <= limit) {
      return new DeliveryPage(page, Optional.empty());
    }
    List<WebhookDelivery> shown = page.subList(0, limit);
    return new DeliveryPage(shown, Optional.of(new DeliveryCursor(endpointId, status,
        shown.get(limit - 1).seq()).encode()));
  }

  @Override
  public synchronized List<DeliveryAttempt> attempts(UUID companyId, UUID deliveryId) {
    Objects.requireNonNull(companyId, "companyId");
    Delivery d = deliveries.get(Objects.requireNonNull(deliveryId, "deliveryId"));
    return d == null || !d.value.companyId().equals(companyId) ? List.of()
        : List.copyOf(d.attempts);
  }

  @Override
  public synchronized Optional<WebhookDelivery> retry(UUID companyId, UUID endpointId,
      UUID deliveryId, Instant now) {
    Objects.requireNonNull(now, "now");
    Delivery d = deliveries.get(Objects.requireNonNull(deliveryId, "deliveryId"));
    if (d == null || !d.value.companyId().equals(companyId)
        || !d.value.endpointId().equals(endpointId)
        || d.value.status() == DeliveryStatus.SUCCEEDED) {
      return Optional.empty();
    }
    WebhookDelivery v = d.value;
    d.value = new WebhookDelivery(v.id(), v.endpointId(), v.companyId(), v.workspaceId(),
        v.eventId(), v.seq(), DeliveryStatus.PENDING, v.attempts(), Optional.of(micros(now)),
        v.lastAttemptAt(), v.lastStatusCode(), v.createdAt());
    return Optional.of(d.value);
  }

  @Override
  public synchronized List<WebhookEndpoint> disableFailing(Instant failingSince, String reason,
      Instant now) {
    Objects.requireNonNull(failingSince, "failingSince");
    Optional<String> why = WebhookStore.requireReason(false, reason);
    Objects.requireNonNull(now, "now");
    List<WebhookEndpoint> out = new ArrayList<>();
    for (Endpoint ep : endpoints.values()) {
      WebhookEndpoint w = ep.value;
      if (out.size() < MAX_PAGE && w.enabled()
          && w.failingSince().filter(f -> !f.isAfter(failingSince)).isPresent()) {
        ep.value = with(w, false, why, w.failingSince(), w.createdAt(),
            later(w.updatedAt(), now));
        out.add(ep.value);
      }
    }
    return out;
  }

  private Endpoint find(UUID companyId, UUID endpointId) {
    Objects.requireNonNull(companyId, "companyId");
    Endpoint ep = endpoints.get(Objects.requireNonNull(endpointId, "endpointId"));
    return ep == null || !ep.value.companyId().equals(companyId) ? null : ep;
  }

  private static WebhookEndpoint with(WebhookEndpoint w, boolean enabled,
      Optional<String> disabledReason, Optional<Instant> failingSince, Instant createdAt,
      Instant updatedAt) {
    return new WebhookEndpoint(w.id(), w.companyId(), w.workspaceId(), w.projectId(), w.url(),
        w.events(), w.description(), enabled, disabledReason,
        failingSince.map(InMemoryWebhookStore::micros), createdAt, updatedAt);
  }

  private static Instant later(Instant updatedAt, Instant at) {
    Instant t = micros(at);
    return t.isAfter(updatedAt) ? t : updatedAt;
  }

  private static Instant micros(Instant t) {
    return t.truncatedTo(ChronoUnit.MICROS);
  }
}
