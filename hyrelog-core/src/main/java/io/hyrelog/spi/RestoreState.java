package io.hyrelog.spi;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Where an archive object stands in the cold tier, as its store reports it.
 *
 * @param phase the object's phase
 * @param expiresAt when a {@link Phase#RESTORED} copy stops being readable; empty otherwise
 */
public record RestoreState(Phase phase, Optional<Instant> expiresAt) {

  /** The phases of a cold object. */
  public enum Phase {
    /** Readable now without a restore (not in a cold storage class). */
    READABLE,
    /** In a cold storage class and not restored: a restore is needed before reading. */
    COLD,
    /** A restore was requested and has not finished. */
    IN_PROGRESS,
    /** A restored copy is readable until {@link RestoreState#expiresAt()}. */
    RESTORED
  }

  /**
   * Validates the state.
   *
   * @param phase the object's phase
   * @param expiresAt when a {@link Phase#RESTORED} copy stops being readable; empty otherwise
   * @throws IllegalArgumentException when {@code expiresAt} is not set exactly for
   *     {@link Phase#RESTORED}
   */
  public RestoreState {
    Objects.requireNonNull(phase, "phase");
    Objects.requireNonNull(expiresAt, "expiresAt");
    if ((phase == Phase.RESTORED) != expiresAt.isPresent()) {
      throw new IllegalArgumentException("expiresAt is set exactly when the phase is RESTORED");
    }
  }

  /**
   * A state without an expiry.
   *
   * @param phase a phase other than {@link Phase#RESTORED}
   * @return the state
   */
  public static RestoreState of(Phase phase) {
    return new RestoreState(phase, Optional.empty());
  }

  /**
   * A restored copy readable until {@code expiresAt}.
   *
   * @param expiresAt when the restored copy expires
   * @return the state
   */
  public static RestoreState restoredUntil(Instant expiresAt) {
    return new RestoreState(Phase.RESTORED, Optional.of(expiresAt));
  }
}
