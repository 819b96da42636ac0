package io.hyrelog;


/**
 * A JSON document is not a well-formed HyreLog event (missing or unknown field, wrong type,
 * non-canonical encoding of an id, hash or timestamp). The message names the field, never its
 * value.
 */
public final class MalformedEventException extends HyrelogException {
  private static final long serialVersionUID = 1L;
  /** The offending field as a JSON Pointer. */
  private final String field;

  /**
   * An event document that is not a valid event.
   *
   * @param field the offending field as a JSON Pointer, {@code ""} for the whole document
   * @param problem what is wrong with it (never the value)
   */
  public MalformedEventException(String field, String problem) {
    super("malformed event: " + (field.isEmpty() ? "" : field + ": ") + problem);
    this.field = field;
  }

  /**
   * The offending field as a JSON Pointer ({@code ""} for the whole document).
   *
   * @return the pointer
   */
  public String field() {
    return field;
  }
}
