package io.hyrelog.webhook.dispatch;

import io.hyrelog.webhook.WebhookResponse;
import io.hyrelog.webhook.WebhookTransport;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * A test-only {@link WebhookTransport} over the JDK's {@link HttpClient}, without the SSRF checks
 * of the production transport (that adapter is written in its own module, in parallel): these
 * tests post to a receiver on loopback, which the real transport would refuse by default.
 */
final class JdkHttpTransport implements WebhookTransport {
  private final HttpClient client = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(5)).followRedirects(HttpClient.Redirect.NEVER).build();

  @Override
  public WebhookResponse post(URI url, Map<String, String> headers, byte[] body) {
    long start = System.nanoTime();
    HttpRequest.Builder b = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(15))
        .header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    headers.forEach(b::header);
    try {
      HttpResponse<byte[]> r = client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
      return new WebhookResponse(r.statusCode(), Duration.ofNanos(System.nanoTime() - start), "",
          new String(r.body(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      return new WebhookResponse(0, Duration.ofNanos(System.nanoTime() - start), "CONNECTION",
          "");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new WebhookResponse(0, Duration.ofNanos(System.nanoTime() - start), "INTERRUPTED",
          "");
    }
  }
}
