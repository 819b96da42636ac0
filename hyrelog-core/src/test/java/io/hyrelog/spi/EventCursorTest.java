package io.hyrelog.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class EventCursorTest {
  @Test
  void encode_decode_roundTrips_includingBefore1970() {
    for (String t : new String[] {"2026-11-26T12:00:00.123456Z", "1969-12-31T23:59:59.999999Z",
        "0001-01-01T00:00:00Z"}) {
      EventCursor c = new EventCursor(Instant.parse(t), UUID.randomUUID());
      assertThat(EventCursor.decode(c.encode())).isEqualTo(c);
    }
  }

  @Test
  void decode_garbage_isInvalidCursor() {
    for (String bad : new String[] {"", "abc", "!!!", "YzEuMTIz", "x".repeat(200),
        java.util.Base64.getUrlEncoder().encodeToString("c2.1.00000000-0000-0000-0000-000000000000"
            .getBytes())}) {
      assertThatThrownBy(() -> EventCursor.decode(bad)).as(bad)
          .isInstanceOf(InvalidCursorException.class)
          .hasMessageContaining("nextCursor");
    }
  }
}
