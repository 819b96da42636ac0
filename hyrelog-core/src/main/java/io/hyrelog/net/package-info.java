/**
 * Outbound requests to URLs that tenants choose: {@link io.hyrelog.net.OutboundPolicy} decides
 * which URLs, hosts and addresses may be reached (SSRF safety) and refuses the rest with an
 * {@link io.hyrelog.net.OutboundRefusedException} naming a stable {@link
 * io.hyrelog.net.OutboundRefusal}. JDK only; the HTTP transport that applies it lives in
 * {@code hyrelog-webhooks}.
 */
package io.hyrelog.net;
