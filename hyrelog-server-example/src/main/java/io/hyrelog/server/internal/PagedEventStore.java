package io.hyrelog.server.internal;

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
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The event store as request handlers read it: a chain is read in pages of {@code pageSize}
 * events, each read whole from a stream that is closed at once, so a database connection is
 * held for one page's query and never while a slow client takes the events. Memory stays that
 * of one page. Everything else (appends, heads, queries, the stored tree) goes straight to the
 * store. Thread-safe.
 *
 * <p>Hot rows of a chain are contiguous from its first unpurged seq to its head; only a purge
 * (after archival) removes rows, always a prefix. So a page that does not start where the
 * previous one ended, or a chain that ends early, means a purge ran while the read was under
 * way: the read fails with {@link ChainPurgedException} rather than skip events (read again: the
 * purged seqs now come from the archive).
 */
public final class PagedEventStore implements EventStore {
  private final EventStore store;
  private final int pageSize;

  public PagedEventStore(EventStore store, int pageSize) {
    if (pageSize < 1) {
      throw new IllegalArgumentException("pageSize must be >= 1, got " + pageSize);
    }
    this.store = store;
    this.pageSize = pageSize;
  }

  /** The events of a chain that purges removed from under a read. */
  public static final class ChainPurgedException extends io.hyrelog.HyrelogException {
    private static final long serialVersionUID = 1L;

    public ChainPurgedException(UUID chain, long seq) {
      super("seqs from " + seq + " of chain " + chain + " were archived and purged while they"
          + " were being read; read again (they now come from the archive)");
    }
  }

  @Override
  public Stream<AuditEvent> read(EventScope chain, long fromSeq, long toSeq) {
    EventStore.requireRange(chain, fromSeq, toSeq);
    return PagedStream.of(new Pages(chain, fromSeq, toSeq));
  }

  /** The pages of one read, each from a store stream closed before it is returned. */
  private final class Pages implements Supplier<List<AuditEvent>> {
    private final EventScope chain;
    private final long toSeq;
    private long next;
    private boolean first = true;
    private boolean last;

    Pages(EventScope chain, long fromSeq, long toSeq) {
      this.chain = chain;
      this.next = fromSeq;
      this.toSeq = toSeq;
    }

    @Override
    public List<AuditEvent> get() {
      if (last) {
        return null;
      }
      List<AuditEvent> page;
      if (first) {
        first = false;
        // Where the stored rows begin is unknown (a purged prefix): the first page is the
        // first pageSize events from fromSeq on, however far they lie.
        try (Stream<AuditEvent> s = store.read(chain, next, toSeq)) {
          page = s.limit(pageSize).toList();
        }
      } else {
        long end = toSeq - next < pageSize ? toSeq : next + pageSize - 1;
        try (Stream<AuditEvent> s = store.read(chain, next, end)) {
          page = s.toList();
        }
        if (page.isEmpty() ? headAtOrAfter(next) : page.get(0).seq() != next) {
          throw new ChainPurgedException(chain.workspaceId(), next);
        }
      }
      // A page short of pageSize reached the head (hot rows have no holes).
      last = page.size() < pageSize;
      if (!page.isEmpty()) {
        next = page.get(page.size() - 1).seq() + 1;
        last |= next > toSeq || next <= 0;
      }
      return page;
    }

    private boolean headAtOrAfter(long seq) {
      return store.head(chain).map(ChainHead::seq).orElse(0L) >= seq;
    }
  }

  @Override
  public List<AppendOutcome> append(WorkspaceRef chain, List<PendingEvent> batch) {
    return store.append(chain, batch);
  }

  @Override
  public Optional<ChainHead> head(EventScope chain) {
    return store.head(chain);
  }

  @Override
  public Optional<AuditEvent> find(EventScope scope, UUID eventId) {
    return store.find(scope, eventId);
  }

  @Override
  public java.util.Map<UUID, AuditEvent> find(EventScope scope,
      java.util.Collection<UUID> eventIds) {
    return store.find(scope, eventIds);
  }

  @Override
  public EventPage query(EventQuery query) {
    return store.query(query);
  }

  @Override
  public long erase(ErasureRequest request) {
    return store.erase(request);
  }

  @Override
  public List<ErasableEvent> erasable(ErasureRequest request) {
    return store.erasable(request);
  }

  @Override
  public Optional<ChainTree> tree() {
    return store.tree();
  }

  @Override
  public Optional<WebhookStore> webhooks() {
    return store.webhooks();
  }
}
