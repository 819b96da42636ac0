package io.hyrelog;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * A data subject of personal-data requests (GDPR Art. 15 access, Art. 17 erasure): the person
 * is selected by the actor id, the actor email, or the value of a metadata key declared personal
 * ({@link PersonalDataPolicy#withMetadataKeys}). Matching is exact (no case folding: an email
 * stored as {@code Ana@x.test} is another subject than {@code ana@x.test}).
 *
 * <p>An event belongs to a subject when its actor id, its actor email, or its metadata value at
 * {@code key} equals the subject's value. {@link #canonical()} is the stable text form from which
 * keyed references (HMACs) are derived; it contains the value, so it is personal data itself.
 *
 * @param kind how the subject is selected
 * @param key the metadata key for {@link Kind#METADATA}, null otherwise
 * @param value the actor id, actor email or metadata value (1..1024 characters)
 */
public record DataSubject(Kind kind, String key, String value) {
  /** The longest value accepted, in UTF-16 units. */
  public static final int MAX_VALUE = 1024;

  /** The longest metadata key accepted, in UTF-16 units. */
  public static final int MAX_KEY = 128;

  /** How a subject is selected. */
  public enum Kind {
    /** {@code actor.id} equals the value. */
    ACTOR_ID,
    /** {@code actor.email} equals the value. */
    ACTOR_EMAIL,
    /** The top-level metadata value at the (personal) key equals the value. */
    METADATA
  }

  /**
   * Validates the subject.
   *
   * @param kind how the subject is selected
   * @param key the metadata key for {@link Kind#METADATA}, null otherwise
   * @param value the value to match
   * @throws IllegalArgumentException naming what is wrong (never echoing the value)
   */
  public DataSubject {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(value, "value");
    if (value.isEmpty() || value.length() > MAX_VALUE) {
      throw new IllegalArgumentException("a subject value must have 1.." + MAX_VALUE
          + " characters, got " + value.length());
    }
    if ((kind == Kind.METADATA) != (key != null)) {
      throw new IllegalArgumentException("a metadata key is given exactly for METADATA subjects");
    }
    if (key != null && (key.isEmpty() || key.length() > MAX_KEY)) {
      throw new IllegalArgumentException("a subject's metadata key must have 1.." + MAX_KEY
          + " characters, got " + key.length());
    }
  }

  /**
   * The subject whose actor id is {@code id}.
   *
   * @param id the actor id
   * @return the subject
   */
  public static DataSubject actorId(String id) {
    return new DataSubject(Kind.ACTOR_ID, null, id);
  }

  /**
   * The subject whose actor email is {@code email}.
   *
   * @param email the actor email, matched exactly
   * @return the subject
   */
  public static DataSubject actorEmail(String email) {
    return new DataSubject(Kind.ACTOR_EMAIL, null, email);
  }

  /**
   * The subject whose value of the personal metadata key {@code key} is {@code value}.
   *
   * @param key a top-level metadata key
   * @param value its string value
   * @return the subject
   */
  public static DataSubject metadata(String key, String value) {
    return new DataSubject(Kind.METADATA, key, value);
  }

  /**
   * Whether {@code e} belongs to this subject: its actor id or actor email equals the value, or
   * (METADATA) its top-level metadata value at the key is this string and the event declares
   * that key personal in its own {@code personal} map. Erased values never match.
   *
   * @param e an event
   * @return true when the event belongs to this subject
   */
  public boolean matches(AuditEvent e) {
    return switch (kind) {
      case ACTOR_ID -> e.actor() != null && value.equals(e.actor().id());
      case ACTOR_EMAIL -> e.actor() != null && value.equals(e.actor().email());
      case METADATA -> {
        JsonNode v = e.metadata().get(key);
        yield e.personal().containsKey(PersonalDataPolicy.metadataPath(key))
            && v != null && v.isTextual() && value.equals(v.textValue());
      }
    };
  }

  /**
   * The stable text form: {@code actor-id:<value>}, {@code actor-email:<value>} or
   * {@code metadata:<JSON Pointer of the key>=<value>}. Personal data: never log it.
   *
   * @return the canonical form
   */
  public String canonical() {
    return switch (kind) {
      case ACTOR_ID -> "actor-id:" + value;
      case ACTOR_EMAIL -> "actor-email:" + value;
      case METADATA -> "metadata:" + PersonalDataPolicy.metadataPath(key) + "=" + value;
    };
  }

  /** Never shows the value (it is personal data): kind and lengths only. */
  @Override
  public String toString() {
    return "DataSubject[" + kind + (key == null ? "" : ", key of " + key.length() + " chars")
        + ", value of " + value.length() + " chars]";
  }
}
