/**
 * The webhook delivery workflow: {@link io.hyrelog.webhook.dispatch.WebhookDispatcher} claims due
 * deliveries from the {@link io.hyrelog.spi.WebhookStore}, signs and sends them through the
 * {@link io.hyrelog.webhook.WebhookTransport} and records each attempt. Kept apart from {@code
 * io.hyrelog.webhook} because it depends on the ports, which depend on the webhook types.
 */
package io.hyrelog.webhook.dispatch;
