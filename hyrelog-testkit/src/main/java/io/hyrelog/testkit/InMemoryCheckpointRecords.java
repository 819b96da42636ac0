package io.hyrelog.testkit;

import io.hyrelog.spi.CheckpointRecords;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.UUID;

/**
 * {@link CheckpointRecords} in memory, beside the {@link InMemoryEventStore} whose chain heads
 * it reads: the twin of the PostgreSQL records, passing {@code CheckpointRecordsContract}
 * (insert-only cosignatures, refusals and publications, first one kept; microsecond instants;
 * chains in PostgreSQL's {@code uuid} order). Nothing survives the JVM. Thread-safe (one lock).
 */
public final class InMemoryCheckpointRecords implements CheckpointRecords {
  private record CosignatureKey(UUID workspaceId, long treeSize, String witness) {}

  private record Position(String witness, UUID workspaceId) {}

  private record RefusalKey(String witness, UUID workspaceId, long treeSize, String reason) {}

  private final InMemoryEventStore events;
  private final Map<CosignatureKey, StoredCosignature> cosignatures = new HashMap<>();
  private final Map<Position, Long> positions = new HashMap<>();
  private final Map<RefusalKey, Refusal> refusals = new HashMap<>();
  private final Map<UUID, TreeMap<Long, String>> publications = new HashMap<>();

  /**
   * The records of the checkpoints of {@code events}' chains.
   *
   * @param events the store whose chain heads decide what is behind
   */
  public InMemoryCheckpointRecords(InMemoryEventStore events) {
    this.events = Objects.requireNonNull(events, "events");
  }

  @Override
  public synchronized boolean addCosignature(StoredCosignature c) {
    StoredCosignature stored = new StoredCosignature(c.workspaceId(), c.treeSize(), c.witness(),
        c.line(), StoredValues.instant(c.receivedAt()));
    return cosignatures.putIfAbsent(new CosignatureKey(c.workspaceId(), c.treeSize(),
        c.witness()), stored) == null;
  }

  @Override
  public synchronized List<StoredCosignature> cosignatures(UUID workspaceId, long treeSize) {
    return cosignatures.values().stream()
        .filter(c -> c.workspaceId().equals(workspaceId) && c.treeSize() == treeSize)
        .sorted(Comparator.comparing(StoredCosignature::witness)).toList();
  }

  @Override
  public synchronized long witnessSize(String witness, UUID workspaceId) {
    return positions.getOrDefault(new Position(witness, workspaceId), 0L);
  }

  @Override
  public synchronized void setWitnessSize(String witness, UUID workspaceId, long size,
      Instant at) {
    Objects.requireNonNull(witness, "witness");
    Objects.requireNonNull(workspaceId, "workspaceId");
    Objects.requireNonNull(at, "at");
    if (size < 0) {
      throw new IllegalArgumentException("size must be >= 0, got " + size);
    }
    positions.put(new Position(witness, workspaceId), size);
  }

  @Override
  public synchronized boolean recordRefusal(Refusal r) {
    Refusal stored = new Refusal(r.witness(), r.workspaceId(), r.treeSize(), r.witnessSize(),
        r.reason(), StoredValues.instant(r.at()));
    return refusals.putIfAbsent(new RefusalKey(r.witness(), r.workspaceId(), r.treeSize(),
        r.reason()), stored) == null;
  }

  @Override
  public synchronized List<Refusal> refusals(UUID workspaceId, int limit) {
    requireLimit(limit);
    return refusals.values().stream().filter(r -> r.workspaceId().equals(workspaceId))
        .sorted(Comparator.comparing(Refusal::at).reversed()
            .thenComparing(Comparator.comparingLong(Refusal::treeSize).reversed())
            .thenComparing(Refusal::witness).thenComparing(Refusal::reason))
        .limit(limit).toList();
  }

  @Override
  public synchronized List<ChainSize> behindWitness(String witness, UUID after, int limit) {
    requireLimit(limit);
    return heads(after).stream()
        .filter(c -> c.size() > positions.getOrDefault(new Position(witness, c.workspaceId()),
            0L))
        .filter(c -> refusals.keySet().stream().noneMatch(k -> k.witness().equals(witness)
            && k.workspaceId().equals(c.workspaceId()) && k.treeSize() == c.size()))
        .limit(limit).toList();
  }

  @Override
  public synchronized OptionalLong publishedSize(UUID workspaceId) {
    TreeMap<Long, String> p = publications.get(workspaceId);
    return p == null ? OptionalLong.empty() : OptionalLong.of(p.lastKey());
  }

  @Override
  public synchronized List<ChainSize> unpublished(UUID after, int limit) {
    requireLimit(limit);
    return heads(after).stream()
        .filter(c -> c.size() > publishedSize(c.workspaceId()).orElse(0))
        .limit(limit).toList();
  }

  @Override
  public synchronized boolean recordPublication(UUID workspaceId, long size, String key,
      Instant at) {
    Objects.requireNonNull(workspaceId, "workspaceId");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(at, "at");
    if (size < 1) {
      throw new IllegalArgumentException("size must be >= 1, got " + size);
    }
    boolean keyTaken = publications.values().stream().anyMatch(m -> m.containsValue(key));
    TreeMap<Long, String> p = publications.computeIfAbsent(workspaceId, w -> new TreeMap<>());
    if (keyTaken || p.containsKey(size)) {
      if (p.isEmpty()) {
        publications.remove(workspaceId);
      }
      return false;
    }
    p.put(size, key);
    return true;
  }

  /** Every chain with events after {@code after} (null: all), in PostgreSQL's uuid order. */
  private List<ChainSize> heads(UUID after) {
    List<ChainSize> out = new ArrayList<>();
    events.allHeads().forEach((ws, head) -> {
      if (after == null || StoredValues.ID_ORDER.compare(ws, after) > 0) {
        out.add(new ChainSize(head.getKey(), ws, head.getValue()));
      }
    });
    out.sort(Comparator.comparing(ChainSize::workspaceId, StoredValues.ID_ORDER));
    return out;
  }

  private static void requireLimit(int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be >= 1, got " + limit);
    }
  }
}
