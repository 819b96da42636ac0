package io.hyrelog.testkit;

import io.hyrelog.RestoreTier;
import io.hyrelog.spi.ArchiveObject;
import io.hyrelog.spi.ArchiveStore;
import io.hyrelog.spi.RestoreState;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * An {@link ArchiveStore} that passes every call to a real one; tests override one method to
 * fail, pause or observe at that step (crash and tamper tests).
 */
public class ForwardingArchiveStore implements ArchiveStore {
  private final ArchiveStore delegate;

  /**
   * A store that forwards every call to {@code delegate}.
   *
   * @param delegate the store calls go to
   */
  public ForwardingArchiveStore(ArchiveStore delegate) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
  }

  /** The store calls go to. */
  protected ArchiveStore delegate() {
    return delegate;
  }

  @Override
  public ArchiveObject put(String key, InputStream content) {
    return delegate.put(key, content);
  }

  @Override
  public Optional<ArchiveObject> head(String key) {
    return delegate.head(key);
  }

  @Override
  public InputStream open(String key) throws IOException {
    return delegate.open(key);
  }

  @Override
  public Stream<ArchiveObject> list(String prefix) {
    return delegate.list(prefix);
  }

  @Override
  public void restore(String key, int days, RestoreTier tier) {
    delegate.restore(key, days, tier);
  }

  @Override
  public RestoreState restoreState(String key) {
    return delegate.restoreState(key);
  }

  @Override
  public Optional<Instant> retainedUntil(String key) {
    return delegate.retainedUntil(key);
  }

  @Override
  public boolean delete(String key) {
    return delegate.delete(key);
  }
}
