package io.hyrelog.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A virtual clock for tests: stands still until advanced. Thread-safe. */
public final class MutableClock extends Clock {
  private volatile Instant now;

  /**
   * A clock standing at {@code start}, in UTC.
   *
   * @param start the initial time
   */
  public MutableClock(Instant start) {
    this.now = start;
  }

  @Override
  public Instant instant() {
    return now;
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("a MutableClock is always UTC");
  }

  /**
   * Moves time forward (or back, with a negative duration).
   *
   * @param d how far to move
   */
  public synchronized void advance(Duration d) {
    now = now.plus(d);
  }

  /**
   * Sets the time.
   *
   * @param t the new time
   */
  public void set(Instant t) {
    now = t;
  }
}
