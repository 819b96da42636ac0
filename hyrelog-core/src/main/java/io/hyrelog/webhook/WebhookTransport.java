package io.hyrelog.webhook;

import java.net.URI;
import java.util.Map;

/**
 * Sends one delivery attempt: an HTTP {@code POST} of a JSON body to an endpoint. An
 * implementation checks the target against SSRF at every call (the address it actually connects
 * to), follows no redirects, sends no credentials and reads at most a bounded part of the
 * answer. Implementations MUST be thread-safe.
 */
@FunctionalInterface
public interface WebhookTransport {
  /**
   * Posts {@code body} to {@code url} with {@code headers} and {@code Content-Type:
   * application/json}. Never throws for what the target does or is (a refused address, a DNS or
   * TLS failure, a timeout, a non-2xx answer): those are outcomes.
   *
   * @param url the endpoint's URL
   * @param headers the headers to send (names in lower case)
   * @param body the request body
   * @return what happened
   */
  WebhookResponse post(URI url, Map<String, String> headers, byte[] body);
}
