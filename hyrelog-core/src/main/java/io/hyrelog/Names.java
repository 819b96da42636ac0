package io.hyrelog;

/** Checks for human-readable names of tenancy objects. */
final class Names {
  static final int MAX_NAME_LENGTH = 200;

  private Names() {}

  static String requireName(String what, String name) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException(what + " must not be blank");
    }
    String n = name.strip();
    if (n.length() > MAX_NAME_LENGTH) {
      throw new IllegalArgumentException(
          what + " must be at most " + MAX_NAME_LENGTH + " characters, got " + n.length());
    }
    return n;
  }
}
