package io.hyrelog.compliance.evidence;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hyrelog.Digest;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * The optional external WORM store and KMS, reached over HTTP(S) with a bearer token.
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
 * <p>The token is sent only in the {@code Authorization} header and never appears in messages.
 * Thread-safe.
 */
public final class ExternalEndpoints {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final int MAX_RECEIPT = 64 * 1024;

  private final HttpClient http;
  private final Optional<String> token;
  private final Duration timeout;

  public ExternalEndpoints(Optional<String> token, Duration timeout) {
    this.token = Objects.requireNonNull(token, "token");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    this.http = HttpClient.newBuilder().connectTimeout(timeout)
        .followRedirects(HttpClient.Redirect.NEVER).build();
  }

  /**
   * Uploads a package to the WORM endpoint.
   *
   * @return the receipt (the response body)
   * @throws EvidenceException when the endpoint cannot be reached or does not answer 2xx
   */
  public String uploadWorm(URI endpoint, UUID bundleId, Path pkg, Digest sha256) {
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
    return receipt(send(b, "external WORM endpoint"), "external WORM endpoint");
  }

  /**
   * Has the KMS wrap a data key.
   *
   * @throws EvidenceException when the endpoint cannot be reached, does not answer 2xx, or
   *     answers without {@code key_id} and {@code wrapped_key}
   */
  public KeyWrapper.WrappedKey wrapKey(URI endpoint, UUID bundleId, byte[] dataKey) {
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
    String receipt = receipt(send(b, "external KMS wrap endpoint"),
        "external KMS wrap endpoint");
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

  /** A {@link KeyWrapper} that calls the KMS wrap endpoint. */
  public KeyWrapper kms(URI endpoint) {
    return (bundleId, dataKey) -> wrapKey(endpoint, bundleId, dataKey);
  }

  private HttpResponse<byte[]> send(HttpRequest.Builder b, String what) {
    token.ifPresent(t -> b.header("Authorization", "Bearer " + t));
    try {
      return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new EvidenceException("the " + what + " cannot be reached ("
          + e.getClass().getSimpleName() + ")");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EvidenceException("interrupted while calling the " + what);
    }
  }

  private static String receipt(HttpResponse<byte[]> r, String what) {
    if (r.statusCode() / 100 != 2) {
      throw new EvidenceException("the " + what + " answered HTTP " + r.statusCode());
    }
    byte[] body = r.body();
    if (body.length > MAX_RECEIPT) {
      throw new EvidenceException("the " + what + " answered with a receipt larger than "
          + MAX_RECEIPT + " bytes");
    }
    String s = new String(body, java.nio.charset.StandardCharsets.UTF_8).strip();
    return s.isEmpty() ? "{}" : s;
  }
}
