package io.hyrelog.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.hyrelog.AuditEvent;
import io.hyrelog.DataRegion;
import io.hyrelog.log.EventLog;
import io.hyrelog.EventScope;
import io.hyrelog.NewEvent;
import io.hyrelog.WorkspaceRef;
import io.hyrelog.EventJson;
import io.hyrelog.integrity.FailureReason;
import io.hyrelog.integrity.MerkleTree;
import io.hyrelog.testkit.InMemoryEventStore;
import io.hyrelog.testkit.SampleEvents;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Incremental verification: a repeated verify reads only what was appended since, yet finds
 * tampering in it and at its link, and the remembered Merkle frontier gives the root of the
 * whole chain.
 */
class VerifiedChainsTest {
  private final WorkspaceRef ws = SampleEvents.workspace(7, DataRegion.US);
  private final EventScope chain = EventScope.of(ws);
  private final InMemoryEventStore store = new InMemoryEventStore();
  private final EventLog log = EventLog.builder(store).build();
  private final SampleEvents samples = new SampleEvents(7);
  private final VerifiedChains verified = new VerifiedChains();
  private final AtomicLong read = new AtomicLong();

  @BeforeEach
  void appendSome() {
    append(40);
  }

  private void append(int n) {
    List<NewEvent> batch = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      batch.add(samples.next(null));
    }
    log.appendBatch(ws, batch);
  }

  /** The store's events, counted as read, each passed through {@code change}. */
  private VerifiedChains.ChainReader reader(UnaryOperator<AuditEvent> change) {
    return (c, from, to) -> store.read(c, from, to).peek(e -> read.incrementAndGet())
        .map(change);
  }

  @Test
  void verify_repeated_readsOnlyTheNewSuffix_andReportsTheWholeChain() {
    VerifiedChains.Outcome first = verified.verify(store, reader(e -> e), chain);
    assertThat(first.report().ok()).isTrue();
    assertThat(first.checkedFromSeq()).isEqualTo(1);
    assertThat(read.get()).isEqualTo(40);

    append(5);
    read.set(0);
    VerifiedChains.Outcome second = verified.verify(store, reader(e -> e), chain);
    assertThat(second.report().ok()).as("%s", second.report().failure()).isTrue();
    assertThat(read.get()).as("events read by the repeated verify").isEqualTo(5);
    assertThat(second.checkedFromSeq()).isEqualTo(41);
    assertThat(second.checkedEvents()).isEqualTo(5);
    assertThat(second.report().events()).isEqualTo(45);
    assertThat(second.report().chains().get(0).firstSeq()).isEqualTo(1);
    assertThat(second.report().chains().get(0).lastSeq()).isEqualTo(45);

    read.set(0);
    assertThat(verified.verify(store, reader(e -> e), chain).report().ok()).isTrue();
    assertThat(read.get()).as("nothing appended: nothing read").isZero();
  }

  @Test
  void verify_grownFrontier_givesTheRootOfTheWholeChain() {
    verified.verify(store, reader(e -> e), chain);
    append(23);
    VerifiedChains.Prefix p = verified.verify(store, reader(e -> e), chain).verified()
        .orElseThrow();
    MerkleTree all = new MerkleTree();
    try (Stream<AuditEvent> s = store.read(chain, 1, 63)) {
      s.forEach(e -> all.append(e.hash()));
    }
    assertThat(p.seq()).isEqualTo(63);
    assertThat(p.root()).isEqualTo(all.root());
  }

  @Test
  void verify_tamperedEventInTheSuffix_failsAtItsSeq_andIsNotRemembered() {
    verified.verify(store, reader(e -> e), chain);
    append(5);
    VerifiedChains.Outcome o = verified.verify(store, reader(e -> e.seq() == 43 ? tamper(e)
        : e), chain);
    assertThat(o.report().ok()).isFalse();
    assertThat(o.report().failure().orElseThrow().seq()).isEqualTo(43);
    assertThat(o.report().failure().orElseThrow().reason())
        .isEqualTo(FailureReason.HASH_MISMATCH);
    assertThat(o.verified()).isEmpty();
    // The next verify starts again after the last good prefix (seq 40), not after 45.
    read.set(0);
    assertThat(verified.verify(store, reader(e -> e), chain).checkedFromSeq()).isEqualTo(41);
  }

  @Test
  void verify_suffixNotLinkedToTheVerifiedPrefix_isABrokenLink() {
    verified.verify(store, reader(e -> e), chain);
    append(3);
    // Seq 41 as a forger would write it: correctly hashed, but after another seq 40.
    VerifiedChains.Outcome o = verified.verify(store, reader(e -> e.seq() == 41
        ? relink(e) : e), chain);
    assertThat(o.report().failure().orElseThrow().reason())
        .isEqualTo(FailureReason.BROKEN_LINK);
    assertThat(o.report().failure().orElseThrow().seq()).isEqualTo(41);
  }

  /** The same event with another action: its stated hash no longer matches. */
  private static AuditEvent tamper(AuditEvent e) {
    var tree = EventJson.toTree(e);
    tree.put("action", "tampered");
    return EventJson.fromTree(tree);
  }

  /** The event claiming another predecessor (its own hash unchanged, so the link breaks). */
  private static AuditEvent relink(AuditEvent e) {
    var tree = EventJson.toTree(e);
    tree.put("prevHash", "ab".repeat(32));
    return EventJson.fromTree(tree);
  }
}
