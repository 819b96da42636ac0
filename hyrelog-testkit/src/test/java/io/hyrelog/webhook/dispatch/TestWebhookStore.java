package io.hyrelog.webhook.dispatch;

import io.hyrelog.AuditEvent;
import io.hyrelog.spi.WebhookStore;
import io.hyrelog.webhook.ClaimedDelivery;
import io.hyrelog.webhook.DeliveryAttempt;
import io.hyrelog.webhook.DeliveryPage;
import io.hyrelog.webhook.DeliveryStatus;
import io.hyrelog.webhook.SealedSecret;
import io.hyrelog.webhook.WebhookDelivery;
import io.hyrelog.webhook.WebhookEndpoint;
import io.hyrelog.webhook.WebhookLimitException;
import io.hyrelog.webhook.WebhookSecrets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * A test-only double of {@link WebhookStore}: just the endpoint, outbox, claim and completion
 * rules the dispatcher relies on, kept in memory under one lock. It exists because the testkit's
 * in-memory twin and its contract suite are being written in parallel; once they are merged the
 * dispatcher tests should run against that twin instead. {@link #enqueue} stands in for the
 * outbox the event store writes in the append transaction.
 */
final class TestWebhookStore implements WebhookStore {
  private static final class Row {
    WebhookDelivery d;
    String leaseWorker;
    Instant leaseUntil;
    final List<DeliveryAttempt> attempts = new ArrayList<>();
  }

  private final Map<UUID, WebhookEndpoint> endpoints = new LinkedHashMap<>();
  private final Map<UUID, WebhookSecrets> secrets = new LinkedHashMap<>();
  private final Map<UUID, Row> rows = new LinkedHashMap<>();

  @Override
  public synchronized WebhookEndpoint create(WebhookEndpoint endpoint, WebhookSecrets s,
      int maxPerCompany) {
    long n = endpoints.values().stream()
        .filter(e -> e.companyId().equals(endpoint.companyId())).count();
    if (n >= maxPerCompany) {
      throw new WebhookLimitException(maxPerCompany);
    }
    endpoints.put(endpoint.id(), endpoint);
    secrets.put(endpoint.id(), s);
    return endpoint;
  }

  /** The outbox's work: one PENDING delivery per enabled endpoint covering {@code e}. */
  synchronized List<WebhookDelivery> enqueue(AuditEvent e) {
    List<WebhookDelivery> out = new ArrayList<>();
    for (WebhookEndpoint ep : endpoints.values()) {
      if (ep.enabled() && ep.companyId().equals(e.companyId())
          && ep.workspaceId().equals(e.workspaceId())
          && (ep.projectId().isEmpty() || ep.projectId().get().equals(e.projectId()))) {
        out.add(enqueue(ep.id(), e.id(), e.seq(), e.recordedAt()));
      }
    }
    return out;
  }

  /** A PENDING delivery of any event id (also one the event store does not hold). */
  synchronized WebhookDelivery enqueue(UUID endpointId, UUID eventId, long seq, Instant at) {
    WebhookEndpoint ep = endpoints.get(endpointId);
    Row r = new Row();
    r.d = new WebhookDelivery(UUID.randomUUID(), ep.id(), ep.companyId(), ep.workspaceId(),
        eventId, seq, DeliveryStatus.PENDING, 0, Optional.of(at), Optional.empty(),
        Optional.empty(), at);
    rows.put(r.d.id(), r);
    return r.d;
  }

  /** Hands a delivery's lease to another worker (what a lease expiry and a re-claim do). */
  synchronized void stealLease(UUID deliveryId, String worker) {
    rows.get(deliveryId).leaseWorker = worker;
  }

  /** The id of the (only) delivery of an event. */
  synchronized UUID deliveryOf(UUID eventId) {
    return rows.values().stream().filter(r -> r.d.eventId().equals(eventId)).findFirst()
        .orElseThrow().d.id();
  }

  synchronized WebhookDelivery delivery(UUID id) {
    return rows.get(id).d;
  }

  @Override
  public synchronized Optional<WebhookEndpoint> endpoint(UUID companyId, UUID endpointId) {
    return Optional.ofNullable(endpoints.get(endpointId))
        .filter(e -> e.companyId().equals(companyId));
  }

  @Override
  public synchronized List<WebhookEndpoint> endpoints(UUID companyId,
      Optional<UUID> workspaceId) {
    return endpoints.values().stream().filter(e -> e.companyId().equals(companyId))
        .filter(e -> workspaceId.isEmpty() || workspaceId.get().equals(e.workspaceId()))
        .toList();
  }

  @Override
  public synchronized Optional<WebhookEndpoint> setEnabled(UUID companyId, UUID endpointId,
      boolean enabled, String reason, Instant at) {
    Optional<WebhookEndpoint> ep = endpoint(companyId, endpointId);
    ep.ifPresent(e -> endpoints.put(e.id(), withEnabled(e, enabled, reason, at)));
    return ep.map(e -> endpoints.get(e.id()));
  }

  private static WebhookEndpoint withEnabled(WebhookEndpoint e, boolean enabled, String reason,
      Instant at) {
    return new WebhookEndpoint(e.id(), e.companyId(), e.workspaceId(), e.projectId(), e.url(),
        e.events(), e.description(), enabled,
        enabled ? Optional.empty() : Optional.of(reason),
        enabled ? Optional.empty() : e.failingSince(), e.createdAt(), at);
  }

  private static WebhookEndpoint withFailingSince(WebhookEndpoint e, Optional<Instant> since) {
    return new WebhookEndpoint(e.id(), e.companyId(), e.workspaceId(), e.projectId(), e.url(),
        e.events(), e.description(), e.enabled(), e.disabledReason(), since, e.createdAt(),
        e.updatedAt());
  }

  @Override
  public Optional<WebhookEndpoint> rotateSecret(UUID companyId, UUID endpointId,
      SealedSecret next, Instant previousUntil, Instant at) {
    throw new UnsupportedOperationException("not needed by the dispatcher tests");
  }

  @Override
  public synchronized List<ClaimedDelivery> claimDue(Instant now, int max, Duration lease,
      String worker) {
    List<Row> due = new ArrayList<>();
    for (WebhookEndpoint ep : endpoints.values()) {
      if (!ep.enabled()) {
        continue;
      }
      rows.values().stream()
          .filter(r -> r.d.endpointId().equals(ep.id()))
          .filter(r -> r.d.status() == DeliveryStatus.PENDING)
          .min(Comparator.comparingLong(r -> r.d.seq()))
          .filter(r -> !r.d.nextAttemptAt().get().isAfter(now))
          .filter(r -> r.leaseUntil == null || !r.leaseUntil.isAfter(now))
          .ifPresent(due::add);
    }
    due.sort(Comparator.comparing(r -> r.d.nextAttemptAt().get()));
    List<ClaimedDelivery> out = new ArrayList<>();
    for (Row r : due.subList(0, Math.min(max, due.size()))) {
      r.leaseWorker = worker;
      r.leaseUntil = now.plus(lease);
      out.add(new ClaimedDelivery(r.d, endpoints.get(r.d.endpointId()),
          secrets.get(r.d.endpointId()), r.leaseUntil));
    }
    return out;
  }

  @Override
  public synchronized boolean complete(UUID deliveryId, String worker, DeliveryAttempt attempt,
      DeliveryStatus next, Optional<Instant> nextAttemptAt) {
    Row r = rows.get(deliveryId);
    if (r == null || !worker.equals(r.leaseWorker)) {
      return false;
    }
    r.attempts.add(attempt);
    r.d = new WebhookDelivery(r.d.id(), r.d.endpointId(), r.d.companyId(), r.d.workspaceId(),
        r.d.eventId(), r.d.seq(), next, attempt.number(), nextAttemptAt,
        Optional.of(attempt.at()), Optional.of(attempt.response().statusCode()),
        r.d.createdAt());
    r.leaseWorker = null;
    r.leaseUntil = null;
    WebhookEndpoint ep = endpoints.get(r.d.endpointId());
    if (attempt.response().succeeded()) {
      endpoints.put(ep.id(), withFailingSince(ep, Optional.empty()));
    } else if (ep.failingSince().isEmpty()) {
      endpoints.put(ep.id(), withFailingSince(ep, Optional.of(attempt.at())));
    }
    return true;
  }

  @Override
  public DeliveryPage deliveries(UUID companyId, UUID endpointId,
      Optional<DeliveryStatus> status, Optional<String> cursor, int limit) {
    throw new UnsupportedOperationException("not needed by the dispatcher tests");
  }

  @Override
  public synchronized List<DeliveryAttempt> attempts(UUID companyId, UUID deliveryId) {
    Row r = rows.get(deliveryId);
    return r == null || !r.d.companyId().equals(companyId) ? List.of() : List.copyOf(r.attempts);
  }

  @Override
  public Optional<WebhookDelivery> retry(UUID companyId, UUID endpointId, UUID deliveryId,
      Instant now) {
    throw new UnsupportedOperationException("not needed by the dispatcher tests");
  }

  @Override
  public synchronized List<WebhookEndpoint> disableFailing(Instant failingSince, String reason,
      Instant now) {
    List<WebhookEndpoint> out = new ArrayList<>();
    for (WebhookEndpoint e : List.copyOf(endpoints.values())) {
      if (e.enabled() && e.failingSince().isPresent()
          && !e.failingSince().get().isAfter(failingSince)) {
        WebhookEndpoint off = withEnabled(e, false, reason, now);
        endpoints.put(e.id(), off);
        out.add(off);
      }
    }
    return out;
  }
}
