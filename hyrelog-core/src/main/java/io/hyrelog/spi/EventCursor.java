package io.hyrelog.spi;

import io.hyrelog.AuditEvent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.Objects;
import java.util.UUID;

/**
 * A position in the query order ({@code timestamp} descending, then {@code id} descending: a
 * total order, because ids are unique). The encoded form is opaque to clients. It holds only a
 * position, never a tenant: the scope of every page comes from the caller's credentials, so a
 * forged cursor can at most move within the caller's own events.
 *
 * @param timestamp the last returned event's timestamp
 * @param id the last returned event's id
 */
public record EventCursor(Instant timestamp, UUID id) {
  private static final String VERSION = "c1";

  /**
   * Validates the position.
   *
   * @param timestamp the last returned event's timestamp
   * @param id the last returned event's id
   */
  public EventCursor {
    Objects.requireNonNull(timestamp, "timestamp");
    Objects.requireNonNull(id, "id");
  }

  /**
   * The cursor just after {@code e}.
   *
   * @param e the last event of a page
   * @return the position after {@code e}
   */
  public static EventCursor after(AuditEvent e) {
    return new EventCursor(e.timestamp(), e.id());
  }

  /**
   * The query order: timestamp descending, then id descending, ids compared as unsigned 128-bit
   * numbers (the byte order databases use for UUIDs, unlike {@link UUID#compareTo}).
   */
  public static final Comparator<AuditEvent> QUERY_ORDER =
      Comparator.comparing(AuditEvent::timestamp).reversed()
          .thenComparing(AuditEvent::id, EventCursor::compareIdsDescending);

  /**
   * Whether {@code e} comes after this position in the query order.
   *
   * @param e an event
   * @return true when {@code e} is after this position
   */
  public boolean precedes(AuditEvent e) {
    int c = e.timestamp().compareTo(timestamp);
    return c < 0 || (c == 0 && compareIds(e.id(), id) < 0);
  }

  /**
   * Compares ids as unsigned 128-bit numbers.
   *
   * @param a an id
   * @param b another id
   * @return negative, zero or positive as {@code a} is less than, equal to or greater than
   *     {@code b}
   */
  public static int compareIds(UUID a, UUID b) {
    int c = Long.compareUnsigned(a.getMostSignificantBits(), b.getMostSignificantBits());
    return c != 0 ? c : Long.compareUnsigned(a.getLeastSignificantBits(),
        b.getLeastSignificantBits());
  }

  private static int compareIdsDescending(UUID a, UUID b) {
    return compareIds(b, a);
  }

  /**
   * The opaque text form.
   *
   * @return a URL-safe text of at most 128 characters
   */
  public String encode() {
    long micros = Math.addExact(Math.multiplyExact(timestamp.getEpochSecond(), 1_000_000L),
        timestamp.getNano() / 1000);
    String raw = VERSION + "." + micros + "." + id;
    return Base64.getUrlEncoder().withoutPadding().encodeToString(
        raw.getBytes(StandardCharsets.US_ASCII));
  }

  /**
   * Decodes {@link #encode()}'s output.
   *
   * @param text the text a client sent
   * @return the cursor
   * @throws InvalidCursorException when {@code text} is not a cursor
   */
  public static EventCursor decode(String text) {
    try {
      if (text.length() > 128) {
        throw new IllegalArgumentException("too long");
      }
      String raw = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.US_ASCII);
      String[] parts = raw.split("\\.", -1);
      if (parts.length != 3 || !parts[0].equals(VERSION)) {
        throw new IllegalArgumentException("wrong shape");
      }
      long micros = Long.parseLong(parts[1]);
      UUID id = UUID.fromString(parts[2]);
      if (!id.toString().equals(parts[2])) {
        throw new IllegalArgumentException("non-canonical id");
      }
      return new EventCursor(
          Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L),
              Math.floorMod(micros, 1_000_000L) * 1000L), id);
    } catch (RuntimeException e) {
      throw new InvalidCursorException(
          "invalid cursor: pass back the nextCursor of a previous page unchanged, or omit it");
    }
  }
}
