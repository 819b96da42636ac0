package io.hyrelog.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hyrelog.DataSubject;
import io.hyrelog.EventScope;
import io.hyrelog.spi.SubjectKey;
import io.hyrelog.spi.SubjectKeyring;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract of {@link SubjectKeyring}: every implementation's test extends this class and
 * supplies a fresh, empty store on the given clock.
 */
public abstract class SubjectKeysContract {
  protected static final Instant T0 = Instant.parse("2026-06-01T10:00:00Z");
  protected final UUID company = UUID.fromString("0190cccc-0000-7000-8000-000000000001");
  protected final UUID other = UUID.fromString("0190cccc-0000-7000-8000-000000000002");
  protected final EventScope ws1 = EventScope.workspace(company,
      UUID.fromString("0190cccc-0000-7000-8000-000000000011"));
  protected final EventScope ws2 = EventScope.workspace(company,
      UUID.fromString("0190cccc-0000-7000-8000-000000000012"));
  protected final EventScope otherWs = EventScope.workspace(other,
      UUID.fromString("0190cccc-0000-7000-8000-000000000021"));
  protected final DataSubject ada = DataSubject.actorEmail("ada@example.com");
  protected final DataSubject bob = DataSubject.actorId("user_bob");

  protected MutableClock clock;
  protected SubjectKeyring keys;

  /**
   * A fresh, empty store.
   *
   * @param clock the clock destructions are dated by
   * @return the store
   */
  protected abstract SubjectKeyring newKeys(MutableClock clock);

  @BeforeEach
  void setUpKeys() {
    clock = new MutableClock(T0);
    keys = newKeys(clock);
  }

  private SubjectKey only(EventScope ws, DataSubject s, Instant recordedAt) {
    Map<DataSubject, SubjectKey> k = keys.sealingKeys(ws, Set.of(s), recordedAt).orElseThrow();
    assertThat(k).containsOnlyKeys(s);
    return k.get(s);
  }

  @Test
  void sealingKeys_newSubject_createsAKeyFoundById() {
    SubjectKey k = only(ws1, ada, T0);
    assertThat(k.material()).hasSize(SubjectKey.BYTES);
    assertThat(keys.key(ws1, k.id())).contains(k);
  }

  @Test
  void sealingKeys_sameSubjectAgain_sameKey() {
    assertThat(only(ws1, ada, T0)).isEqualTo(only(ws1, ada, T0.plusSeconds(5)));
  }

  @Test
  void sealingKeys_otherSubjectWorkspaceOrCompany_otherKeys() {
    SubjectKey a = only(ws1, ada, T0);
    assertThat(only(ws1, bob, T0).id()).isNotEqualTo(a.id());
    assertThat(only(ws2, ada, T0).id()).isNotEqualTo(a.id());
    assertThat(only(otherWs, ada, T0).id()).isNotEqualTo(a.id());
    assertThat(only(ws2, ada, T0).material()).isNotEqualTo(a.material());
  }

  @Test
  void sealingKeys_twoSubjects_eachSubjectsKey() {
    SubjectKey a = only(ws1, ada, T0);
    SubjectKey b = only(ws1, bob, T0);
    assertThat(keys.sealingKeys(ws1, Set.of(ada, bob), T0).orElseThrow())
        .isEqualTo(Map.of(ada, a, bob, b));
  }

  @Test
  void key_ofAnotherWorkspaceOrCompany_empty() {
    SubjectKey k = only(ws1, ada, T0);
    assertThat(keys.key(ws2, k.id())).isEmpty();
    assertThat(keys.key(EventScope.workspace(other, ws1.workspaceId()), k.id())).isEmpty();
    assertThat(keys.key(ws1, UUID.randomUUID())).isEmpty();
  }

  @Test
  void destroy_workspaceScope_destroysOnlyThatWorkspacesKey() {
    SubjectKey k1 = only(ws1, ada, T0);
    SubjectKey k2 = only(ws2, ada, T0);
    SubjectKey b = only(ws1, bob, T0);
    clock.advance(Duration.ofMinutes(1));
    assertThat(keys.destroy(ws1, ada)).isEqualTo(1);
    assertThat(keys.key(ws1, k1.id())).isEmpty();
    assertThat(keys.key(ws2, k2.id())).contains(k2);
    assertThat(keys.key(ws1, b.id())).contains(b);
    // An event recorded before the erasure is archived erased, also beside another subject.
    assertThat(keys.sealingKeys(ws1, Set.of(ada), T0)).isEmpty();
    assertThat(keys.sealingKeys(ws1, Set.of(ada, bob), T0)).isEmpty();
    assertThat(only(ws2, ada, T0)).isEqualTo(k2);
  }

  @Test
  void destroy_companyScope_destroysEveryWorkspaceAndBlocksWorkspacesWithoutAKey() {
    SubjectKey k1 = only(ws1, ada, T0);
    SubjectKey k2 = only(ws2, ada, T0);
    SubjectKey o = only(otherWs, ada, T0);
    clock.advance(Duration.ofMinutes(1));
    assertThat(keys.destroy(EventScope.company(company), ada)).isEqualTo(2);
    assertThat(keys.key(ws1, k1.id())).isEmpty();
    assertThat(keys.key(ws2, k2.id())).isEmpty();
    assertThat(keys.key(otherWs, o.id())).contains(o);
    EventScope ws3 = EventScope.workspace(company, UUID.fromString(
        "0190cccc-0000-7000-8000-000000000013"));
    assertThat(keys.sealingKeys(ws3, Set.of(ada), T0)).isEmpty();
  }

  @Test
  void destroy_again_destroysNothingMore() {
    only(ws1, ada, T0);
    assertThat(keys.destroy(ws1, ada)).isEqualTo(1);
    assertThat(keys.destroy(ws1, ada)).isZero();
    assertThat(keys.destroy(ws2, bob)).isZero();
  }

  @Test
  void sealingKeys_eventRecordedAfterTheErasure_newKey() {
    SubjectKey old = only(ws1, ada, T0);
    clock.advance(Duration.ofMinutes(1));
    keys.destroy(EventScope.company(company), ada);
    Instant destroyedAt = clock.instant();
    assertThat(keys.sealingKeys(ws1, Set.of(ada), destroyedAt)).isEmpty();
    SubjectKey fresh = only(ws1, ada, destroyedAt.plusNanos(1000));
    assertThat(fresh.id()).isNotEqualTo(old.id());
    assertThat(keys.key(ws1, fresh.id())).contains(fresh);
    // Events recorded before the erasure still archive erased.
    assertThat(keys.sealingKeys(ws1, Set.of(ada), T0)).isEmpty();
  }

  @Test
  void sealingKeys_racingCallersForANewSubject_allGetTheSameKey() throws Exception {
    List<Callable<SubjectKey>> racers = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      racers.add(() -> only(ws1, ada, T0));
    }
    List<SubjectKey> got = race(racers);
    assertThat(got).allSatisfy(k -> assertThat(k).isEqualTo(got.get(0)));
    assertThat(keys.key(ws1, got.get(0).id())).contains(got.get(0));
  }

  @Test
  void sealingKeys_racingAnErasure_neverLeavesALiveKeyForAnEarlierEvent() throws Exception {
    clock.advance(Duration.ofMinutes(1));
    for (int i = 0; i < 8; i++) {
      DataSubject s = DataSubject.actorId("racer_" + i);
      List<Object> out = race(List.of(
          () -> keys.sealingKeys(ws1, Set.of(s), T0), () -> keys.destroy(
              EventScope.company(company), s)));
      @SuppressWarnings("unchecked")
      Optional<Map<DataSubject, SubjectKey>> sealing =
          (Optional<Map<DataSubject, SubjectKey>>) out.get(0);
      // Sealed before the erasure (then destroyed by it) or refused after it: never both live.
      sealing.ifPresent(k -> assertThat(keys.key(ws1, k.get(s).id())).isEmpty());
      assertThat(keys.sealingKeys(ws1, Set.of(s), T0)).isEmpty();
    }
  }

  /** Races the callers (each on its own thread) and returns their results in order. */
  private static <T> List<T> race(List<Callable<T>> racers) throws Exception {
    return StorageContract.race(racers).stream().map(o -> {
      assertThat(o.failure()).isNull();
      return o.result();
    }).toList();
  }

  @Test
  void sealingKeys_companyScopeOrNoSubject_refused() {
    assertThatThrownBy(() -> keys.sealingKeys(EventScope.company(company), Set.of(ada), T0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> keys.sealingKeys(ws1, Set.of(), T0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
