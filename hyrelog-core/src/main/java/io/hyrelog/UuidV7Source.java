package io.hyrelog;

import java.time.Clock;
import java.util.Random;
import java.util.UUID;

/**
 * UUIDv7 (RFC 9562 §5.7) with a monotonic counter: 48 bits of Unix milliseconds, then 12 bits
 * ({@code rand_a}) used as a counter within the millisecond (method 1 of §6.2), then 62 random
 * bits. When the counter overflows or the clock steps back, the timestamp is advanced by one
 * millisecond, so ids from one source strictly increase. Not part of the public API.
 */
final class UuidV7Source implements IdSource {
  private final Clock clock;
  private final Random random;
  private long lastMillis = -1;
  private int counter;

  UuidV7Source(Clock clock, Random random) {
    this.clock = clock;
    this.random = random;
  }

  @Override
  public synchronized UUID newEventId() {
    long now = clock.millis();
    if (now > lastMillis) {
      lastMillis = now;
      counter = random.nextInt(1 << 11); // leave room to count up within the millisecond
    } else if (++counter >= (1 << 12)) {
      lastMillis++;
      counter = 0;
    }
    long msb = (lastMillis << 16) | (0x7L << 12) | counter;
    long lsb = (random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
    return new UUID(msb, lsb);
  }

  @Override
  public Salt newSalt() {
    byte[] b = new byte[Salt.LENGTH];
    synchronized (this) {
      random.nextBytes(b);
    }
    return Salt.of(b);
  }
}
