package io.hyrelog;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class UuidV7SourceTest {
  private static final Clock FIXED = Clock.fixed(Instant.parse("2026-11-26T12:00:00Z"),
      ZoneOffset.UTC);

  @Test
  void newEventId_isVersion7Variant2WithTheClocksMillis() {
    UUID id = IdSource.seeded(FIXED, 1).newEventId();
    assertThat(id.version()).isEqualTo(7);
    assertThat(id.variant()).isEqualTo(2);
    assertThat(id.getMostSignificantBits() >>> 16).isEqualTo(FIXED.millis());
  }

  @Test
  void newEventId_withinOneMillisecond_strictlyIncreasesPastCounterOverflow() {
    IdSource ids = IdSource.seeded(FIXED, 1);
    List<UUID> seen = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      seen.add(ids.newEventId());
    }
    for (int i = 1; i < seen.size(); i++) {
      assertThat(Long.compareUnsigned(seen.get(i).getMostSignificantBits(),
          seen.get(i - 1).getMostSignificantBits())).isPositive();
    }
  }

  @Test
  void seeded_sameSeed_sameIdsAndSalts() {
    IdSource a = IdSource.seeded(FIXED, 99);
    IdSource b = IdSource.seeded(FIXED, 99);
    assertThat(a.newEventId()).isEqualTo(b.newEventId());
    assertThat(a.newSalt()).isEqualTo(b.newSalt());
    assertThat(IdSource.seeded(FIXED, 100).newSalt()).isNotEqualTo(a.newSalt());
  }
}
