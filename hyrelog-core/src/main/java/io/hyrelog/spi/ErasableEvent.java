package io.hyrelog.spi;

import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * An event an {@link ErasureRequest} selects that still holds personal values: where it is and
 * which personal fields still have a value. No value itself.
 *
 * @param workspaceId the event's chain
 * @param seq its position in the chain
 * @param eventId its id
 * @param paths the JSON Pointers of its personal fields that still hold a value, sorted
 */
public record ErasableEvent(UUID workspaceId, long seq, UUID eventId, List<String> paths) {
  /**
   * Validates and copies.
   *
   * @param workspaceId the event's chain
   * @param seq its position, at least 1
   * @param eventId its id
   * @param paths the fields, at least one
   */
  public ErasableEvent {
    Objects.requireNonNull(workspaceId, "workspaceId");
    Objects.requireNonNull(eventId, "eventId");
    if (seq < 1) {
      throw new IllegalArgumentException("seq must be >= 1, got " + seq);
    }
    paths = List.copyOf(Objects.requireNonNull(paths, "paths"));
    if (paths.isEmpty()) {
      throw new IllegalArgumentException("an erasable event has at least one personal value");
    }
  }
}
