package io.hyrelog.testkit;

import io.hyrelog.spi.AdminAuditLog;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * An {@link AdminAuditLog} in memory: it passes {@code AdminAuditLogContract} like the
 * PostgreSQL adapter (insert-only, ids ascending in append order, scoped reads, a read sees the
 * log as it began, microsecond instants), and nothing survives the JVM. Entries are immutable
 * values and the log has no way to change or remove one. Thread-safe (one lock).
 */
public final class InMemoryAdminAuditLog implements AdminAuditLog {
  private final List<Entry> entries = new ArrayList<>();
  private long lastId;

  @Override
  public synchronized long append(Entry e) {
    Entry stored = e.stored(++lastId);
    entries.add(stored);
    return stored.id();
  }

  @Override
  public synchronized List<Entry> page(OptionalLong before, Optional<UUID> companyId,
      int limit) {
    AdminAuditLog.requireLimit(limit);
    List<Entry> out = new ArrayList<>();
    for (int i = entries.size() - 1; i >= 0 && out.size() < limit; i--) {
      Entry e = entries.get(i);
      if ((before.isEmpty() || e.id() < before.getAsLong())
          && (companyId.isEmpty() || e.companyId().equals(companyId))) {
        out.add(e);
      }
    }
    return out;
  }

  @Override
  public synchronized Stream<Entry> read(UUID companyId) {
    Objects.requireNonNull(companyId, "companyId");
    Optional<UUID> company = Optional.of(companyId);
    return entries.stream().filter(e -> e.companyId().equals(company)).toList().stream();
  }
}
