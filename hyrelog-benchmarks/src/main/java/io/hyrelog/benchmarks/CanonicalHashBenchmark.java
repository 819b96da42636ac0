package io.hyrelog.benchmarks;

import io.hyrelog.AuditEvent;
import io.hyrelog.DataRegion;
import io.hyrelog.Digest;
import io.hyrelog.PendingEvent;
import io.hyrelog.PersonalDataPolicy;
import io.hyrelog.WorkspaceRef;
import io.hyrelog.EventJson;
import io.hyrelog.EventHashing;
import io.hyrelog.Jcs;
import io.hyrelog.IdSource;
import io.hyrelog.testkit.SampleEvents;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cost of the integrity format per event (~500-byte sample events with four personal fields):
 * sealing (commitments + canonical view + hash), canonicalize+hash of a stored event, and the
 * baseline of SHA-256 alone over the same canonical bytes.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Thread)
public class CanonicalHashBenchmark {
  private static final int EVENTS = 1024;

  private PendingEvent[] pending;
  private AuditEvent[] events;
  private byte[][] canonical;
  private int i;

  @Setup
  public void setUp() {
    Clock clock = Clock.fixed(Instant.parse("2026-11-26T12:00:00Z"), ZoneOffset.UTC);
    IdSource ids = IdSource.seeded(clock, 1);
    WorkspaceRef ws = SampleEvents.workspace(1, DataRegion.EU);
    SampleEvents samples = new SampleEvents(1);
    pending = new PendingEvent[EVENTS];
    events = new AuditEvent[EVENTS];
    canonical = new byte[EVENTS][];
    Digest prev = Digest.ZERO;
    for (int k = 0; k < EVENTS; k++) {
      pending[k] = PendingEvent.prepare(ws, samples.next(clock.instant()), clock.instant(), ids,
          PersonalDataPolicy.defaults());
      events[k] = pending[k].seal(k + 1, prev);
      prev = events[k].hash();
      canonical[k] = Jcs.canonicalize(EventHashing.view(EventJson.toTree(events[k])));
    }
  }

  private int next() {
    return i = (i + 1) & (EVENTS - 1);
  }

  /** What an append does per event: commitments, canonical view, leaf hash. */
  @Benchmark
  public AuditEvent seal() {
    int k = next();
    return pending[k].seal(k + 1, Digest.ZERO);
  }

  /** Recomputing a stored event's hash: JSON form, view, JCS, SHA-256. */
  @Benchmark
  public Digest canonicalizeAndHash() {
    return EventHashing.hash(events[next()]);
  }

  /** Baseline: SHA-256 of the same canonical bytes, nothing else. */
  @Benchmark
  public Digest sha256Baseline() {
    return EventHashing.leafHash(canonical[next()]);
  }
}
