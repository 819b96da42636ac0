package io.hyrelog;

import java.util.Objects;

/**
 * The integrity record of one personal-data field of an event: the commitment
 * {@code SHA-256(salt || canonical value)} that the event hash covers, and the salt while the
 * value is not erased. After erasure both the value and the salt are gone; the commitment stays,
 * so the chain still verifies and the field shows as erased.
 *
 * @param commitment covered by the event hash
 * @param salt the 16 random bytes, or {@code null} once the field is erased
 */
public record PersonalField(Digest commitment, Salt salt) {
  /**
   * Validates the field.
   *
   * @param commitment covered by the event hash
   * @param salt the 16 random bytes, or {@code null} once the field is erased
   */
  public PersonalField {
    Objects.requireNonNull(commitment, "commitment");
  }

  /**
   * Whether the value and salt have been erased.
   *
   * @return true when the salt is gone
   */
  public boolean erased() {
    return salt == null;
  }

  /**
   * This field with its salt removed.
   *
   * @return a copy without the salt, keeping the commitment
   */
  public PersonalField erase() {
    return new PersonalField(commitment, null);
  }
}
