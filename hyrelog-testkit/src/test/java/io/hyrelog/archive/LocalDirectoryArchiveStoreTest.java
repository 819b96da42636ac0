package io.hyrelog.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hyrelog.Digest;
import io.hyrelog.RestoreTier;
import io.hyrelog.spi.ArchiveObject;
import io.hyrelog.spi.ArchiveObjectExistsException;
import io.hyrelog.spi.ArchiveStore;
import io.hyrelog.spi.RestoreState;
import io.hyrelog.spi.RestoreState.Phase;
import io.hyrelog.testkit.ArchiveStoreContract;
import io.hyrelog.testkit.MutableClock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalDirectoryArchiveStoreTest extends ArchiveStoreContract {
  private static final Instant T0 = Instant.parse("2026-11-26T12:00:00Z");

  @TempDir
  Path dir;

  private final MutableClock clock = new MutableClock(T0);

  @Override
  protected ArchiveStore createStore() {
    return newStore();
  }

  private LocalDirectoryArchiveStore newStore() {
    return LocalDirectoryArchiveStore.builder(dir.resolve("archive")).clock(clock).build();
  }

  private Path root() {
    return dir.resolve("archive");
  }

  @Test
  void put_storedAt_comesFromTheClock() {
    clock.advance(Duration.ofMinutes(5));
    ArchiveObject o = put("k", "v");
    assertThat(o.storedAt()).isEqualTo(T0.plus(Duration.ofMinutes(5)));
    assertThat(newStore().head("k").orElseThrow().storedAt()).isEqualTo(o.storedAt());
  }

  @Test
  void restore_onVirtualClock_goesInProgressRestoredThenReadable() {
    put("cold/seg", "bytes");
    assertThat(store.restoreState("cold/seg")).isEqualTo(RestoreState.of(Phase.READABLE));

    store.restore("cold/seg", 3, RestoreTier.STANDARD);
    assertThat(store.restoreState("cold/seg").phase()).isEqualTo(Phase.IN_PROGRESS);

    clock.advance(Duration.ofMinutes(2).minusMillis(1));
    assertThat(store.restoreState("cold/seg").phase()).isEqualTo(Phase.IN_PROGRESS);
    // Asking again while in progress changes nothing (the original request stands).
    store.restore("cold/seg", 30, RestoreTier.BULK);

    clock.advance(Duration.ofMillis(1));
    Instant ready = T0.plus(Duration.ofMinutes(2));
    assertThat(store.restoreState("cold/seg"))
        .isEqualTo(RestoreState.restoredUntil(ready.plus(Duration.ofDays(3))));

    clock.set(ready.plus(Duration.ofDays(3)).minusMillis(1));
    assertThat(store.restoreState("cold/seg").phase()).isEqualTo(Phase.RESTORED);
    clock.advance(Duration.ofMillis(1));
    assertThat(store.restoreState("cold/seg")).isEqualTo(RestoreState.of(Phase.READABLE));
  }

  @Test
  void restore_tiers_haveTheirOwnDelays() {
    for (RestoreTier t : RestoreTier.values()) {
      put("t/" + t, "x");
      store.restore("t/" + t, 1, t);
    }
    clock.advance(Duration.ofMinutes(1));
    assertThat(store.restoreState("t/EXPEDITED").phase()).isEqualTo(Phase.RESTORED);
    assertThat(store.restoreState("t/STANDARD").phase()).isEqualTo(Phase.IN_PROGRESS);
    clock.advance(Duration.ofMinutes(1));
    assertThat(store.restoreState("t/STANDARD").phase()).isEqualTo(Phase.RESTORED);
    assertThat(store.restoreState("t/BULK").phase()).isEqualTo(Phase.IN_PROGRESS);
    clock.advance(Duration.ofMinutes(3));
    assertThat(store.restoreState("t/BULK").phase()).isEqualTo(Phase.RESTORED);

    LocalDirectoryArchiveStore fast = LocalDirectoryArchiveStore.builder(root()).clock(clock)
        .restoreDelay(Duration.ZERO).build();
    put("t/now", "x");
    fast.restore("t/now", 2, RestoreTier.BULK);
    assertThat(fast.restoreState("t/now"))
        .isEqualTo(RestoreState.restoredUntil(clock.instant().plus(Duration.ofDays(2))));
  }

  @Test
  void restore_ofRestoredCopy_extendsItsExpiryFromNow() {
    put("x", "x");
    store.restore("x", 1, RestoreTier.EXPEDITED);
    clock.advance(Duration.ofHours(1));
    assertThat(store.restoreState("x").phase()).isEqualTo(Phase.RESTORED);

    store.restore("x", 10, RestoreTier.EXPEDITED);

    assertThat(store.restoreState("x"))
        .isEqualTo(RestoreState.restoredUntil(clock.instant().plus(Duration.ofDays(10))));
  }

  @Test
  void secondInstance_onSameDirectory_seesObjectsAndRestoreRecords() throws IOException {
    ArchiveObject o = put("shared/seg", "shared bytes");
    store.restore("shared/seg", 5, RestoreTier.EXPEDITED);

    LocalDirectoryArchiveStore other = newStore();

    assertThat(other.head("shared/seg")).contains(o);
    assertThat(other.restoreState("shared/seg").phase()).isEqualTo(Phase.IN_PROGRESS);
    clock.advance(Duration.ofMinutes(1));
    assertThat(other.restoreState("shared/seg"))
        .isEqualTo(RestoreState.restoredUntil(clock.instant().plus(Duration.ofDays(5))));
    assertThatThrownBy(() -> other.put("shared/seg", bytes("again")))
        .isInstanceOf(ArchiveObjectExistsException.class);
    assertThat(storedSha256("shared/seg"))
        .isEqualTo(Digest.sha256("shared bytes".getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void crashLeftovers_areIgnoredByListAndHead_andStaleOnesRemovedOnNextStart()
      throws IOException {
    put("seg/done", "complete");
    // A put that died while writing: its temp file (and a temp sidecar) under the object's name.
    Path seg = root().resolve("seg");
    Path oldTemp = Files.writeString(seg.resolve(".crashed~0123456789abcdef~tmp"), "half");
    Path oldMetaTemp = Files.writeString(seg.resolve(".crashed~0123456789abcdefm~tmp"), "m");
    Path youngTemp = Files.writeString(seg.resolve(".young~fedcba9876543210~tmp"), "half");
    FileTime old = FileTime.from(T0.minus(Duration.ofHours(2)));
    Files.setLastModifiedTime(oldTemp, old);
    Files.setLastModifiedTime(oldMetaTemp, old);
    Files.setLastModifiedTime(youngTemp, FileTime.from(T0.minus(Duration.ofMinutes(10))));

    assertThat(listKeys("")).containsExactly("seg/done");
    assertThat(store.head("seg/crashed")).isEmpty();

    newStore();

    assertThat(oldTemp).doesNotExist();
    assertThat(oldMetaTemp).doesNotExist();
    assertThat(youngTemp).as("may belong to a put in progress elsewhere").exists();
    assertThat(listKeys("")).containsExactly("seg/done");
    ArchiveObject later = put("seg/crashed", "now complete");
    assertThat(store.head("seg/crashed")).contains(later);
  }

  @Test
  void head_objectWithoutSidecar_computesSizeAndHash() throws IOException {
    // A crash after the publishing link and before the sidecar: the object is whole.
    Path file = Files.createDirectories(root().resolve("nometa")).resolve("seg");
    Files.writeString(file, "whole object");
    Files.setLastModifiedTime(file, FileTime.from(T0.minusSeconds(30)));

    ArchiveObject o = store.head("nometa/seg").orElseThrow();

    assertThat(o.size()).isEqualTo(12);
    assertThat(o.sha256()).isEqualTo(Digest.sha256("whole object".getBytes(StandardCharsets.UTF_8)));
    assertThat(o.storedAt()).isEqualTo(T0.minusSeconds(30));
    assertThat(listKeys("nometa/")).containsExactly("nometa/seg");
  }

  @Test
  void head_fileReplacedBehindTheStoresBack_sidecarIgnored() throws IOException {
    put("swap/seg", "original");
    Path file = root().resolve("swap/seg");
    Path replacement = Files.writeString(dir.resolve("replacement"), "tampered");
    Files.move(replacement, file, StandardCopyOption.REPLACE_EXISTING);

    ArchiveObject o = store.head("swap/seg").orElseThrow();

    assertThat(o.sha256()).isEqualTo(Digest.sha256("tampered".getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void put_keyThatIsAlsoADirectoryOfKeys_failsClearlyAndIsNotExists() {
    put("p/q/r", "x");
    put("s", "y");

    assertThatThrownBy(() -> put("p/q", "z"))
        .isInstanceOf(UncheckedIOException.class)
        .isNotInstanceOf(ArchiveObjectExistsException.class)
        .hasMessageContaining("directory of other keys");
    assertThatThrownBy(() -> put("s/t", "z"))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("'s' is an object");
    assertThat(store.head("p/q")).isEmpty();
    assertThat(listKeys("")).containsExactly("p/q/r", "s");
  }

  @Test
  void internalFiles_neverCollideWithKeysStartingWithADot() {
    ArchiveObject a = put("d/seg", "a");
    ArchiveObject hidden = put("d/.seg", "hidden key");
    ArchiveObject meta = put("d/.seg.meta", "looks like metadata");

    assertThat(store.head("d/seg")).contains(a);
    try (Stream<ArchiveObject> s = store.list("d/")) {
      assertThat(s.collect(Collectors.toList())).containsExactly(hidden, meta, a);
    }
  }

  @Test
  void builder_badValues_rejectedAtOnce() {
    LocalDirectoryArchiveStore.Builder b = LocalDirectoryArchiveStore.builder(root());
    assertThatThrownBy(() -> b.restoreDelay(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("restoreDelay");
    assertThatThrownBy(() -> b.staleTempAfter(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("staleTempAfter");
    assertThatThrownBy(() -> b.clock(null)).isInstanceOf(NullPointerException.class);
  }
}
