package io.hyrelog.testkit;

import io.hyrelog.AuditEvent;
import io.hyrelog.ChainHead;
import io.hyrelog.EventScope;
import io.hyrelog.PendingEvent;
import io.hyrelog.WorkspaceRef;
import io.hyrelog.spi.AppendOutcome;
import io.hyrelog.spi.ChainTree;
import io.hyrelog.spi.ErasableEvent;
import io.hyrelog.spi.ErasureRequest;
import io.hyrelog.spi.EventPage;
import io.hyrelog.spi.EventQuery;
import io.hyrelog.spi.EventStore;
import io.hyrelog.spi.WebhookStore;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * An {@link EventStore} that passes every call to a real one; tests override one method to
 * fail, observe or tamper at that step (for example, a stored tree that lags or lies).
 */
public class ForwardingEventStore implements EventStore {
  private final EventStore delegate;

  /**
   * A store that forwards every call to {@code delegate}.
   *
   * @param delegate the store calls go to
   */
  public ForwardingEventStore(EventStore delegate) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
  }

  /** The store calls go to. */
  protected EventStore delegate() {
    return delegate;
  }

  @Override
  public List<AppendOutcome> append(WorkspaceRef chain, List<PendingEvent> batch) {
    return delegate.append(chain, batch);
  }

  @Override
  public Stream<AuditEvent> read(EventScope chain, long fromSeq, long toSeq) {
    return delegate.read(chain, fromSeq, toSeq);
  }

  @Override
  public Optional<ChainHead> head(EventScope chain) {
    return delegate.head(chain);
  }

  @Override
  public Optional<AuditEvent> find(EventScope scope, UUID eventId) {
    return delegate.find(scope, eventId);
  }

  @Override
  public EventPage query(EventQuery query) {
    return delegate.query(query);
  }

  @Override
  public long erase(ErasureRequest request) {
    return delegate.erase(request);
  }

  @Override
  public List<ErasableEvent> erasable(ErasureRequest request) {
    return delegate.erasable(request);
  }

  @Override
  public Optional<ChainTree> tree() {
    return delegate.tree();
  }

  @Override
  public Optional<WebhookStore> webhooks() {
    return delegate.webhooks();
  }
}
