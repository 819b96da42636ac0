package io.hyrelog.testkit;

import io.hyrelog.DataSubject;
import io.hyrelog.EventScope;
import io.hyrelog.archive.SubjectSeal;
import io.hyrelog.spi.SubjectKey;
import io.hyrelog.spi.SubjectKeyring;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * {@link SubjectKeyring} in memory, for tests and trying the SDK: the same rules as the
 * PostgreSQL store (keys per company, workspace and subject reference; tombstones per workspace
 * or company-wide), without sealing the key material (nothing is persisted). Thread-safe (one
 * lock). Randomness from the given source, so tests are repeatable with a seeded one.
 */
public final class InMemorySubjectKeys implements SubjectKeyring {
  private final Clock clock;
  private final SecureRandom random;
  private final Map<UUID, byte[]> peppers = new HashMap<>();
  /** Live keys by id. */
  private final Map<UUID, Row> keys = new LinkedHashMap<>();
  /** Tombstones: (company, workspace or null, reference hex) to when destroyed last. */
  private final Map<String, Instant> tombstones = new HashMap<>();

  private record Row(UUID companyId, UUID workspaceId, String reference, SubjectKey key) {}

  /**
   * Keys with secure randomness.
   *
   * @param clock when keys are destroyed
   */
  public InMemorySubjectKeys(Clock clock) {
    this(clock, new SecureRandom());
  }

  /**
   * Keys with randomness from {@code random} (seeded in tests).
   *
   * @param clock when keys are destroyed
   * @param random key material, key ids and peppers
   */
  public InMemorySubjectKeys(Clock clock, SecureRandom random) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.random = Objects.requireNonNull(random, "random");
  }

  @Override
  public synchronized Optional<Map<DataSubject, SubjectKey>> sealingKeys(EventScope workspace,
      Set<DataSubject> subjects, Instant recordedAt) {
    EventScope ws = workspace.requireWorkspace();
    Objects.requireNonNull(recordedAt, "recordedAt");
    if (subjects.isEmpty()) {
      throw new IllegalArgumentException("sealing needs at least one subject");
    }
    Map<DataSubject, String> refs = new LinkedHashMap<>();
    subjects.forEach(s -> refs.put(s, reference(ws.companyId(), s)));
    for (String ref : refs.values()) {
      if (destroyedSince(ws, ref, recordedAt)) {
        return Optional.empty();
      }
    }
    Map<DataSubject, SubjectKey> out = new LinkedHashMap<>();
    refs.forEach((s, ref) -> out.put(s, keys.values().stream()
        .filter(r -> r.companyId().equals(ws.companyId())
            && r.workspaceId().equals(ws.workspaceId()) && r.reference().equals(ref))
        .findFirst().orElseGet(() -> create(ws, ref)).key()));
    return Optional.of(Collections.unmodifiableMap(out));
  }

  @Override
  public synchronized Optional<SubjectKey> key(EventScope workspace, UUID keyId) {
    EventScope ws = workspace.requireWorkspace();
    Row r = keys.get(keyId);
    return r != null && r.companyId().equals(ws.companyId())
        && r.workspaceId().equals(ws.workspaceId()) ? Optional.of(r.key()) : Optional.empty();
  }

  @Override
  public synchronized long destroy(EventScope scope, DataSubject subject) {
    Objects.requireNonNull(scope, "scope");
    Objects.requireNonNull(subject, "subject");
    String ref = reference(scope.companyId(), subject);
    long destroyed = 0;
    for (var it = keys.values().iterator(); it.hasNext(); ) {
      Row r = it.next();
      if (r.companyId().equals(scope.companyId()) && r.reference().equals(ref)
          && scope.contains(r.companyId(), r.workspaceId())) {
        it.remove();
        destroyed++;
      }
    }
    tombstones.merge(tombstone(scope.companyId(), scope.workspaceId(), ref), clock.instant(),
        (a, b) -> a.isAfter(b) ? a : b);
    return destroyed;
  }

  private boolean destroyedSince(EventScope ws, String ref, Instant recordedAt) {
    for (UUID w : new UUID[] {ws.workspaceId(), null}) {
      Instant at = tombstones.get(tombstone(ws.companyId(), w, ref));
      if (at != null && !at.isBefore(recordedAt)) {
        return true;
      }
    }
    return false;
  }

  private Row create(EventScope ws, String ref) {
    Row r = new Row(ws.companyId(), ws.workspaceId(), ref, SubjectKey.generate(random));
    keys.put(r.key().id(), r);
    return r;
  }

  private String reference(UUID companyId, DataSubject subject) {
    byte[] pepper = peppers.computeIfAbsent(companyId, c -> {
      byte[] p = new byte[32];
      random.nextBytes(p);
      return p;
    });
    return HexFormat.of().formatHex(SubjectSeal.reference(pepper, subject));
  }

  private static String tombstone(UUID companyId, UUID workspaceId, String ref) {
    return companyId + "/" + workspaceId + "/" + ref;
  }
}
