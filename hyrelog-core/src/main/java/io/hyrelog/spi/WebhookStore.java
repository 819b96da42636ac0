package io.hyrelog.spi;

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
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Webhook endpoints and their deliveries, kept beside an {@link EventStore}'s events (offered by
 * {@link EventStore#webhooks()}). The testkit's {@code WebhookStoreContract} checks every
 * implementation.
 *
 * <h2>The outbox (inside {@link EventStore#append})</h2>
 * In the transaction that stores a batch's created events, the event store MUST write one
 * PENDING delivery, due at the event's {@code recordedAt}, for every created event and every
 * endpoint that is enabled at that moment, belongs to the event's company and workspace,
 * subscribes to {@code AUDIT_EVENT_CREATED}, and has no project filter or the event's project. A
 * replayed event (idempotent retry) gets none. So an acknowledged event always has its
 * deliveries, even when the process dies right after the commit.
 *
 * <h2>Claims</h2>
 * {@link #claimDue} hands a due delivery to one worker at a time across processes (a lease; e.g.
 * {@code FOR UPDATE SKIP LOCKED}). Per endpoint, deliveries are attempted in seq order, one at a
 * time: only the endpoint's PENDING delivery of the lowest seq is ever claimable, and only when
 * it is due and not leased. A worker that dies leaves its lease to expire, and the delivery is
 * claimed again. {@link #complete} is conditional on the lease still being the caller's.
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
  /** The most deliveries one claim returns. */
  int MAX_CLAIM = 500;
  /** The longest lease a claim may take, in hours. */
  int MAX_LEASE_HOURS = 24;
  /** The longest worker name, in characters. */
  int MAX_WORKER = 200;
  /** The longest error class of an attempt, in characters. */
  int MAX_ERROR_CLASS = 100;
  /** The longest disablement reason, in characters. */
  int MAX_REASON = 500;

  /**
   * Stores a new endpoint if its company has fewer than {@code maxPerCompany} (atomically, so
   * concurrent creations never exceed the limit).
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
   * Enables or disables an endpoint. Disabling keeps its deliveries PENDING but claims none
   * of them until it is enabled again; enabling clears {@code failingSince}.
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
   * Leases up to {@code max} due deliveries of enabled endpoints (see the class comment for the
   * order and exclusivity rules).
   *
   * @param now the current time: due means {@code nextAttemptAt <= now}
   * @param max 1..{@value #MAX_CLAIM}
   * @param lease how long the claim holds, positive, at most {@value #MAX_LEASE_HOURS} hours
   * @param worker the claiming worker's name (stored with the lease), unique per worker:
   *     1..{@value #MAX_WORKER} characters, not blank
   * @return the claimed deliveries (oldest due first), with their endpoints and secrets
   */
  List<ClaimedDelivery> claimDue(Instant now, int max, Duration lease, String worker);

  /**
   * Records an attempt of a claimed delivery and its next state, and releases the lease; also
   * sets the endpoint's {@code failingSince} on a failure (when not set) and clears it on a
   * success.
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
   *     attempt's outcome do not fit together, or its error class is longer than {@value
   *     #MAX_ERROR_CLASS} characters
   */
  boolean complete(UUID deliveryId, String worker, DeliveryAttempt attempt, DeliveryStatus next,
      Optional<Instant> nextAttemptAt);

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
   * failingSince}, with {@code reason}.
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
   * Checks {@link #complete}'s arguments, for implementations.
   *
   * @param deliveryId the delivery
   * @param worker the worker
   * @param attempt the attempt
   * @param next the next status
   * @param nextAttemptAt the next attempt's time
   * @throws IllegalArgumentException when {@code next} does not fit the attempt's outcome or
   *     {@code nextAttemptAt}
   */
  static void requireCompletion(UUID deliveryId, String worker, DeliveryAttempt attempt,
      DeliveryStatus next, Optional<Instant> nextAttemptAt) {
    java.util.Objects.requireNonNull(deliveryId, "deliveryId");
    java.util.Objects.requireNonNull(worker, "worker");
    java.util.Objects.requireNonNull(attempt, "attempt");
    java.util.Objects.requireNonNull(next, "next");
    java.util.Objects.requireNonNull(nextAttemptAt, "nextAttemptAt");
    if ((next == DeliveryStatus.PENDING) != nextAttemptAt.isPresent()) {
      throw new IllegalArgumentException("nextAttemptAt is given exactly when next is PENDING");
    }
    if (attempt.response().errorClass().length() > MAX_ERROR_CLASS) {
      throw new IllegalArgumentException("the attempt's errorClass must be at most "
          + MAX_ERROR_CLASS + " characters, got " + attempt.response().errorClass().length());
    }
    if ((next == DeliveryStatus.SUCCEEDED) != attempt.response().succeeded()) {
      throw new IllegalArgumentException("next is SUCCEEDED exactly when the attempt got a 2xx"
          + " answer (status " + attempt.response().statusCode() + ", next " + next + ")");
    }
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
