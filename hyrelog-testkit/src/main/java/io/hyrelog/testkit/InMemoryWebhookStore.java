package io.hyrelog.testkit;

import io.hyrelog.AuditEvent;
import io.hyrelog.ChainHead;
import io.hyrelog.EventScope;
import io.hyrelog.spi.AlreadyStoredException;
import io.hyrelog.spi.DeliveryCursor;
import io.hyrelog.spi.EventCursor;
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
import io.hyrelog.webhook.WebhookSecrets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The {@link WebhookStore} of an {@link InMemoryEventStore} ({@link
 * InMemoryEventStore#webhooks()}): appends write nothing here; {@link #fanOut} reads the event
 * store's chains from each endpoint's position, as a database adapter does. It passes {@code
 * WebhookStoreContract}; nothing survives the JVM. Thread-safe (one lock, taken before a
 * chain's). Instants are kept at microsecond precision, as in PostgreSQL.
 */
public final class InMemoryWebhookStore implements WebhookStore {
  private final InMemoryEventStore events;
  private final Map<UUID, Endpoint> endpoints = new LinkedHashMap<>();
  private final Map<UUID, Delivery> deliveries = new HashMap<>();

  /** An endpoint with its secrets and its deliveries by seq. */
  private static final class Endpoint {
    WebhookEndpoint value;
    WebhookSecrets secrets;
    long fannedSeq;
    final TreeMap<Long, Delivery> bySeq = new TreeMap<>();

    Endpoint(WebhookEndpoint value, WebhookSecrets secrets, long fannedSeq) {
      this.value = value;
      this.secrets = secrets;
      this.fannedSeq = fannedSeq;
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

  InMemoryWebhookStore(InMemoryEventStore events) {
    this.events = events;
  }

  @Override
  public synchronized boolean fanOut(int maxEvents) {
    WebhookStore.requireFanOut(maxEvents);
    boolean more = false;
    for (Endpoint ep : endpoints.values()) {
      if (ep.value.enabled()) {
        more |= fanOut(ep, maxEvents);
      }
    }
    return more;
  }

  /** Creates the deliveries of up to {@code max} events after the endpoint's position. */
  private boolean fanOut(Endpoint ep, int max) {
    WebhookEndpoint w = ep.value;
    long head = head(w);
    if (ep.fannedSeq >= head) {
      return false;
    }
    long to = Math.min(head, ep.fannedSeq + max);
    boolean subscribed = w.events().contains(WebhookEventType.AUDIT_EVENT_CREATED);
    try (Stream<AuditEvent> chain = events.read(EventScope.workspace(w.companyId(),
        w.workspaceId()), ep.fannedSeq + 1, to)) {
      chain.filter(e -> subscribed
              && (w.projectId().isEmpty() || w.projectId().get().equals(e.projectId())))
          .forEach(e -> {
            Instant due = micros(e.recordedAt());
            Delivery d = new Delivery(new WebhookDelivery(UUID.randomUUID(), w.id(),
                w.companyId(), e.workspaceId(), e.id(), e.seq(), DeliveryStatus.PENDING, 0,
                Optional.of(due), Optional.empty(), Optional.empty(), due));
            deliveries.put(d.value.id(), d);
            ep.bySeq.put(e.seq(), d);
          });
    }
    ep.fannedSeq = to;
    return to < head;
  }

  /** Fans out an endpoint up to its chain's head (before it is disabled). */
  private void catchUp(Endpoint ep) {
    while (ep.value.enabled() && fanOut(ep, MAX_FAN_OUT)) {
      // another batch
    }
  }

  private long head(WebhookEndpoint w) {
    return events.head(EventScope.workspace(w.companyId(), w.workspaceId()))
        .map(ChainHead::seq).orElse(0L);
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
        secrets.previous(), secrets.previousUntil().map(InMemoryWebhookStore::micros)),
        head(stored)));
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
    if (!enabled) {
      catchUp(ep);
    } else if (!w.enabled()) {
      ep.fannedSeq = Math.max(ep.fannedSeq, head(w));
    }
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
  public synchronized List<ClaimedRun> claimRuns(Instant now, int maxRuns, int runLength,
      Duration lease, String worker) {
    WebhookStore.requireClaim(now, maxRuns, lease, worker);
    WebhookStore.requireRunLength(runLength);
    List<Delivery> heads = new ArrayList<>();
    for (Endpoint ep : endpoints.values()) {
      if (!ep.value.enabled()) {
        continue;
      }
      ep.bySeq.values().stream().filter(d -> d.value.status() == DeliveryStatus.PENDING)
          .findFirst().filter(d -> claimable(d, now)).ifPresent(heads::add);
    }
    heads.sort(Comparator.comparing((Delivery d) -> d.value.nextAttemptAt().orElseThrow())
        .thenComparing(d -> d.value.id(), EventCursor::compareIds));
    Instant until = micros(now.plus(lease));
    List<ClaimedDelivery> out = new ArrayList<>();
    for (Delivery head : heads.subList(0, Math.min(maxRuns, heads.size()))) {
      Endpoint ep = endpoints.get(head.value.endpointId());
      List<Delivery> run = ep.bySeq.tailMap(head.value.seq(), true).values().stream()
          .filter(d -> d.value.status() == DeliveryStatus.PENDING).limit(runLength)
          .takeWhile(d -> claimable(d, now)).toList();
      for (Delivery d : run) {
        d.leaseOwner = worker;
        d.leaseUntil = until;
        out.add(new ClaimedDelivery(d.value, ep.value, ep.secrets, until));
      }
    }
    return WebhookStore.runs(out);
  }

  private static boolean claimable(Delivery d, Instant now) {
    return !d.value.nextAttemptAt().orElseThrow().isAfter(now) && !d.leasedAt(now);
  }

  @Override
  public synchronized Set<UUID> completeRun(String worker, List<DeliveryOutcome> outcomes,
      List<UUID> released) {
    WebhookStore.requireRun(worker, outcomes, released);
    Set<UUID> recorded = new HashSet<>();
    Map<UUID, DeliveryOutcome> last = new HashMap<>();
    for (DeliveryOutcome o : outcomes) {
      Delivery d = deliveries.get(o.deliveryId());
      DeliveryAttempt attempt = o.attempt();
      if (d == null || !worker.equals(d.leaseOwner)
          || d.value.status() != DeliveryStatus.PENDING
          || attempt.number() != d.value.attempts() + 1) {
        continue;
      }
      DeliveryAttempt stored = new DeliveryAttempt(attempt.number(), micros(attempt.at()),
          attempt.response());
      d.attempts.add(stored);
      WebhookDelivery v = d.value;
      d.value = new WebhookDelivery(v.id(), v.endpointId(), v.companyId(), v.workspaceId(),
          v.eventId(), v.seq(), o.next(), attempt.number(),
          o.nextAttemptAt().map(InMemoryWebhookStore::micros),
          Optional.of(stored.at()), Optional.of(attempt.response().statusCode()),
          v.createdAt());
      d.leaseOwner = null;
      d.leaseUntil = null;
      recorded.add(v.id());
      last.merge(v.endpointId(), o, (a, b) -> deliveries.get(a.deliveryId()).value.seq()
          > deliveries.get(b.deliveryId()).value.seq() ? a : b);
    }
    for (DeliveryOutcome o : last.values()) {
      Endpoint ep = endpoints.get(deliveries.get(o.deliveryId()).value.endpointId());
      WebhookEndpoint w = ep.value;
      Optional<Instant> failing = o.attempt().response().succeeded() ? Optional.empty()
          : Optional.of(w.failingSince().orElse(micros(o.attempt().at())));
      ep.value = with(w, w.enabled(), w.disabledReason(), failing, w.createdAt(),
          w.updatedAt());
    }
    for (UUID id : released) {
      Delivery d = deliveries.get(id);
      if (d != null && worker.equals(d.leaseOwner)
          && d.value.status() == DeliveryStatus.PENDING) {
        d.leaseOwner = null;
        d.leaseUntil = null;
      }
    }
    return recorded;
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
        catchUp(ep);
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
