package io.hyrelog.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hyrelog.DataRegion;
import io.hyrelog.WorkspaceRef;
import io.hyrelog.spi.CheckpointRecords;
import io.hyrelog.spi.CheckpointRecords.ChainSize;
import io.hyrelog.spi.CheckpointRecords.Refusal;
import io.hyrelog.spi.CheckpointRecords.StoredCosignature;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract of {@link CheckpointRecords}, beside the event store of the same storage (whose
 * chain heads decide what is behind a witness or unpublished): every adapter's test extends this
 * class and supplies fresh {@link StoragePorts} and the records over them. Two chains of one
 * company hold 3 and 5 events; the racing test checks whichever interleaving the threads
 * produce.
 */
public abstract class CheckpointRecordsContract extends StorageContract {
  protected static final Instant T0 = Instant.parse("2026-12-01T10:00:00.123456Z");
  private static final String W1 = "witness.example/w1+0a0b0c0d";
  private static final String W2 = "witness.example/w2+01020304";

  protected CheckpointRecords records;
  protected WorkspaceRef a;
  protected WorkspaceRef b;
  private final SampleEvents samples = new SampleEvents(14);

  /** The records over {@link #ports}' storage; called after {@link #createPorts()}. */
  protected abstract CheckpointRecords createRecords(StoragePorts ports);

  @Override
  protected Instant start() {
    return T0;
  }

  @BeforeEach
  void setUpRecords() {
    records = createRecords(ports);
    WorkspaceRef sa = SampleEvents.workspace(31, DataRegion.US);
    WorkspaceRef sb = SampleEvents.workspace(32, DataRegion.US);
    company(sa.companyId(), "Acme");
    a = workspace(sa.companyId(), sa.workspaceId());
    b = workspace(sa.companyId(), sb.workspaceId());
    append(a, 3);
    append(b, 5);
  }

  private void append(WorkspaceRef ws, int n) {
    for (int i = 0; i < n; i++) {
      log.append(ws, samples.next(clock.instant()));
      clock.advance(Duration.ofSeconds(1));
    }
  }

  private StoredCosignature cosignature(WorkspaceRef ws, long size, String witness,
      String line) {
    return new StoredCosignature(ws.workspaceId(), size, witness, line, clock.instant());
  }

  private List<WorkspaceRef> inIdOrder() {
    List<WorkspaceRef> l = new ArrayList<>(List.of(a, b));
    l.sort(Comparator.comparing(w -> w.workspaceId().toString()));
    return l;
  }

  @Test
  void addCosignature_sameWitnessChainAndSize_keepsTheFirst() {
    assertThat(records.addCosignature(cosignature(a, 3, W1, "\u2014 w1 AAAA"))).isTrue();
    assertThat(records.addCosignature(cosignature(a, 3, W1, "\u2014 w1 BBBB"))).isFalse();
    assertThat(records.addCosignature(cosignature(a, 3, W2, "\u2014 w2 CCCC"))).isTrue();
    assertThat(records.addCosignature(cosignature(a, 2, W1, "\u2014 w1 DDDD"))).isTrue();
    assertThat(records.addCosignature(cosignature(b, 3, W1, "\u2014 w1 EEEE"))).isTrue();

    List<StoredCosignature> at3 = records.cosignatures(a.workspaceId(), 3);
    assertThat(at3).extracting(StoredCosignature::line)
        .containsExactly("\u2014 w1 AAAA", "\u2014 w2 CCCC");
    assertThat(at3.get(0).receivedAt()).isEqualTo(clock.instant());
    assertThat(at3.get(0).treeSize()).isEqualTo(3);
    assertThat(records.cosignatures(a.workspaceId(), 4)).isEmpty();
  }

  @Test
  void addCosignature_racingCallers_exactlyOneStores() throws Exception {
    List<Callable<Boolean>> racers = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      String line = "\u2014 w1 R" + i;
      racers.add(() -> records.addCosignature(cosignature(a, 3, W1, line)));
    }
    List<Outcome<Boolean>> out = race(racers);
    assertThat(out).allMatch(Outcome::won);
    assertThat(out.stream().filter(Outcome::result).count()).isEqualTo(1);
    assertThat(records.cosignatures(a.workspaceId(), 3)).hasSize(1);
  }

  @Test
  void witnessSize_isZeroUntilSet_thenWhatWasSetLast() {
    assertThat(records.witnessSize(W1, a.workspaceId())).isZero();
    records.setWitnessSize(W1, a.workspaceId(), 3, clock.instant());
    assertThat(records.witnessSize(W1, a.workspaceId())).isEqualTo(3);
    assertThat(records.witnessSize(W2, a.workspaceId())).isZero();
    assertThat(records.witnessSize(W1, b.workspaceId())).isZero();
    records.setWitnessSize(W1, a.workspaceId(), 2, clock.instant());
    assertThat(records.witnessSize(W1, a.workspaceId())).as("a witness's 409 size is believed")
        .isEqualTo(2);
    assertThatThrownBy(() -> records.setWitnessSize(W1, a.workspaceId(), -1, clock.instant()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void recordRefusal_oncePerWitnessChainSizeAndReason_newestFirst() {
    Refusal first = new Refusal(W1, a.workspaceId(), 3, 7, "inconsistent", clock.instant());
    assertThat(records.recordRefusal(first)).isTrue();
    assertThat(records.recordRefusal(first)).isFalse();
    clock.advance(Duration.ofMinutes(1));
    assertThat(records.recordRefusal(new Refusal(W1, a.workspaceId(), 3, -1, "bad_cosignature",
        clock.instant()))).isTrue();
    assertThat(records.recordRefusal(new Refusal(W2, b.workspaceId(), 5, -1, "inconsistent",
        clock.instant()))).isTrue();

    List<Refusal> ofA = records.refusals(a.workspaceId(), 10);
    assertThat(ofA).extracting(Refusal::reason).containsExactly("bad_cosignature",
        "inconsistent");
    assertThat(ofA.get(1)).isEqualTo(first);
    assertThat(records.refusals(a.workspaceId(), 1)).hasSize(1);
    assertThat(records.refusals(b.workspaceId(), 10)).singleElement()
        .extracting(Refusal::witness).isEqualTo(W2);
  }

  @Test
  void behindWitness_chainsBeyondTheWitnessSize_notRefusedAtTheirHead_paged() {
    List<WorkspaceRef> ordered = inIdOrder();
    assertThat(records.behindWitness(W1, null, 10)).extracting(ChainSize::workspaceId)
        .containsExactly(ordered.get(0).workspaceId(), ordered.get(1).workspaceId());
    assertThat(records.behindWitness(W1, null, 10)).filteredOn(c -> c.workspaceId()
        .equals(b.workspaceId())).singleElement().satisfies(c -> {
          assertThat(c.size()).isEqualTo(5);
          assertThat(c.companyId()).isEqualTo(b.companyId());
        });
    assertThat(records.behindWitness(W1, null, 1)).extracting(ChainSize::workspaceId)
        .containsExactly(ordered.get(0).workspaceId());
    assertThat(records.behindWitness(W1, ordered.get(0).workspaceId(), 10))
        .extracting(ChainSize::workspaceId).containsExactly(ordered.get(1).workspaceId());

    records.setWitnessSize(W1, a.workspaceId(), 3, clock.instant());
    records.recordRefusal(new Refusal(W1, b.workspaceId(), 5, 2, "inconsistent",
        clock.instant()));
    assertThat(records.behindWitness(W1, null, 10)).isEmpty();
    assertThat(records.behindWitness(W2, null, 10)).hasSize(2);
    append(b, 1);
    assertThat(records.behindWitness(W1, null, 10)).as("a new head is submitted again")
        .extracting(ChainSize::size).containsExactly(6L);
  }

  @Test
  void publications_unpublishedUntilTheHeadIsRecorded_firstRecordKept() {
    assertThat(records.publishedSize(a.workspaceId())).isEqualTo(OptionalLong.empty());
    assertThat(records.unpublished(null, 10)).hasSize(2);
    String key = "checkpoints/x/" + a.workspaceId() + "/00000000000000000003.note";
    assertThat(records.recordPublication(a.workspaceId(), 3, key, clock.instant())).isTrue();
    assertThat(records.recordPublication(a.workspaceId(), 3, key, clock.instant())).isFalse();
    assertThat(records.publishedSize(a.workspaceId())).isEqualTo(OptionalLong.of(3));
    assertThat(records.unpublished(null, 10)).extracting(ChainSize::workspaceId)
        .containsExactly(b.workspaceId());
    assertThat(records.recordPublication(b.workspaceId(), 2, "checkpoints/b2", clock.instant()))
        .isTrue();
    assertThat(records.unpublished(null, 10)).singleElement().extracting(ChainSize::size)
        .isEqualTo(5L);
    assertThat(records.recordPublication(b.workspaceId(), 5, "checkpoints/b5", clock.instant()))
        .isTrue();
    assertThat(records.unpublished(null, 10)).isEmpty();
    assertThat(records.publishedSize(b.workspaceId())).isEqualTo(OptionalLong.of(5));
    append(a, 2);
    assertThat(records.unpublished(null, 10)).singleElement().extracting(ChainSize::size)
        .isEqualTo(5L);
  }

  @Test
  void values_invalid_areRefusedBeforeStoring() {
    assertThatThrownBy(() -> cosignature(a, 0, W1, "x"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("treeSize");
    assertThatThrownBy(() -> cosignature(a, 1, W1, "two\nlines"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("line");
    assertThatThrownBy(() -> cosignature(a, 1, "x".repeat(301), "l"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("witness");
    assertThatThrownBy(() -> new Refusal(W1, a.workspaceId(), 1, -1, "Not-A-Code",
        clock.instant())).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("reason");
    assertThatThrownBy(() -> records.unpublished(null, 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("limit");
  }
}
