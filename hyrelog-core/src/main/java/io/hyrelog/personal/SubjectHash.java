package io.hyrelog.personal;

import io.hyrelog.DataSubject;
import io.hyrelog.Digest;
import io.hyrelog.Salt;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * What a request keeps of its subject once executed: HMAC-SHA256 of {@link
 * DataSubject#canonical()} under a random salt of the request. Whoever knows the subject can
 * check that a request was about them ({@link #matches}); the record itself holds no personal
 * value. A low-entropy value (an email) can still be guessed by someone who reads the salt:
 * the hash proves, it does not hide from a determined insider.
 *
 * @param salt the request's random salt
 * @param hash HMAC-SHA256(salt, canonical form)
 */
public record SubjectHash(Salt salt, Digest hash) {
  /**
   * Validates.
   *
   * @param salt the salt
   * @param hash the hash
   */
  public SubjectHash {
    Objects.requireNonNull(salt, "salt");
    Objects.requireNonNull(hash, "hash");
  }

  /**
   * The hash of {@code subject} under {@code salt}.
   *
   * @param salt the request's salt
   * @param subject the subject
   * @return the hash
   */
  public static SubjectHash of(Salt salt, DataSubject subject) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(salt.bytes(), "HmacSHA256"));
      return new SubjectHash(salt, Digest.of(mac.doFinal(
          subject.canonical().getBytes(StandardCharsets.UTF_8))));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }

  /**
   * Whether this is the hash of {@code subject}.
   *
   * @param subject a subject
   * @return true when it hashes to {@link #hash()} under {@link #salt()}
   */
  public boolean matches(DataSubject subject) {
    return of(salt, subject).equals(this);
  }
}
