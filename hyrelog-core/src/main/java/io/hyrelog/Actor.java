package io.hyrelog;

/**
 * Who did it. Every component is optional ({@code null} when absent). By default
 * {@code email} and {@code name} are personal data: they are hashed as salted commitments and
 * can be erased without breaking the chain (see {@link PersonalDataPolicy}).
 */
public record Actor(String id, String email, String role, String name) {
  /**
   * Whether no component is present.
   *
   * @return true when id, email, role and name are all null
   */
  public boolean isEmpty() {
    return id == null && email == null && role == null && name == null;
  }

  /**
   * An actor known only by id.
   *
   * @param id the actor's id
   * @return an actor with only an id
   */
  public static Actor ofId(String id) {
    return new Actor(id, null, null, null);
  }
}
