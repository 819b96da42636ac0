package io.hyrelog;

/** What was acted on. Both components are optional ({@code null} when absent). */
public record Resource(String type, String id) {
  /**
   * Whether no component is present.
   *
   * @return true when type and id are both null
   */
  public boolean isEmpty() {
    return type == null && id == null;
  }
}
