package io.hyrelog.spi;

import io.hyrelog.webhook.ClaimedDelivery;
import io.hyrelog.webhook.ClaimedRun;
import io.hyrelog.webhook.DeliveryAttempt;
import io.hyrelog.webhook.DeliveryOutcome;
import io.hyrelog.webhook.DeliveryPage;
import io.hyrelog.webhook.DeliveryStatus;
import io.hyrelog.webhook.SealedSecret;
import io.hyrelog.webhook.WebhookDelivery;
import io.hyrelog.webhook.WebhookEndpoint;
import io.hyrelog.webhook.WebhookLimitException;
import io.hyrelog.webhook.WebhookSecrets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Webhook endpoints and their deliveries, kept beside an {@link EventStore}'s events (offered by
 * {@link EventStore#webhooks()}). The testkit's {@code WebhookStoreContract} checks every
 * implementation.
 *
 * <h2>Fan-out (off the append path)</h2>
 * Appends write nothing for webhooks: the chain itself is the outbox. Every endpoint keeps a
 * position, the seq of its chain up to which deliveries were created. {@link #fanOut} creates,
 * for each enabled endpoint, one PENDING delivery, due at the event's {@code recordedAt}, for
 * every event after its position that the endpoint covers (its company and workspace, it
 * subscribes to {@code AUDIT_EVENT_CREATED}, and it has no project filter or the event's
 * project), and moves the position past them, atomically, so that no event ever gets two
 * deliveries for one endpoint, even when several processes fan out at once. Since a chain's
 * events are committed in seq order, an acknowledged event always gets its deliveries: they
 * are created by the next fan-out, whichever process runs it, even after a crash.
 *
 * <p>A new endpoint starts at its chain's head at creation: it receives the events appended
 * after it. Disabling an endpoint first fans out every event appended until then (so, as
 * seen by its deliveries, it covered exactly the events appended while it was enabled);
 * enabling it again moves its position to the chain's head at that moment: the events
 * appended while it was disabled are not delivered, its PENDING deliveries resume.
 *
 * <h2>Claims</h2>
 * {@link #claimRuns} hands deliveries to one worker at a time across processes (a lease; e.g.
 * {@code FOR UPDATE SKIP LOCKED}), as runs: per endpoint, deliveries are attempted in seq
 * order, and only the endpoint's PENDING delivery of the lowest seq (its head) starts a run,
 * when it is due and not leased; the run continues with the endpoint's next PENDING deliveries
 * while they are due and not leased, up to the run length. While any delivery of a run is
 * leased, no other run of its endpoint is claimed. A worker that dies leaves its leases to
 * expire, and the deliveries are claimed again. {@link #completeRun} is conditional on each
 * lease still being the caller's.
 *
 * <h2>Scope</h2>
 * Every method that takes a company id answers only for that company's endpoints and
 * deliveries: another company's ids are treated as unknown. Instants keep microsecond precision.
 * Implementations MUST be thread-safe and safe when several processes share the storage.
 */
public interface WebhookStore {
  /** The most endpoints one company may have, whatever its plan. */
  int MAX_ENDPOINTS = 100;
  /** The most deliveries one page returns. */
  int MAX_PAGE = 100;
  /** The most deliveries (or runs) one claim returns. */
  int MAX_CLAIM = 500;
  /** The longest run one claim hands out per endpoint. */
  int MAX_RUN = 500;
  /** The most events one fan-out takes per endpoint. */
  int MAX_FAN_OUT = 10_000;
  /** The longest lease a claim may take, in hours. */
  int MAX_LEASE_HOURS = 24;
  /** The longest worker name, in characters. */
  int MAX_WORKER = 200;
  /** The longest error class of an attempt, in characters. */
  int MAX_ERROR_CLASS = DeliveryOutcome.MAX_ERROR_CLASS;
  /** The longest disablement reason, in characters. */
  int MAX_REASON = 500;

  /**
   * Stores a new endpoint if its company has fewer than {@code maxPerCompany} (atomically, so
   * concurrent creations never exceed the limit), positioned at its chain's head: it receives
   * the events appended after it.
   *
   * @param endpoint the new endpoint (enabled, not failing)
   * @param secrets its sealed secrets
   * @param maxPerCompany the company's limit, 1..{@value #MAX_ENDPOINTS}
   * @return the endpoint as stored
   * @throws IllegalArgumentException when the endpoint is disabled or failing, or the limit is
   *     out of range
   * @throws WebhookLimitException when the company is at its limit (nothing stored)
   * @throws AlreadyStoredException when an endpoint with its id exists
   */
  WebhookEndpoint create(WebhookEndpoint endpoint, WebhookSecrets secrets, int maxPerCompany);

  /**
   * One endpoint of a company.
   *
   * @param companyId the company
   * @param endpointId the endpoint
   * @return the endpoint, or empty when unknown or another company's
   */
  Optional<WebhookEndpoint> endpoint(UUID companyId, UUID endpointId);

  /**
   * A company's endpoints, oldest first, optionally of one workspace only.
   *
   * @param companyId the company
   * @param workspaceId only this workspace's endpoints, or empty for all
   * @return at most {@value #MAX_ENDPOINTS} endpoints
   */
  List<WebhookEndpoint> endpoints(UUID companyId, Optional<UUID> workspaceId);

  /**
   * Enables or disables an endpoint. Disabling first creates the deliveries of the events
   * appended until then (as {@link #fanOut}), keeps its deliveries PENDING but claims none of
   * them until it is enabled again; enabling clears {@code failingSince} and moves its position
   * to its chain's head (the events appended while it was disabled are not delivered).
   *
   * @param companyId the company
   * @param endpointId the endpoint
   * @param enabled the new state
   * @param reason why it is disabled (required when disabling: 1..{@value #MAX_REASON}
   *     characters, not blank; ignored when enabling)
   * @param at when (the stored {@code updatedAt} never moves back)
   * @return the endpoint as stored, or empty when unknown or another company's
   */
  Optional<WebhookEndpoint> setEnabled(UUID companyId, UUID endpointId, boolean enabled,
      String reason, Instant at);

  /**
   * Replaces an endpoint's current secret; the old current secret becomes the previous one,
   * signing beside the new one until {@code previousUntil}.
   *
   * @param companyId the company
   * @param endpointId the endpoint
   * @param next the new current secret
   * @param previousUntil when the old secret stops signing
   * @param at when
   * @return the endpoint as stored, or empty when unknown or another company's
   */
  Optional<WebhookEndpoint> rotateSecret(UUID companyId, UUID endpointId, SealedSecret next,
      Instant previousUntil, Instant at);

  /**
   * Creates the deliveries of the events appended since each enabled endpoint's position and
   * moves the positions (see the class comment), at most {@code maxEvents} events of each
   * endpoint's chain per call. Endpoints another process is fanning out right now are skipped
   * (they are being served). Call it again while it returns {@code true}.
   *
   * @param maxEvents 1..{@value #MAX_FAN_OUT}
   * @return whether some endpoint had more than {@code maxEvents} events to take
   * @throws IllegalArgumentException when {@code maxEvents} is out of range
   */
  boolean fanOut(int maxEvents);

  /**
   * Leases up to {@code maxRuns} runs of due deliveries of enabled endpoints, one per endpoint
   * at most (see the class comment for the order and exclusivity rules).
   *
   * @param now the current time: due means {@code nextAttemptAt <= now}
   * @param maxRuns 1..{@value #MAX_CLAIM}
   * @param runLength the most deliveries per run, 1..{@value #MAX_RUN}
   * @param lease how long the claim holds, positive, at most {@value #MAX_LEASE_HOURS} hours
   * @param worker the claiming worker's name (stored with the lease), unique per worker:
   *     1..{@value #MAX_WORKER} characters, not blank
   * @return the claimed runs (the one whose head is oldest due first), with their endpoints and
   *     secrets
   */
  List<ClaimedRun> claimRuns(Instant now, int maxRuns, int runLength, Duration lease,
      String worker);

  /**
   * Leases up to {@code max} due deliveries of enabled endpoints: {@link #claimRuns} with runs
   * of one.
   *
   * @param now the current time: due means {@code nextAttemptAt <= now}
   * @param max 1..{@value #MAX_CLAIM}
   * @param lease how long the claim holds
   * @param worker the claiming worker's name
   * @return the claimed deliveries (oldest due first), with their endpoints and secrets
   */
  default List<ClaimedDelivery> claimDue(Instant now, int max, Duration lease, String worker) {
    return claimRuns(now, max, 1, lease, worker).stream()
        .flatMap(r -> r.claims().stream()).toList();
  }

  /**
   * Records the attempts of claimed deliveries and their next states, and releases the leases
   * of the claimed deliveries that were not attempted, at once (e.g. one statement). Each
   * outcome is recorded only while its delivery's lease is the worker's and its attempt's
   * number is the delivery's attempts + 1; a release only while the lease is the worker's.
   * Per endpoint, the recorded outcome of the highest seq sets the endpoint's {@code
   * failingSince} on a failure (when not set) or clears it on a success.
   *
   * @param worker the worker that claimed them
   * @param outcomes the attempts made, at most {@value #MAX_CLAIM}
   * @param released claimed deliveries not attempted, to be claimable again at once (still
   *     due, keeping their attempts), at most {@value #MAX_CLAIM}
   * @return the ids of the deliveries whose outcome was recorded
   * @throws IllegalArgumentException when a list is too long or names a delivery twice
   */
  Set<UUID> completeRun(String worker, List<DeliveryOutcome> outcomes, List<UUID> released);

  /**
   * Records one attempt of a claimed delivery and its next state, and releases the lease:
   * {@link #completeRun} with one outcome.
   *
   * @param deliveryId the delivery
   * @param worker the worker that claimed it
   * @param attempt the attempt (its number is the delivery's attempts + 1)
   * @param next SUCCEEDED exactly when the attempt succeeded (a 2xx answer); else FAILED, or
   *     PENDING with {@code nextAttemptAt}
   * @param nextAttemptAt the next attempt's time when {@code next} is PENDING, else empty
   * @return false when the lease was no longer the worker's, or the attempt's number is not
   *     the delivery's attempts + 1 (nothing written)
   * @throws IllegalArgumentException when {@code next} and {@code nextAttemptAt} or the
   *     attempt's outcome do not fit together ({@link DeliveryOutcome})
   */
  default boolean complete(UUID deliveryId, String worker, DeliveryAttempt attempt,
      DeliveryStatus next, Optional<Instant> nextAttemptAt) {
    return completeRun(worker, List.of(new DeliveryOutcome(deliveryId, attempt, next,
        nextAttemptAt)), List.of()).contains(deliveryId);
  }

  /**
   * An endpoint's deliveries, newest first (by seq), optionally in one status.
   *
   * @param companyId the company
   * @param endpointId the endpoint
   * @param status only this status, or empty
   * @param cursor where to continue, from a previous page
   * @param limit 1..{@value #MAX_PAGE}
   * @return the page (empty when the endpoint is unknown or another company's)
   * @throws InvalidCursorException when the cursor is not one this store issued for this
   *     endpoint and filter, or was changed ({@link DeliveryCursor})
   */
  DeliveryPage deliveries(UUID companyId, UUID endpointId, Optional<DeliveryStatus> status,
      Optional<String> cursor, int limit);

  /**
   * The attempts of one delivery, first first.
   *
   * @param companyId the company
   * @param deliveryId the delivery
   * @return its attempts (empty when unknown or another company's)
   */
  List<DeliveryAttempt> attempts(UUID companyId, UUID deliveryId);

  /**
   * Makes a FAILED (or PENDING) delivery due again at {@code now}, keeping its attempts.
   *
   * @param companyId the company
   * @param endpointId the delivery's endpoint
   * @param deliveryId the delivery
   * @param now when it becomes due
   * @return the delivery as stored, or empty when unknown, another company's or SUCCEEDED
   */
  Optional<WebhookDelivery> retry(UUID companyId, UUID endpointId, UUID deliveryId, Instant now);

  /**
   * Disables every enabled endpoint whose current run of failures began at or before {@code
   * failingSince}, with {@code reason} (each as {@link #setEnabled} disables).
   *
   * @param failingSince the cutoff
   * @param reason the disablement's reason (as {@link #setEnabled}'s)
   * @param now when
   * @return the endpoints disabled, at most {@value #MAX_PAGE} per call (call again while it
   *     returns that many)
   */
  List<WebhookEndpoint> disableFailing(Instant failingSince, String reason, Instant now);

  /**
   * Checks {@link #create}'s arguments, for implementations.
   *
   * @param endpoint the new endpoint
   * @param secrets its secrets
   * @param maxPerCompany the company's limit
   * @throws IllegalArgumentException when the endpoint is disabled or failing, or the limit is
   *     out of range
   */
  static void requireNew(WebhookEndpoint endpoint, WebhookSecrets secrets, int maxPerCompany) {
    java.util.Objects.requireNonNull(endpoint, "endpoint");
    java.util.Objects.requireNonNull(secrets, "secrets");
    if (!endpoint.enabled() || endpoint.failingSince().isPresent()) {
      throw new IllegalArgumentException("a new endpoint is enabled and not failing");
    }
    if (maxPerCompany < 1 || maxPerCompany > MAX_ENDPOINTS) {
      throw new IllegalArgumentException("maxPerCompany must be in 1.." + MAX_ENDPOINTS
          + ", got " + maxPerCompany);
    }
  }

  /**
   * Checks {@link #setEnabled}'s reason, for implementations.
   *
   * @param enabled the new state
   * @param reason the reason
   * @return the reason to store: empty when enabling
   * @throws IllegalArgumentException when disabling without a reason of 1..{@value
   *     #MAX_REASON} characters
   */
  static Optional<String> requireReason(boolean enabled, String reason) {
    if (enabled) {
      return Optional.empty();
    }
    if (reason == null || reason.isBlank() || reason.length() > MAX_REASON) {
      throw new IllegalArgumentException("reason must be 1.." + MAX_REASON + " characters and"
          + " not blank when disabling, got " + (reason == null ? "null"
              : reason.length() + " characters"));
    }
    return Optional.of(reason);
  }

  /**
   * Checks {@link #claimDue}'s arguments, for implementations.
   *
   * @param now the current time
   * @param max the most deliveries
   * @param lease the lease
   * @param worker the worker's name
   * @throws IllegalArgumentException when one is out of range
   */
  static void requireClaim(Instant now, int max, Duration lease, String worker) {
    java.util.Objects.requireNonNull(now, "now");
    java.util.Objects.requireNonNull(lease, "lease");
    java.util.Objects.requireNonNull(worker, "worker");
    if (max < 1 || max > MAX_CLAIM) {
      throw new IllegalArgumentException("max must be in 1.." + MAX_CLAIM + ", got " + max);
    }
    if (lease.isNegative() || lease.isZero() || lease.compareTo(Duration.ofHours(
        MAX_LEASE_HOURS)) > 0) {
      throw new IllegalArgumentException("lease must be positive and at most "
          + MAX_LEASE_HOURS + " h, got " + lease);
    }
    if (worker.isBlank() || worker.length() > MAX_WORKER) {
      throw new IllegalArgumentException("worker must be 1.." + MAX_WORKER + " characters and"
          + " not blank, got " + worker.length() + " characters");
    }
  }

  /**
   * Checks {@link #claimRuns}'s run length, for implementations.
   *
   * @param runLength the most deliveries per run
   * @throws IllegalArgumentException when out of range
   */
  static void requireRunLength(int runLength) {
    if (runLength < 1 || runLength > MAX_RUN) {
      throw new IllegalArgumentException("runLength must be in 1.." + MAX_RUN + ", got "
          + runLength);
    }
  }

  /**
   * Checks {@link #fanOut}'s batch, for implementations.
   *
   * @param maxEvents the most events per endpoint
   * @throws IllegalArgumentException when out of range
   */
  static void requireFanOut(int maxEvents) {
    if (maxEvents < 1 || maxEvents > MAX_FAN_OUT) {
      throw new IllegalArgumentException("maxEvents must be in 1.." + MAX_FAN_OUT + ", got "
          + maxEvents);
    }
  }

  /**
   * Checks {@link #completeRun}'s arguments, for implementations.
   *
   * @param worker the worker
   * @param outcomes the outcomes
   * @param released the released deliveries
   * @throws IllegalArgumentException when a list is longer than {@value #MAX_CLAIM} or a
   *     delivery is named twice
   */
  static void requireRun(String worker, List<DeliveryOutcome> outcomes, List<UUID> released) {
    java.util.Objects.requireNonNull(worker, "worker");
    java.util.Objects.requireNonNull(outcomes, "outcomes");
    java.util.Objects.requireNonNull(released, "released");
    if (outcomes.size() > MAX_CLAIM || released.size() > MAX_CLAIM) {
      throw new IllegalArgumentException("at most " + MAX_CLAIM + " outcomes and releases, got "
          + outcomes.size() + " and " + released.size());
    }
    Set<UUID> seen = new java.util.HashSet<>();
    for (DeliveryOutcome o : outcomes) {
      if (!seen.add(java.util.Objects.requireNonNull(o, "outcome").deliveryId())) {
        throw new IllegalArgumentException("delivery " + o.deliveryId() + " is named twice");
      }
    }
    for (UUID id : released) {
      if (!seen.add(java.util.Objects.requireNonNull(id, "released id"))) {
        throw new IllegalArgumentException("delivery " + id + " is named twice");
      }
    }
  }

  /**
   * Groups claimed deliveries into runs, for implementations of {@link #claimRuns}: one run
   * per endpoint (its deliveries in seq order, the earliest lease end), the run whose first
   * delivery is due first first.
   *
   * @param claims claimed deliveries of any endpoints
   * @return the runs
   */
  static List<ClaimedRun> runs(List<ClaimedDelivery> claims) {
    Map<UUID, List<ClaimedDelivery>> byEndpoint = new LinkedHashMap<>();
    for (ClaimedDelivery c : claims) {
      byEndpoint.computeIfAbsent(c.endpoint().id(), id -> new ArrayList<>()).add(c);
    }
    List<ClaimedRun> runs = new ArrayList<>(byEndpoint.size());
    for (List<ClaimedDelivery> run : byEndpoint.values()) {
      run.sort(Comparator.comparingLong(c -> c.delivery().seq()));
      ClaimedDelivery first = run.get(0);
      runs.add(new ClaimedRun(first.endpoint(), first.secrets(),
          run.stream().map(ClaimedDelivery::delivery).toList(),
          run.stream().map(ClaimedDelivery::leaseUntil).min(Comparator.naturalOrder())
              .orElseThrow()));
    }
    runs.sort(Comparator.comparing((ClaimedRun r) -> r.deliveries().get(0).nextAttemptAt()
        .orElseThrow())
        .thenComparing(r -> r.deliveries().get(0).id(), EventCursor::compareIds));
    return runs;
  }

  /**
   * Checks a page size, for implementations.
   *
   * @param limit the page size
   * @throws IllegalArgumentException when not in 1..{@value #MAX_PAGE}
   */
  static void requirePage(int limit) {
    if (limit < 1 || limit > MAX_PAGE) {
      throw new IllegalArgumentException("limit must be in 1.." + MAX_PAGE + ", got " + limit);
    }
  }
}
