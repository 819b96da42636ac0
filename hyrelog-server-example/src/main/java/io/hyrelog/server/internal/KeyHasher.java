package io.hyrelog.server.internal;

import io.hyrelog.ApiKeyToken;
import io.hyrelog.Digest;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** HMAC-SHA256 of API keys under the server secret: the only form in which keys are stored. */
public final class KeyHasher {
  private final ThreadLocal<Mac> mac;

  public KeyHasher(String secret) {
    SecretKeySpec key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    this.mac = ThreadLocal.withInitial(() -> {
      try {
        Mac m = Mac.getInstance("HmacSHA256");
        m.init(key);
        return m;
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("HmacSHA256 is unavailable", e);
      }
    });
  }

  public Digest hash(ApiKeyToken token) {
    return Digest.of(mac.get().doFinal(token.text().getBytes(StandardCharsets.US_ASCII)));
  }

  @Override
  public String toString() {
    return "KeyHasher[<masked>]";
  }
}
