package io.hyrelog.compliance.evidence;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hyrelog.Digest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLContext;

/**
 * The optional external WORM store and KMS, reached over HTTPS with a bearer token.
 *
 * <ul>
 *   <li>WORM: {@code PUT <endpoint>/<bundleId>.zip} with the package as the body and headers
 *       {@code X-Hyrelog-Bundle-Id} and {@code X-Hyrelog-Sha256}; a 2xx response's body (JSON)
 *       is the receipt.
 *   <li>KMS wrap: {@code POST <endpoint>} with {@code {"bundle_id", "data_key"}} (base64); a 2xx
 *       response {@code {"key_id", "wrapped_key", ...}} is the wrapped key, and the whole
 *       response is kept as the receipt.
 * </ul>
 *
 * <p>Every exchange has one deadline ({@link Builder#timeout}) from the connection to the last
 * byte of the answer, and answers are read as they stream in, at most {@value #MAX_RESPONSE}
 * bytes: a slow or oversized answer fails the call at the deadline or at the limit, never
 * holding more. {@code http://} endpoints are refused (the KMS call carries the raw data key)
 * unless {@link Builder#allowHttp} says otherwise, for development. Redirects are not followed.
 * The token is sent only in the {@code Authorization} header and never appears in messages.
 * Thread-safe.
 */
public final class ExternalEndpoints {
  /** Largest answer read, in bytes. */
  public static final int MAX_RESPONSE = 64 * 1024;
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final HttpClient http;
  private final Optional<String> token;
  private final Duration timeout;
  private final boolean allowHttp;

  /**
   * HTTPS endpoints with the JDK's trusted certificates and a deadline of {@code timeout}.
   *
   * @param token the bearer token, if any
   * @param timeout the deadline of one exchange
   */
  public ExternalEndpoints(Optional<String> token, Duration timeout) {
    this(builder().token(token).timeout(timeout));
  }

  private ExternalEndpoints(Builder b) {
    this.token = b.token;
    this.timeout = b.timeout;
    this.allowHttp = b.allowHttp;
    HttpClient.Builder hb = HttpClient.newBuilder().connectTimeout(b.timeout)
        .followRedirects(HttpClient.Redirect.NEVER);
    if (b.sslContext != null) {
      hb.sslContext(b.sslContext);
    }
    this.http = hb.build();
  }

  /**
   * Starts the endpoints' client, with the defaults each builder method names.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Uploads a package to the WORM endpoint.
   *
   * @param endpoint the WORM endpoint
   * @param bundleId the bundle's id
   * @param pkg the package
   * @param sha256 the package's SHA-256
   * @return the receipt (the response body)
   * @throws EvidenceException when the endpoint is not https (and http is not allowed), cannot
   *     be reached, misses the deadline, answers more than {@value #MAX_RESPONSE} bytes or does
   *     not answer 2xx
   */
  public String uploadWorm(URI endpoint, UUID bundleId, Path pkg, Digest sha256) {
    String what = "external WORM endpoint";
    requireScheme(endpoint, what);
    URI target = URI.create(endpoint.toString().replaceFirst("/*$", "") + "/" + bundleId
        + ".zip");
    HttpRequest.Builder b;
    try {
      b = HttpRequest.newBuilder(target).timeout(timeout)
          .header("Content-Type", "application/zip")
          .header("X-Hyrelog-Bundle-Id", bundleId.toString())
          .header("X-Hyrelog-Sha256", sha256.hex())
          .PUT(HttpRequest.BodyPublishers.ofFile(pkg));
    } catch (IOException e) {
      throw new EvidenceException("cannot read " + pkg.getFileName() + " for the WORM upload");
    }
    return receipt(send(b, what), what);
  }

  /**
   * Has the KMS wrap a data key.
   *
   * @param endpoint the KMS endpoint
   * @param bundleId the bundle's id
   * @param dataKey the 32-byte data key
   * @return the wrapped key
   * @throws EvidenceException as {@link #uploadWorm}, or when the answer has no {@code key_id}
   *     and {@code wrapped_key}
   */
  public KeyWrapper.WrappedKey wrapKey(URI endpoint, UUID bundleId, byte[] dataKey) {
    String what = "external KMS wrap endpoint";
    requireScheme(endpoint, what);
    ObjectNode body = MAPPER.createObjectNode();
    body.put("bundle_id", bundleId.toString());
    body.put("data_key", Base64.getEncoder().encodeToString(dataKey));
    HttpRequest.Builder b;
    try {
      b = HttpRequest.newBuilder(endpoint).timeout(timeout)
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofByteArray(MAPPER.writeValueAsBytes(body)));
    } catch (IOException e) {
      throw new IllegalStateException("cannot write a JSON tree", e);
    }
    String receipt = receipt(send(b, what), what);
    try {
      JsonNode n = MAPPER.readTree(receipt);
      String keyId = n.path("key_id").asText("");
      String wrapped = n.path("wrapped_key").asText("");
      if (keyId.isEmpty() || wrapped.isEmpty()) {
        throw new EvidenceException("the external KMS wrap endpoint answered without key_id"
            + " and wrapped_key");
      }
      return new KeyWrapper.WrappedKey(keyId, n.path("algorithm").asText("external KMS"),
          wrapped, receipt);
    } catch (IOException e) {
      throw new EvidenceException("the external KMS wrap endpoint answered with no JSON");
    }
  }

  /**
   * A {@link KeyWrapper} that calls the KMS wrap endpoint.
   *
   * @param endpoint the KMS endpoint
   * @return the key wrapper
   */
  public KeyWrapper kms(URI endpoint) {
    return (bundleId, dataKey) -> wrapKey(endpoint, bundleId, dataKey);
  }

  private void requireScheme(URI endpoint, String what) {
    String scheme = endpoint.getScheme();
    if ("https".equalsIgnoreCase(scheme) || ("http".equalsIgnoreCase(scheme) && allowHttp)) {
      return;
    }
    throw new EvidenceException("the " + what + " must be an https:// URL"
        + ("http".equalsIgnoreCase(scheme) ? " (http:// is allowed for development only)"
            : ", got scheme " + scheme));
  }

  /** Sends and reads the answer (bounded), all within the one deadline. */
  private HttpResponse<byte[]> send(HttpRequest.Builder b, String what) {
    token.ifPresent(t -> b.header("Authorization", "Bearer " + t));
    CompletableFuture<HttpResponse<byte[]>> f = http.sendAsync(b.build(),
        info -> new BoundedBody(MAX_RESPONSE));
    try {
      return f.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      f.cancel(true);
      throw new EvidenceException("the " + what + " did not answer within "
          + timeout.toMillis() + " ms");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof TooLarge) {
        throw new EvidenceException("the " + what + " answered more than " + MAX_RESPONSE
            + " bytes");
      }
      throw new EvidenceException("the " + what + " cannot be reached ("
          + e.getCause().getClass().getSimpleName() + ")");
    } catch (InterruptedException e) {
      f.cancel(true);
      Thread.currentThread().interrupt();
      throw new EvidenceException("interrupted while calling the " + what);
    }
  }

  private static String receipt(HttpResponse<byte[]> r, String what) {
    if (r.statusCode() / 100 != 2) {
      throw new EvidenceException("the " + what + " answered HTTP " + r.statusCode());
    }
    String s = new String(r.body(), java.nio.charset.StandardCharsets.UTF_8).strip();
    return s.isEmpty() ? "{}" : s;
  }

  /** The answer grew past the limit. */
  private static final class TooLarge extends IOException {
    private static final long serialVersionUID = 1L;

    TooLarge() {
      super("answer too large");
    }
  }

  /**
   * Collects at most {@code limit} bytes of a body, asking for one chunk at a time; one more
   * byte cancels the exchange.
   */
  private static final class BoundedBody implements HttpResponse.BodySubscriber<byte[]> {
    private final int limit;
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final CompletableFuture<byte[]> body = new CompletableFuture<>();
    private Flow.Subscription subscription;

    BoundedBody(int limit) {
      this.limit = limit;
    }

    @Override
    public CompletionStage<byte[]> getBody() {
      return body;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      s.request(1);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
      for (ByteBuffer b : items) {
        if (bytes.size() + b.remaining() > limit) {
          subscription.cancel();
          body.completeExceptionally(new TooLarge());
          return;
        }
        byte[] chunk = new byte[b.remaining()];
        b.get(chunk);
        bytes.write(chunk, 0, chunk.length);
      }
      subscription.request(1);
    }

    @Override
    public void onError(Throwable t) {
      body.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
      body.complete(bytes.toByteArray());
    }
  }

  /** Settings of the endpoints; each setter rejects a bad value at once. Not thread-safe. */
  public static final class Builder {
    private Optional<String> token = Optional.empty();
    private Duration timeout = Duration.ofSeconds(60);
    private boolean allowHttp;
    private SSLContext sslContext;

    private Builder() {}

    /**
     * The bearer token of both endpoints, if any.
     *
     * @param token the token, or empty
     * @return this builder
     */
    public Builder token(Optional<String> token) {
      this.token = Objects.requireNonNull(token, "token");
      return this;
    }

    /**
     * The deadline of one whole exchange, connection to last byte (default 60 s).
     *
     * @param timeout the deadline, positive
     * @return this builder
     */
    public Builder timeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("timeout must be positive, got " + timeout);
      }
      this.timeout = timeout;
      return this;
    }

    /**
     * Accept {@code http://} endpoints (development only: the KMS call carries a data key).
     *
     * @param allow whether to accept http
     * @return this builder
     */
    public Builder allowHttp(boolean allow) {
      this.allowHttp = allow;
      return this;
    }

    /**
     * The TLS context (trusted certificates); default the JDK's.
     *
     * @param context the context
     * @return this builder
     */
    public Builder sslContext(SSLContext context) {
      this.sslContext = Objects.requireNonNull(context, "sslContext");
      return this;
    }

    /**
     * Builds the client.
     *
     * @return the client
     */
    public ExternalEndpoints build() {
      return new ExternalEndpoints(this);
    }
  }
}
