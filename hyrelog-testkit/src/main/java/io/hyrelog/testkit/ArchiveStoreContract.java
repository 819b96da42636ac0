package io.hyrelog.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hyrelog.Digest;
import io.hyrelog.RestoreTier;
import io.hyrelog.spi.ArchiveObject;
import io.hyrelog.spi.ArchiveObjectExistsException;
import io.hyrelog.spi.ArchiveObjectNotFoundException;
import io.hyrelog.spi.ArchiveStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract of {@link ArchiveStore}: every adapter's test extends this class and supplies a
 * fresh, empty store. Contents are generated from seeds ({@link SeededContent}) and their hashes
 * computed here, independently of the store; the racing test checks whichever interleaving the
 * threads produce rather than assuming one.
 */
public abstract class ArchiveStoreContract {
  /** Larger than the S3 adapter's default part size (8 MiB), so S3 takes its multipart path. */
  protected static final long LARGE_OBJECT_SIZE = 12L * 1024 * 1024 + 12_345;

  protected ArchiveStore store;

  /** A fresh store with no objects; called before each test. */
  protected abstract ArchiveStore createStore() throws Exception;

  /** Releases the store; called after each test. */
  protected void closeStore(ArchiveStore s) throws Exception {}

  @BeforeEach
  void setUpArchiveContract() throws Exception {
    store = createStore();
  }

  @AfterEach
  void tearDownArchiveContract() throws Exception {
    if (store != null) {
      closeStore(store);
    }
  }

  protected static InputStream bytes(String s) {
    return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
  }

  protected ArchiveObject put(String key, String content) {
    return store.put(key, bytes(content));
  }

  protected Digest storedSha256(String key) throws IOException {
    try (InputStream in = store.open(key)) {
      return SeededContent.sha256(in);
    }
  }

  protected List<String> listKeys(String prefix) {
    try (Stream<ArchiveObject> s = store.list(prefix)) {
      return s.map(ArchiveObject::key).collect(Collectors.toList());
    }
  }

  /**
   * A put object reads back with the same bytes, size and SHA-256 through head and open.
   *
   * @throws IOException when the port under test fails unexpectedly
   */
  @Test
  public void put_thenHeadAndOpen_roundTripsBytesSizeAndSha256() throws IOException {
    SeededContent content = new SeededContent(1, 100_003);
    InputStream in = content.stream();

    ArchiveObject stored = store.put("archives/c1/2026/11/26/seg-000001.jsonl", in);

    assertThat(in.read()).as("put reads the content to its end and does not close it")
        .isEqualTo(-1);
    assertThat(stored.key()).isEqualTo("archives/c1/2026/11/26/seg-000001.jsonl");
    assertThat(stored.size()).isEqualTo(100_003);
    assertThat(stored.sha256()).isEqualTo(content.sha256());
    assertThat(store.head(stored.key())).contains(stored);
    try (InputStream read = store.open(stored.key())) {
      assertThat(SeededContent.count(read)).isEqualTo(100_003);
    }
    assertThat(storedSha256(stored.key())).isEqualTo(content.sha256());
  }

  /**
   * An empty object is stored with zero bytes.
   *
   * @throws IOException when the port under test fails unexpectedly
   */
  @Test
  public void put_emptyObject_storesZeroBytes() throws IOException {
    ArchiveObject stored = store.put("empty", InputStream.nullInputStream());

    assertThat(stored.size()).isZero();
    assertThat(stored.sha256()).isEqualTo(Digest.sha256(new byte[0]));
    assertThat(store.head("empty")).contains(stored);
    try (InputStream in = store.open("empty")) {
      assertThat(in.read()).isEqualTo(-1);
    }
  }

  /**
   * An object larger than the part size is streamed and reads back unchanged.
   *
   * @throws IOException when the port under test fails unexpectedly
   */
  @Test
  public void put_objectLargerThanPartSize_streamsAndRoundTrips() throws IOException {
    SeededContent content = new SeededContent(12, LARGE_OBJECT_SIZE);

    ArchiveObject stored = store.put("big/segment.jsonl", content.stream());

    assertThat(stored.size()).isEqualTo(LARGE_OBJECT_SIZE);
    assertThat(stored.sha256()).isEqualTo(content.sha256());
    assertThat(store.head("big/segment.jsonl")).contains(stored);
    assertThat(storedSha256("big/segment.jsonl")).isEqualTo(content.sha256());
  }

  /**
   * A put to an existing key throws {@link io.hyrelog.spi.ArchiveObjectExistsException} and keeps
   * the old bytes.
   *
   * @throws IOException when the port under test fails unexpectedly
   */
  @Test
  public void put_existingKey_throwsExistsAndKeepsOldBytes() throws IOException {
    ArchiveObject first = put("a/b", "first");

    assertThatThrownBy(() -> put("a/b", "second, longer"))
        .isInstanceOf(ArchiveObjectExistsException.class)
        .satisfies(e -> assertThat(((ArchiveObjectExistsException) e).existing())
            .isEqualTo(first));
    assertThatThrownBy(() -> store.put("a/b", InputStream.nullInputStream()))
        .isInstanceOf(ArchiveObjectExistsException.class);

    assertThat(store.head("a/b")).contains(first);
    assertThat(storedSha256("a/b")).isEqualTo(Digest.sha256(
        "first".getBytes(StandardCharsets.UTF_8)));
  }

  /**
   * Of racing writers to one key exactly one wins, and the object holds its content.
   *
   * @throws Exception when the port under test fails unexpectedly
   */
  @Test
  public void put_racingWriters_exactlyOneWinsWithItsContent() throws Exception {
    int writers = 8;
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Callable<ArchiveObject>> calls = new ArrayList<>();
      List<SeededContent> contents = new ArrayList<>();
      for (int i = 0; i < writers; i++) {
        SeededContent c = new SeededContent(100 + i, 64 * 1024 + i);
        contents.add(c);
        calls.add(() -> {
          start.await();
          return store.put("race/one-key", c.stream());
        });
      }
      List<Future<ArchiveObject>> futures = new ArrayList<>();
      for (Callable<ArchiveObject> call : calls) {
        futures.add(pool.submit(call));
      }
      start.countDown();
      List<ArchiveObject> winners = new ArrayList<>();
      List<ArchiveObjectExistsException> losers = new ArrayList<>();
      for (Future<ArchiveObject> f : futures) {
        try {
          winners.add(f.get(2, TimeUnit.MINUTES));
        } catch (ExecutionException e) {
          assertThat(e.getCause()).isInstanceOf(ArchiveObjectExistsException.class);
          losers.add((ArchiveObjectExistsException) e.getCause());
        }
      }

      assertThat(winners).hasSize(1);
      assertThat(losers).hasSize(writers - 1);
      ArchiveObject winner = winners.get(0);
      SeededContent winnerContent = contents.get((int) (winner.size() - 64 * 1024));
      assertThat(winner.sha256()).isEqualTo(winnerContent.sha256());
      assertThat(losers).allSatisfy(l -> assertThat(l.existing().sha256())
          .isEqualTo(winner.sha256()));
      assertThat(store.head("race/one-key")).contains(winner);
      assertThat(storedSha256("race/one-key")).isEqualTo(winnerContent.sha256());
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * Content that fails midway leaves no object, and the key stays free.
   *
   * @throws IOException when the port under test fails unexpectedly
   */
  @Test
  public void put_contentFailsMidway_leavesNoObjectAndKeyFree() throws IOException {
    SeededContent content = new SeededContent(7, 300_000);

    assertThatThrownBy(() -> store.put("fail/me", content.failingAfter(150_000)))
        .isInstanceOf(UncheckedIOException.class);

    assertThat(store.head("fail/me")).isEmpty();
    assertThatThrownBy(() -> store.open("fail/me"))
        .isInstanceOf(ArchiveObjectNotFoundException.class);
    assertThat(listKeys("")).isEmpty();

    ArchiveObject later = store.put("fail/me", content.stream());
    assertThat(later.sha256()).isEqualTo(content.sha256());
    assertThat(listKeys("")).containsExactly("fail/me");
  }

  /** Listing a prefix returns the matching keys in key order and nothing else. */
  @Test
  public void list_prefix_returnsMatchingKeysInKeyOrderAndNothingElse() {
    // Chosen so that directory-order and key-order differ: '-' < '.' < '/' < '0' < 'a'.
    // No key is also a "directory" of other keys (a local directory cannot hold both).
    List<String> keys = List.of("a/b/c", "a0", "a.c", "a-x", "a/bc", "a/b-", "a/a", "ab", "b/x",
        "archives/c1/2026/11/26/s2", "archives/c1/2026/11/26/s1", "archives/c1/2026/11/27/s1",
        "archives/c10/2026/01/01/s1", "archives/c2/2026/01/01/s1");
    for (String k : keys) {
      put(k, "content of " + k);
    }

    assertThat(listKeys("")).containsExactlyElementsOf(
        keys.stream().sorted().collect(Collectors.toList()));
    assertThat(listKeys("a/")).containsExactly("a/a", "a/b-", "a/b/c", "a/bc");
    assertThat(listKeys("a/b")).containsExactly("a/b-", "a/b/c", "a/bc");
    assertThat(listKeys("a/b/")).containsExactly("a/b/c");
    assertThat(listKeys("a")).containsExactlyElementsOf(
        keys.stream().filter(k -> k.startsWith("a")).sorted().collect(Collectors.toList()));
    assertThat(listKeys("archives/c1/")).containsExactly("archives/c1/2026/11/26/s1",
        "archives/c1/2026/11/26/s2", "archives/c1/2026/11/27/s1");
    assertThat(listKeys("archives/c1")).containsExactly("archives/c1/2026/11/26/s1",
        "archives/c1/2026/11/26/s2", "archives/c1/2026/11/27/s1",
        "archives/c10/2026/01/01/s1");
    assertThat(listKeys("archives/c1/2026/11/2")).hasSize(3);
    assertThat(listKeys("nothing/")).isEmpty();
    assertThat(listKeys("z")).isEmpty();
  }

  /** Listed objects are described as head describes them. */
  @Test
  public void list_objects_describeEachObjectLikeHead() {
    ArchiveObject x = put("l/x", "xx");
    ArchiveObject y = put("l/y", "yyy");

    try (Stream<ArchiveObject> s = store.list("l/")) {
      assertThat(s.collect(Collectors.toList())).containsExactly(x, y);
    }
  }

  /** For a missing key head is empty and open throws not found. */
  @Test
  public void headAndOpen_missingKey_emptyAndNotFound() {
    put("present", "here");

    assertThat(store.head("absent")).isEmpty();
    assertThat(store.head("present/below")).isEmpty();
    assertThatThrownBy(() -> store.open("absent"))
        .isInstanceOf(ArchiveObjectNotFoundException.class)
        .hasMessageContaining("absent");
  }

  /** Every operation rejects an invalid key without effect. */
  @Test
  public void everyOperation_invalidKey_rejectedWithoutEffect() {
    for (String bad : List.of("", "/a", "a/", "a//b", "../a", "a/../b", "./a", "a b", "a\\b",
        "ä", "a~b", "a\u0000b", "x".repeat(1025))) {
      assertThatThrownBy(() -> put(bad, "x")).as("put '%s'", bad)
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> store.head(bad)).as("head '%s'", bad)
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> store.open(bad)).as("open '%s'", bad)
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> store.restore(bad, 1, RestoreTier.STANDARD)).as("restore '%s'", bad)
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> store.restoreState(bad)).as("restoreState '%s'", bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
    for (String bad : List.of("../", "a//", "a b", "/a", "~", "a/../")) {
      assertThatThrownBy(() -> listKeys(bad)).as("list '%s'", bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
    assertThat(listKeys("")).isEmpty();
  }

  /** Restore and restore state throw not found for a missing key. */
  @Test
  public void restoreAndRestoreState_missingKey_throwNotFound() {
    put("other", "x");

    assertThatThrownBy(() -> store.restore("missing", 3, RestoreTier.STANDARD))
        .isInstanceOf(ArchiveObjectNotFoundException.class);
    assertThatThrownBy(() -> store.restoreState("missing"))
        .isInstanceOf(ArchiveObjectNotFoundException.class);
  }

  /** Restore days outside 1..365 are rejected. */
  @Test
  public void restore_daysOutsideOneTo365_rejected() {
    put("cold/x", "x");

    for (int days : new int[] {0, -1, 366, Integer.MIN_VALUE, Integer.MAX_VALUE}) {
      assertThatThrownBy(() -> store.restore("cold/x", days, RestoreTier.BULK))
          .as("days %d", days)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("1..365");
    }
    assertThatThrownBy(() -> store.restore("missing", 0, RestoreTier.BULK))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
