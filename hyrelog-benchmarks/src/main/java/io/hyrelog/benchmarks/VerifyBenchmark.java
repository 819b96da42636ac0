package io.hyrelog.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hyrelog.DataRegion;
import io.hyrelog.log.EventLog;
import io.hyrelog.EventScope;
import io.hyrelog.WorkspaceRef;
import io.hyrelog.export.JsonlEventReader;
import io.hyrelog.export.JsonlEventWriter;
import io.hyrelog.integrity.ChainVerifier;
import io.hyrelog.integrity.VerificationReport;
import io.hyrelog.IdSource;
import io.hyrelog.testkit.InMemoryEventStore;
import io.hyrelog.testkit.MutableClock;
import io.hyrelog.testkit.SampleEvents;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Offline verification speed: a 10,000-event JSONL export (~500-byte events, four personal
 * fields each) verified line by line, as {@code hyrelog.jar verify} does, on one thread. Scores
 * are events per second. Baseline: parsing the same lines with Jackson and nothing else.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(1)
@State(Scope.Benchmark)
public class VerifyBenchmark {
  static final int EVENTS = 10_000;
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private byte[] export;

  @Setup
  public void setUp() throws IOException {
    MutableClock clock = new MutableClock(Instant.parse("2026-11-26T12:00:00Z"));
    InMemoryEventStore store = new InMemoryEventStore();
    EventLog log = EventLog.builder(store).clock(clock).idSource(IdSource.seeded(clock, 1))
        .build();
    WorkspaceRef ws = SampleEvents.workspace(1, DataRegion.EU);
    SampleEvents samples = new SampleEvents(1);
    for (int k = 0; k < EVENTS; k++) {
      log.append(ws, samples.next(clock.instant()));
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonlEventWriter w = new JsonlEventWriter(out);
        Stream<io.hyrelog.AuditEvent> s = store.read(EventScope.of(ws), 1, EVENTS)) {
      for (Iterator<io.hyrelog.AuditEvent> it = s.iterator(); it.hasNext(); ) {
        w.write(it.next());
      }
    }
    export = out.toByteArray();
    if (!verify().ok()) {
      throw new IllegalStateException("the benchmark export does not verify");
    }
  }

  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public VerificationReport verify() throws IOException {
    ChainVerifier v = ChainVerifier.create();
    try (JsonlEventReader r = new JsonlEventReader(new ByteArrayInputStream(export))) {
      for (JsonlEventReader.Line line = r.next(); line != null; line = r.next()) {
        v.accept(line.tree(), line.number());
      }
    }
    return v.finish();
  }

  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public int jacksonParseBaseline() throws IOException {
    int n = 0;
    int start = 0;
    for (int k = 0; k < export.length; k++) {
      if (export[k] == '\n') {
        n += MAPPER.readTree(export, start, k - start).size();
        start = k + 1;
      }
    }
    return n;
  }
}
