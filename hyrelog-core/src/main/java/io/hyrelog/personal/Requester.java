package io.hyrelog.personal;

import java.util.Objects;

/**
 * Who filed or decided a personal-data request: a company API key (by its id) or a dashboard
 * user (by the dashboard's user id). Two identities are the same person exactly when kind and id
 * are equal.
 *
 * @param kind a key or a dashboard user
 * @param id the key's id or the user's id, 1..256 characters
 */
public record Requester(Kind kind, String id) {
  /** The longest id accepted. */
  public static final int MAX_ID = 256;

  /** The kinds of identity. */
  public enum Kind {
    /** A company API key; {@code id} is the key's id. */
    KEY,
    /** A dashboard user; {@code id} is the dashboard's user id. */
    DASHBOARD_USER
  }

  /**
   * Validates the identity.
   *
   * @param kind a key or a dashboard user
   * @param id 1..256 characters
   * @throws IllegalArgumentException when the id is empty or too long
   */
  public Requester {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(id, "id");
    if (id.isEmpty() || id.length() > MAX_ID) {
      throw new IllegalArgumentException("a requester id must have 1.." + MAX_ID
          + " characters, got " + id.length());
    }
  }

  /**
   * A company API key.
   *
   * @param keyId the key's id
   * @return the identity
   */
  public static Requester key(String keyId) {
    return new Requester(Kind.KEY, keyId);
  }

  /**
   * A dashboard user.
   *
   * @param userId the dashboard's user id
   * @return the identity
   */
  public static Requester user(String userId) {
    return new Requester(Kind.DASHBOARD_USER, userId);
  }
}
