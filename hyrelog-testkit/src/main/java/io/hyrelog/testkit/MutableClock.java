package io.hyrelog.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A virtual clock for tests: stands still until advanced. Thread-safe. */
public final class MutableClock extends Clock {
  private volatile Instant now;

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

  /** Moves time forward (or back, with a negative duration). */
  public synchronized void advance(Duration d) {
    now = now.plus(d);
  }

  /** Sets the time. */
  public void set(Instant t) {
    now = t;
  }
}
