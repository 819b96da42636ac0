/**
 * The webhook transport over HTTP: {@link io.hyrelog.webhooks.HttpWebhookTransport}, core's
 * {@link io.hyrelog.webhook.WebhookTransport} port on Apache HttpClient 5, applying core's
 * {@link io.hyrelog.net.OutboundPolicy} at every request.
 */
package io.hyrelog.webhooks;
