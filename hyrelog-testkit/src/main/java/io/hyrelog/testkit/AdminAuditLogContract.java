package io.hyrelog.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hyrelog.spi.AdminAuditLog;
import io.hyrelog.spi.AdminAuditLog.Entry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract of {@link AdminAuditLog}: every adapter's test extends this class and supplies
 * fresh, empty {@link StoragePorts}. The racing test checks whichever interleaving the threads
 * produce.
 */
public abstract class AdminAuditLogContract extends StorageContract {
  protected static final Instant T0 = Instant.parse("2026-06-01T10:00:00Z");
  protected final UUID company = UUID.fromString("0190bbbb-0000-7000-8000-000000000001");
  protected final UUID other = UUID.fromString("0190bbbb-0000-7000-8000-000000000002");

  protected AdminAuditLog audit;

  @Override
  protected Instant start() {
    return T0;
  }

  @BeforeEach
  void setUpAuditLog() {
    audit = ports.adminLog();
  }

  protected static ObjectNode details(int n) {
    return JsonNodeFactory.instance.objectNode().put("n", n);
  }

  /** Entry {@code i}: a mix of present and absent optional fields. */
  protected static Entry entry(int i, Optional<UUID> companyId) {
    return new Entry(0, T0.plus(Duration.ofSeconds(i)), "user-" + i, "u" + i + "@example.com",
        i % 3 == 0 ? "HYRELOG_ADMIN" : "ADMIN", companyId, "restore_request.create",
        i % 4 == 0 ? Optional.empty() : Optional.of("archive_segment:" + i),
        i % 5 == 0 ? Entry.REFUSED : Entry.OK, details(i),
        i % 2 == 0 ? Optional.of("req-" + i) : Optional.empty());
  }

  protected List<Entry> read(UUID companyId) {
    try (Stream<Entry> s = audit.read(companyId)) {
      return s.toList();
    }
  }

  /**
   * A page lists entries newest first, below the {@code before} id and of one company when given.
   */
  @Test
  public void page_newestFirst_beforeAndCompanyFilter() {
    List<Long> ids = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      ids.add(audit.append(entry(i, i % 2 == 0 ? Optional.of(company) : Optional.empty())));
    }
    List<Entry> first = audit.page(OptionalLong.empty(), Optional.empty(), 3);
    assertThat(first).extracting(Entry::id).containsExactly(ids.get(4), ids.get(3), ids.get(2));
    assertThat(first.get(0).details()).isEqualTo(details(4));
    assertThat(audit.page(OptionalLong.of(ids.get(2)), Optional.empty(), 3))
        .extracting(Entry::id).containsExactly(ids.get(1), ids.get(0));
    assertThat(audit.page(OptionalLong.empty(), Optional.of(company), 10))
        .extracting(Entry::id).containsExactly(ids.get(4), ids.get(2), ids.get(0));
    assertThat(audit.page(OptionalLong.empty(), Optional.of(other), 10)).isEmpty();
    assertThat(audit.page(OptionalLong.empty(), Optional.empty(), AdminAuditLog.MAX_LIMIT))
        .hasSize(5);
  }

  /** A page limit outside 1..{@value io.hyrelog.spi.AdminAuditLog#MAX_LIMIT} is refused. */
  @Test
  public void page_limitOutOfRange_refused() {
    assertThatThrownBy(() -> audit.page(OptionalLong.empty(), Optional.empty(), 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("limit");
    assertThatThrownBy(() -> audit.page(OptionalLong.empty(), Optional.empty(),
        AdminAuditLog.MAX_LIMIT + 1)).isInstanceOf(IllegalArgumentException.class);
  }

  /** A company's read returns its entries only, oldest first, with every field as appended. */
  @Test
  public void read_oneCompany_itsEntriesOnlyOldestFirstWithEveryField() {
    List<Entry> mine = new ArrayList<>();
    List<Entry> theirs = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      Optional<UUID> c = switch (i % 3) {
        case 0 -> Optional.of(company);
        case 1 -> Optional.of(other);
        default -> Optional.empty();
      };
      Entry e = entry(i, c);
      long id = audit.append(e);
      Entry stored = e.stored(id);
      if (i % 3 == 0) {
        mine.add(stored);
      } else if (i % 3 == 1) {
        theirs.add(stored);
      }
    }
    assertThat(read(company)).containsExactlyElementsOf(mine);
    assertThat(read(other)).containsExactlyElementsOf(theirs);
    assertThat(read(UUID.nameUUIDFromBytes(new byte[] {9}))).isEmpty();
  }

  /** Entries appended after a read began are not in it. */
  @Test
  public void read_entriesAppendedAfterTheReadBegan_notInIt() {
    for (int i = 0; i < 3; i++) {
      audit.append(entry(i, Optional.of(company)));
    }
    try (Stream<Entry> s = audit.read(company)) {
      Iterator<Entry> it = s.iterator();
      assertThat(it.next().actorUserId()).isEqualTo("user-0");
      audit.append(entry(3, Optional.of(company)));
      List<String> rest = new ArrayList<>();
      it.forEachRemaining(e -> rest.add(e.actorUserId()));
      assertThat(rest).containsExactly("user-1", "user-2");
    }
    assertThat(read(company)).hasSize(4);
  }

  /** Changing an entry's details after appending it changes nothing stored. */
  @Test
  public void append_changingTheEntryAfterwards_changesNothingStored() {
    ObjectNode d = details(1);
    Entry e = new Entry(0, T0.plusNanos(1_999), "user", "u@example.com", "ADMIN",
        Optional.of(company), "restore_request.approve", Optional.empty(), Entry.OK, d,
        Optional.empty());
    long id = audit.append(e);
    d.put("n", 666);
    e.details().put("n", 777);
    Entry stored = read(company).get(0);
    assertThat(stored.details()).isEqualTo(details(1));
    // Instants keep microseconds; finer digits are dropped.
    assertThat(stored.at()).isEqualTo(T0.plusNanos(1_000));
    assertThat(stored).isEqualTo(e.stored(id));
    stored.details().put("n", 888);
    assertThat(read(company).get(0).details()).isEqualTo(details(1));
  }

  /**
   * Concurrent appends get distinct ids, ascending in each writer's order, and none is lost.
   *
   * @throws Exception when the port under test fails unexpectedly
   */
  @Test
  public void append_concurrently_distinctAscendingIdsAndNothingLost() throws Exception {
    List<Callable<List<Long>>> writers = new ArrayList<>();
    for (int w = 0; w < 4; w++) {
      int writer = w;
      writers.add(() -> {
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
          ids.add(audit.append(entry(writer * 100 + i, Optional.of(company))));
        }
        return ids;
      });
    }
    List<Long> all = new ArrayList<>();
    for (Outcome<List<Long>> o : race(writers)) {
      assertThat(o.won()).isTrue();
      // Each writer's own appends got ascending ids.
      assertThat(o.result()).isSorted();
      all.addAll(o.result());
    }
    assertThat(all).doesNotHaveDuplicates().hasSize(100);
    List<Entry> stored = read(company);
    assertThat(stored).extracting(Entry::id).isSorted()
        .containsExactlyInAnyOrderElementsOf(all);
  }
}
