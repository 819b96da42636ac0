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

  /**
   * Stores a new endpoint if its company has fewer than {@code maxPerCompany} (atomically, so
   * concurrent creations never exceed the limit).
   *
   * @param endpoint the new endpoint (enabled, not failing)
   * @param secrets its sealed secrets
   * @param maxPerCompany the company's limit, 1..{@value #MAX_ENDPOINTS}
   * @return the endpoint as stored
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
   * @param reason why it is disabled (required when disabling, ignored when enabling)
   * @param at when
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
   * @param lease how long the claim holds
   * @param worker the claiming worker's name (stored with the lease)
   * @return the claimed deliveries, with their endpoints and secrets
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
   * @param next SUCCEEDED, FAILED, or PENDING with {@code nextAttemptAt}
   * @param nextAttemptAt the next attempt's time when {@code next} is PENDING, else empty
   * @return false when the lease was no longer the worker's (nothing written)
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
   * @throws IllegalArgumentException when the cursor is not one this store issued
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
   * @param reason the disablement's reason
   * @param now when
   * @return the endpoints disabled
   */
  List<WebhookEndpoint> disableFailing(Instant failingSince, String reason, Instant now);
}
