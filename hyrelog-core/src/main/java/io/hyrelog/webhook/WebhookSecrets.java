package io.hyrelog.webhook;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * An endpoint's signing secrets as stored: the current one, and during a rotation the previous
 * one, which keeps signing beside it until {@code previousUntil}.
 *
 * @param current the current secret, sealed
 * @param previous the previous secret, sealed, while a rotation's grace period lasts
 * @param previousUntil when the previous secret stops signing; present exactly with {@code
 *     previous}
 */
public record WebhookSecrets(SealedSecret current, Optional<SealedSecret> previous,
    Optional<Instant> previousUntil) {
  /**
   * Validates the secrets.
   *
   * @param current the current secret
   * @param previous the previous secret, or empty
   * @param previousUntil present exactly when {@code previous} is
   */
  public WebhookSecrets {
    Objects.requireNonNull(current, "current");
    Objects.requireNonNull(previous, "previous");
    Objects.requireNonNull(previousUntil, "previousUntil");
    if (previous.isPresent() != previousUntil.isPresent()) {
      throw new IllegalArgumentException("previousUntil is present exactly with previous");
    }
  }

  /**
   * Only a current secret.
   *
   * @param current the current secret
   * @return the secrets
   */
  public static WebhookSecrets of(SealedSecret current) {
    return new WebhookSecrets(current, Optional.empty(), Optional.empty());
  }
}
