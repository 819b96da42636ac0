/**
 * Webhooks: signed, durable, at-least-once delivery of every appended event to the HTTPS
 * endpoints a tenant registers.
 *
 * <p>The pieces: {@link io.hyrelog.webhook.WebhookEndpoint} (where and what to deliver), {@link
 * io.hyrelog.webhook.WebhookDelivery} (one event for one endpoint, created from the chain by the
 * store's fan-out after the append, the chain being the durable outbox), {@link
 * io.hyrelog.webhook.DeliveryAttempt} (what one try returned), the port {@link
 * io.hyrelog.spi.WebhookStore} that makes them durable and lets several processes claim due
 * deliveries without sending one twice in the same attempt, and the port {@link
 * io.hyrelog.webhook.WebhookTransport} that sends one attempt (the SSRF-safe HTTP adapter lives
 * outside core).
 */
package io.hyrelog.webhook;
