package io.hyrelog.server.internal.witness;

import io.hyrelog.net.OutboundPolicy;
import io.hyrelog.net.OutboundRefusedException;
import io.hyrelog.server.config.WitnessSettings.Witness;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Sends C2SP tlog-witness {@code add-checkpoint} requests: {@code POST <base URL>add-checkpoint}
 * with a text body, no redirects followed, every address of the host checked by the server's
 * {@link OutboundPolicy} first (the rules of webhook deliveries), connect and request timeouts,
 * and at most {@value #MAX_BODY} response bytes read. The JDK client resolves the name again
 * and cannot be pinned to the checked address, so unlike webhook deliveries (tenants' URLs,
 * pinned) a witness name whose answer changes between the two could reach another address;
 * witness URLs come from the operator's configuration, not from tenants. Thread-safe.
 */
final class WitnessClient {
  /** A cosignature line is about 150 bytes, a conflict body 21; anything longer is refused. */
  static final int MAX_BODY = 16 * 1024;

  /** A witness's HTTP answer. */
  record Answer(int status, String body) {}

  /** The witness could not be asked, or did not answer within the limits. */
  static final class Unreachable extends Exception {
    private static final long serialVersionUID = 1L;
    private final String reason;

    Unreachable(String reason, String message, Throwable cause) {
      super(message, cause);
      this.reason = reason;
    }

    /** A short stable code: {@code timeout}, {@code connect}, {@code address}, ... */
    String reason() {
      return reason;
    }
  }

  private final HttpClient http;
  private final Duration requestTimeout;
  private final OutboundPolicy policy;

  WitnessClient(Duration connectTimeout, Duration requestTimeout, boolean allowPrivate) {
    this.http = HttpClient.newBuilder().connectTimeout(connectTimeout)
        .followRedirects(HttpClient.Redirect.NEVER).version(HttpClient.Version.HTTP_1_1).build();
    this.requestTimeout = requestTimeout;
    this.policy = OutboundPolicy.builder().allowPrivateNetworks(allowPrivate).build();
  }

  /** Posts {@code body} to the witness's add-checkpoint endpoint. */
  Answer addCheckpoint(Witness w, String body) throws Unreachable, InterruptedException {
    URI uri = w.addCheckpoint();
    try {
      policy.resolve(uri.getHost());
    } catch (OutboundRefusedException e) {
      throw new Unreachable("address", "witness " + w.label() + ": " + e.refusal() + ", "
          + e.getMessage(), e);
    }
    HttpRequest req = HttpRequest.newBuilder(uri).timeout(requestTimeout)
        .header("Content-Type", "text/plain; charset=utf-8")
        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build();
    try {
      HttpResponse<InputStream> r = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream in = r.body()) {
        // The request timeout ends at the headers; a body that trickles is cut at the same
        // deadline by closing its stream.
        CompletableFuture<Void> cut = CompletableFuture.runAsync(() -> closeQuietly(in),
            CompletableFuture.delayedExecutor(requestTimeout.toMillis(), TimeUnit.MILLISECONDS));
        byte[] bytes;
        try {
          bytes = in.readNBytes(MAX_BODY + 1);
        } finally {
          cut.cancel(false);
        }
        if (bytes.length > MAX_BODY) {
          throw new Unreachable("response_too_large", "witness " + w.label()
              + " answered HTTP " + r.statusCode() + " with a body over " + MAX_BODY
              + " bytes", null);
        }
        return new Answer(r.statusCode(), new String(bytes, StandardCharsets.UTF_8));
      }
    } catch (java.net.http.HttpTimeoutException e) {
      throw new Unreachable("timeout", "witness " + w.label() + " did not answer within "
          + requestTimeout.toMillis() + " ms", e);
    } catch (IOException e) {
      throw new Unreachable("connect", "witness " + w.label() + " could not be reached: "
          + e.getClass().getSimpleName(), e);
    }
  }

  private static void closeQuietly(InputStream in) {
    try {
      in.close();
    } catch (IOException ignored) {
      // the read in progress fails, which is the point
    }
  }
}
