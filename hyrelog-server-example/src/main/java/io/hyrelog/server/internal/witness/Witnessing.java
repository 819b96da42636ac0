package io.hyrelog.server.internal.witness;

import io.hyrelog.EventScope;
import io.hyrelog.HyrelogException;
import io.hyrelog.compliance.witness.AddCheckpointRequest;
import io.hyrelog.compliance.witness.Cosignature;
import io.hyrelog.compliance.witness.WitnessResponse;
import io.hyrelog.integrity.ChainCheckpoint;
import io.hyrelog.integrity.Checkpoint;
import io.hyrelog.integrity.NoteSignature;
import io.hyrelog.integrity.SignedNote;
import io.hyrelog.log.EventLog;
import io.hyrelog.server.config.WitnessSettings;
import io.hyrelog.server.config.WitnessSettings.Witness;
import io.hyrelog.spi.CheckpointRecords;
import io.hyrelog.spi.CheckpointRecords.Refusal;
import io.hyrelog.spi.CheckpointRecords.StoredCosignature;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Submits the server's signed checkpoints to the configured C2SP tlog-witnesses and keeps what
 * they answer ({@link CheckpointRecords}).
 *
 * <p>For a chain's checkpoint of size {@code n} and a witness that holds size {@code m} for the
 * chain (0 when unknown), the request carries the consistency proof from {@code m} to {@code n}
 * (none from 0). A 409 names the witness's real size: the request is sent once more from it. A
 * 200's cosignature is verified with the witness's configured key before it is stored; a 422, a
 * second 409, a witness beyond the chain's head, a cosignature that does not verify and other
 * 4xx answers are refusals: recorded once per witness, chain, size and reason, counted by
 * {@code hyrelog.witness.refusals} (tags {@code witness}, {@code reason}) and logged at ERROR the
 * first time. Anything that keeps the witness from answering (connection, timeout, 5xx, a body
 * over the bound) is a failure: counted by {@code hyrelog.witness.failures}, logged at WARN and
 * retried by the {@code checkpoints.witness} job.
 *
 * <p>{@link #cosigned} (the checkpoint route) never waits for a witness: it appends the stored
 * cosignatures and hands the checkpoint to each witness's own single thread, whose queue is
 * bounded and holds one entry per chain (the newest checkpoint wins), so a slow or dead witness
 * delays neither a request nor another witness. Thread-safe; {@link #close()} stops the
 * threads.
 */
public final class Witnessing implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Witnessing.class);
  /** Chains waiting for one witness at most; beyond, the job catches up. */
  static final int QUEUE = 256;
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration WARN_INTERVAL = Duration.ofMinutes(1);

  /** What one submission did. */
  public enum Outcome {
    /** The witness cosigned; the cosignature is stored. */
    COSIGNED,
    /** A cosignature of the witness for that size was stored already. */
    ALREADY_COSIGNED,
    /** Nothing to ask: an empty chain, or the witness holds a later size. */
    SKIPPED,
    /** The witness refused, or its cosignature did not verify; recorded. */
    REFUSED,
    /** The witness could not be asked or did not answer; the job retries. */
    FAILED
  }

  /** Where a chain's checkpoints and records are: its event log and the records to use. */
  public record Target(EventLog log, CheckpointRecords records) {
    public Target {
      Objects.requireNonNull(log, "log");
      Objects.requireNonNull(records, "records");
    }
  }

  private record Pending(Target target, EventScope chain, String note) {}

  /** One witness, its thread and its queue of chains. */
  private final class Lane {
    final Witness witness;
    final ThreadPoolExecutor thread;
    final Map<UUID, Pending> pending = new ConcurrentHashMap<>();

    Lane(Witness witness) {
      this.witness = witness;
      this.thread = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
          new ArrayBlockingQueue<>(QUEUE), r -> {
            Thread t = new Thread(r, "hyrelog-witness-" + witness.name());
            t.setDaemon(true);
            return t;
          });
    }

    void offer(Pending p) {
      UUID id = p.chain().workspaceId();
      if (pending.put(id, p) != null) {
        return; // queued already: the newer checkpoint replaced the older one
      }
      try {
        thread.execute(() -> {
          Pending next = pending.remove(id);
          if (next != null) {
            submitQuietly(witness, next.target(), next.chain(), next.note());
          }
        });
      } catch (RejectedExecutionException e) {
        pending.remove(id);
        LOG.debug("witness {}: queue full ({} chains), chain {} is left to the job",
            witness.label(), QUEUE, id);
      }
    }
  }

  private final List<Lane> lanes;
  private final WitnessClient client;
  private final Clock clock;
  private final MeterRegistry registry;
  private final Map<String, Long> lastWarned = new ConcurrentHashMap<>();

  Witnessing(WitnessSettings settings, MeterRegistry registry, Clock clock,
      Duration connectTimeout, Duration requestTimeout) {
    this.client = new WitnessClient(connectTimeout, requestTimeout,
        settings.allowPrivateNetworks());
    this.clock = Objects.requireNonNull(clock, "clock");
    this.registry = Objects.requireNonNull(registry, "registry");
    List<Lane> l = new ArrayList<>();
    settings.witnesses().forEach(w -> l.add(new Lane(w)));
    this.lanes = List.copyOf(l);
  }

  /**
   * The witnessing of {@code settings}' witnesses (none: every method is a no-op), with 5 s
   * connect and 10 s request timeouts.
   */
  public static Witnessing create(WitnessSettings settings, MeterRegistry registry,
      Clock clock) {
    return new Witnessing(settings, registry, clock, CONNECT_TIMEOUT, REQUEST_TIMEOUT);
  }

  /** The configured witnesses, in configuration order. */
  public List<Witness> witnesses() {
    return lanes.stream().map(l -> l.witness).toList();
  }

  /**
   * {@code note} with the stored cosignatures of its exact checkpoint appended (those that
   * verify with a configured witness key); hands the checkpoint to every witness that has not
   * cosigned it, without waiting.
   *
   * @param target the chain's log and records (the request's)
   * @param submit the log and records the background submission uses
   * @param chain the chain
   * @param note the server's signed checkpoint note of the chain
   * @return the note with cosignature lines, or {@code note} when there are none
   */
  public String cosigned(Target target, Target submit, EventScope chain, String note) {
    if (lanes.isEmpty()) {
      return note;
    }
    Parsed p = parse(note, chain);
    if (p.checkpoint().size() == 0) {
      return note;
    }
    Map<Witness, Cosignature> found = stored(target.records(), p);
    for (Lane l : lanes) {
      if (!found.containsKey(l.witness)) {
        l.offer(new Pending(submit, chain, note));
      }
    }
    return append(note, p, found);
  }

  /**
   * Submits {@code note} to every witness not in {@code skip} now, one after the other, and
   * returns the note with the cosignatures stored for it.
   *
   * @param skip labels of witnesses not to ask (those that failed earlier in a job's run); the
   *     labels of witnesses that fail now are added
   */
  public String witnessNow(Target target, EventScope chain, String note, Set<String> skip) {
    if (lanes.isEmpty()) {
      return note;
    }
    Parsed p = parse(note, chain);
    for (Lane l : lanes) {
      if (!skip.contains(l.witness.label())
          && submitQuietly(l.witness, target, chain, note) == Outcome.FAILED) {
        skip.add(l.witness.label());
      }
    }
    return append(note, p, stored(target.records(), p));
  }

  /**
   * Submits a chain's checkpoint to one witness and records the answer.
   *
   * @return what happened
   * @throws InterruptedException when interrupted while waiting for the witness
   */
  public Outcome submit(Witness w, Target target, EventScope chain, String note)
      throws InterruptedException {
    Parsed p = parse(note, chain);
    long size = p.checkpoint().size();
    if (size == 0) {
      return Outcome.SKIPPED;
    }
    UUID ws = chain.workspaceId();
    CheckpointRecords rec = target.records();
    String label = w.label();
    if (rec.cosignatures(ws, size).stream().anyMatch(c -> c.witness().equals(label))) {
      return Outcome.ALREADY_COSIGNED;
    }
    long old = rec.witnessSize(label, ws);
    if (old > size) {
      return Outcome.SKIPPED;
    }
    for (int attempt = 0; ; attempt++) {
      AddCheckpointRequest req = old == 0 ? new AddCheckpointRequest(0, List.of(), p.signed())
          : AddCheckpointRequest.of(target.log().consistencyProof(chain, old, size), p.signed());
      WitnessClient.Answer a;
      try {
        a = client.addCheckpoint(w, req.format());
      } catch (WitnessClient.Unreachable e) {
        return failed(w, ws, size, e.reason(), e.getMessage());
      }
      switch (a.status()) {
        case 200 -> {
          List<Cosignature> cs;
          try {
            cs = WitnessResponse.parseCosignatures(a.body(), p.signed().text(),
                List.of(w.verifier()));
          } catch (HyrelogException e) {
            return refused(w, rec, ws, size, -1, "bad_cosignature");
          }
          for (Cosignature c : cs) {
            String line = c.line();
            rec.addCosignature(new StoredCosignature(ws, size, label,
                line.substring(0, line.length() - 1), clock.instant()));
          }
          rec.setWitnessSize(label, ws, size, clock.instant());
          return Outcome.COSIGNED;
        }
        case 409 -> {
          long theirs;
          try {
            theirs = WitnessResponse.parseConflictSize(a.body());
          } catch (HyrelogException e) {
            return failed(w, ws, size, "bad_response", "witness " + label
                + " answered 409 without its size");
          }
          if (theirs > size) {
            long head = target.log().store().head(chain).map(h -> h.seq()).orElse(0L);
            if (theirs > head) {
              return refused(w, rec, ws, size, theirs, "rollback");
            }
            rec.setWitnessSize(label, ws, theirs, clock.instant());
            return Outcome.SKIPPED;
          }
          if (attempt > 0) {
            return refused(w, rec, ws, size, theirs, "conflict");
          }
          rec.setWitnessSize(label, ws, theirs, clock.instant());
          old = theirs;
        }
        case 422 -> {
          return refused(w, rec, ws, size, old, "inconsistent");
        }
        case 403 -> {
          return refused(w, rec, ws, size, -1, "untrusted_key");
        }
        case 404 -> {
          return refused(w, rec, ws, size, -1, "unknown_log");
        }
        case 400 -> {
          return refused(w, rec, ws, size, -1, "bad_request");
        }
        default -> {
          return failed(w, ws, size, "http_" + a.status(), "witness " + label
              + " answered HTTP " + a.status());
        }
      }
    }
  }

  private Outcome submitQuietly(Witness w, Target target, EventScope chain, String note) {
    try {
      return submit(w, target, chain, note);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Outcome.FAILED;
    } catch (RuntimeException e) {
      return failed(w, chain.workspaceId(), -1, "error", "submitting to witness "
          + w.label() + " failed: " + e);
    }
  }

  private Outcome failed(Witness w, UUID ws, long size, String reason, String message) {
    Counter.builder("hyrelog.witness.failures")
        .description("checkpoint submissions that did not get an answer from a witness")
        .tag("witness", w.name()).tag("reason", reason).register(registry).increment();
    // One WARN per witness and minute: a dead witness is asked for every chain.
    long now = clock.millis();
    Long last = lastWarned.get(w.label());
    if (last == null || now - last >= WARN_INTERVAL.toMillis()) {
      lastWarned.put(w.label(), now);
      LOG.warn("{} (chain {}, size {}); the checkpoints.witness job retries (further failures"
          + " of this witness within {} s are counted in hyrelog.witness.failures only)",
          message, ws, size, WARN_INTERVAL.toSeconds());
    }
    return Outcome.FAILED;
  }

  private Outcome refused(Witness w, CheckpointRecords rec, UUID ws, long size,
      long witnessSize, String reason) {
    Counter.builder("hyrelog.witness.refusals")
        .description("checkpoints a witness refused to cosign, or cosigned invalidly")
        .tag("witness", w.name()).tag("reason", reason).register(registry).increment();
    if (rec.recordRefusal(new Refusal(w.label(), ws, size, witnessSize, reason,
        clock.instant()))) {
      LOG.error("witness {} refused the checkpoint of chain {} at size {} ({}): {}", w.label(),
          ws, size, reason, advice(reason, witnessSize));
    }
    return Outcome.REFUSED;
  }

  private static String advice(String reason, long witnessSize) {
    return switch (reason) {
      case "inconsistent" -> "the witness holds a checkpoint this one does not extend, so the"
          + " chain was forked or rolled back (or the witness's state is wrong). Treat the"
          + " chain as suspect: verify it (GET /v1/chains/{id}/verify), compare the witness's"
          + " checkpoint with the published ones, and contact the witness's operator";
      case "rollback" -> "the witness holds size " + witnessSize + ", beyond the chain's head:"
          + " the database lost acknowledged events (restored from an old backup?). Stop"
          + " writes, find the missing events, and contact the witness's operator";
      case "conflict" -> "the witness's size changed again while it was asked (another log"
          + " server submitting a different tree?); check that every server of this deployment"
          + " signs the same chains";
      case "bad_cosignature" -> "its answer holds no valid cosignature of the key configured in"
          + " HYRELOG_WITNESS_URLS; check that key with the witness's operator";
      case "untrusted_key" -> "the witness does not trust this server's signing key for the"
          + " chain; give its operator the key from GET /v1/signing-keys";
      case "unknown_log" -> "the witness does not know this log; ask its operator to add the"
          + " origin prefix <key name>/chains/";
      default -> "the witness found the request malformed; check the server and witness"
          + " versions";
    };
  }

  /** A note, its checkpoint, checked to be the chain's. */
  private record Parsed(SignedNote signed, ChainCheckpoint checkpoint) {}

  /** The chain checkpoint of a signed checkpoint note (its signatures not verified). */
  public static ChainCheckpoint checkpoint(String note) {
    return ChainCheckpoint.from(Checkpoint.parse(SignedNote.parse(note).text()));
  }

  private static Parsed parse(String note, EventScope chain) {
    SignedNote signed = SignedNote.parse(note);
    ChainCheckpoint cp = ChainCheckpoint.from(Checkpoint.parse(signed.text()));
    if (!cp.chainId().equals(chain.workspaceId())) {
      throw new IllegalArgumentException("the checkpoint of chain " + cp.chainId()
          + " is not of chain " + chain.workspaceId());
    }
    return new Parsed(signed, cp);
  }

  /** The stored cosignatures of the checkpoint that verify with a configured key. */
  private Map<Witness, Cosignature> stored(CheckpointRecords rec, Parsed p) {
    Map<Witness, Cosignature> out = new LinkedHashMap<>();
    List<StoredCosignature> stored = rec.cosignatures(p.checkpoint().chainId(),
        p.checkpoint().size());
    for (Lane l : lanes) {
      for (StoredCosignature s : stored) {
        if (s.witness().equals(l.witness.label())) {
          try {
            out.put(l.witness, WitnessResponse.parseCosignatures(s.line() + "\n",
                p.signed().text(), List.of(l.witness.verifier())).get(0));
          } catch (HyrelogException e) {
            // Stored for another text of this size (the log's key name changed): not this
            // note's cosignature.
            LOG.debug("stored cosignature of {} does not verify for chain {} at size {}",
                l.witness.label(), p.checkpoint().chainId(), p.checkpoint().size());
          }
        }
      }
    }
    return out;
  }

  private static String append(String note, Parsed p, Map<Witness, Cosignature> found) {
    if (found.isEmpty()) {
      return note;
    }
    List<NoteSignature> sigs = new ArrayList<>(p.signed().signatures());
    Set<String> seen = new HashSet<>();
    for (Cosignature c : found.values()) {
      if (seen.add(c.keyName() + c.keyId())) {
        sigs.add(c.toNoteSignature());
      }
    }
    return new SignedNote(p.signed().text(), sigs).format();
  }

  @Override
  public void close() {
    lanes.forEach(l -> l.thread.shutdownNow());
    for (Lane l : lanes) {
      try {
        l.thread.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  @Override
  public String toString() {
    return "Witnessing" + witnesses();
  }
}
