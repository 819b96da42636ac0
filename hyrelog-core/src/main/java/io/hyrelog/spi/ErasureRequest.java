package io.hyrelog.spi;

import io.hyrelog.EventScope;
import java.util.Objects;

/**
 * A request to erase a person's personal data (GDPR Art. 17): every event in {@code scope} whose
 * actor matches loses the values and salts of its personal fields. Commitments stay, so every
 * chain still verifies. Fields that are not personal are never changed.
 *
 * @param actorId matches {@code actor.id}; may be {@code null} when {@code actorEmail} is given
 * @param actorEmail matches {@code actor.email}; may be {@code null} when {@code actorId} is given
 * @param scope the company or workspace whose events are searched
 */
public record ErasureRequest(EventScope scope, String actorId, String actorEmail) {
  /**
   * Validates the request.
   *
   * @param scope the company or workspace whose events are searched
   * @param actorId matches {@code actor.id}; may be {@code null} when {@code actorEmail} is
   *     given
   * @param actorEmail matches {@code actor.email}; may be {@code null} when {@code actorId} is
   *     given
   * @throws IllegalArgumentException when neither an actor id nor an actor email is given
   */
  public ErasureRequest {
    Objects.requireNonNull(scope, "scope");
    if (actorId == null && actorEmail == null) {
      throw new IllegalArgumentException("an erasure request needs an actorId or an actorEmail");
    }
  }
}
