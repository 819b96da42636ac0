package io.hyrelog.personal.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hyrelog.Actor;
import io.hyrelog.AuditEvent;
import io.hyrelog.DataRegion;
import io.hyrelog.DataSubject;
import io.hyrelog.Digest;
import io.hyrelog.EventScope;
import io.hyrelog.HyrelogException;
import io.hyrelog.Jcs;
import io.hyrelog.Metadata;
import io.hyrelog.NewEvent;
import io.hyrelog.Resource;
import io.hyrelog.WorkspaceRef;
import io.hyrelog.log.EventLog;
import io.hyrelog.personal.GdprConflictException;
import io.hyrelog.personal.GdprRequest;
import io.hyrelog.personal.GdprRequestStatus;
import io.hyrelog.personal.GdprRequestType;
import io.hyrelog.personal.SubjectAccess;
import io.hyrelog.spi.ErasableEvent;
import io.hyrelog.spi.ErasureRequest;
import io.hyrelog.spi.GdprRequests;
import io.hyrelog.spi.SubjectKeys;
import io.hyrelog.spi.SubjectTraces;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Executes approved personal-data requests of one region's storage: the body of the {@code
 * gdpr.erase} job. Each {@link #run} claims APPROVED requests (APPROVED → RUNNING, conditional,
 * so of several workers one claims a request) and works every RUNNING one.
 *
 * <h2>An erasure, step by step</h2>
 * Each step is idempotent and what a later step needs is stored in the request's progress
 * first, so a run that dies anywhere is completed by the next one, with one {@value #ACTION}
 * event per chain:
 * <ol>
 *   <li><b>Plan</b>: the hot events of the subject that still hold personal values ({@link
 *       io.hyrelog.spi.EventStore#erasable}) — chain, seq, event id, paths; no value — are
 *       stored in the progress.
 *   <li><b>Erase</b> the hot values ({@link io.hyrelog.spi.EventStore#erase}), then plan again
 *       until nothing is left (an event appended meanwhile joins the plan); the plan is then
 *       <em>sealed</em>.
 *   <li><b>Traces</b>: the subject's values in other records ({@link SubjectTraces}).
 *   <li><b>Keys</b>: the subject's archive keys are destroyed ({@link SubjectKeys#destroy}).
 *   <li><b>Record</b>: one {@value #ACTION} event (category {@value #CATEGORY}) is appended to
 *       each chain of the plan, with the request id, counts and the erased seqs and paths. Its
 *       idempotency key is {@code gdpr-erasure-<request id>} and its content a function of the
 *       sealed plan, so a second append after a crash replays the first.
 *   <li><b>Proof</b>: a signed checkpoint of each such chain after its event, and the evidence
 *       bundles and compliance exports written before the request ran (they hold the values by
 *       design; the operator decides) go into the result; the request becomes COMPLETED and
 *       keeps only the subject's salted hash.
 * </ol>
 * An access request is handed to {@link SubjectAccess#fulfil}: {@code Done} completes it, {@code
 * Waiting} leaves it RUNNING (the restores it waits for are in its progress) for a later run.
 * A request whose processing throws {@value #MAX_ATTEMPTS} times becomes FAILED.
 *
 * <p>Thread-safe; several workers (processes) may run at once. Never logs a subject's value.
 */
public final class GdprWorker {
  /** The category of the proof-of-erasure events. */
  public static final String CATEGORY = "hyrelog.gdpr";
  /** The action of the proof-of-erasure events. */
  public static final String ACTION = "gdpr.erasure";
  /** Failed attempts after which a request becomes FAILED. */
  public static final int MAX_ATTEMPTS = 5;
  /** Rounds of erase-then-plan before an erasure gives up on a subject still being written. */
  static final int MAX_ROUNDS = 10;

  private static final Logger LOG = LoggerFactory.getLogger(GdprWorker.class);
  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  private static final Actor ACTOR = new Actor("hyrelog.gdpr", null, "SYSTEM", null);
  // Room left in an event's metadata for the erased ranges (the default limit is 32 KiB).
  private static final int RANGES_BUDGET = 24 * 1024;

  private final GdprRequests requests;
  private final EventLog log;
  private final DataRegion region;
  private final SubjectKeys keys;
  private final SubjectTraces traces;
  private final SubjectAccess access;
  private final Proofs proofs;
  private final Clock clock;
  private final int batch;
  private final Step pause;

  /** What the worker needs to prove an erasure; the server signs and lists. */
  public interface Proofs {
    /**
     * A signed checkpoint (a C2SP signed note) of the chain at {@code size}.
     *
     * @param chain the chain
     * @param size the tree size, including the {@value #ACTION} event
     * @return the note's text
     */
    String signedCheckpoint(EventScope chain, long size);

    /**
     * The evidence bundles and encrypted compliance exports of the company written before
     * {@code before}: each an object with at least {@code kind}, {@code id} and {@code
     * created_at}.
     *
     * @param companyId the company
     * @param before the instant the erasure started
     * @return the artefacts (copied into the result)
     */
    List<ObjectNode> earlierArtefacts(UUID companyId, Instant before);
  }

  /** A hook between steps, for tests that stop a run there (a crash). */
  @FunctionalInterface
  interface Step {
    void reached(String step);
  }

  private GdprWorker(Builder b) {
    this.requests = b.requests;
    this.log = b.log;
    this.region = b.region;
    this.keys = b.keys;
    this.traces = b.traces;
    this.access = b.access;
    this.proofs = b.proofs;
    this.clock = b.clock;
    this.batch = b.batch;
    this.pause = b.pause;
  }

  /**
   * Starts a worker.
   *
   * @param requests the requests of the region's storage
   * @param log the event log of the same storage (appends the proof events)
   * @param region the region of the storage
   * @return a builder
   */
  public static Builder builder(GdprRequests requests, EventLog log, DataRegion region) {
    return new Builder(requests, log, region);
  }

  /**
   * What one run did.
   *
   * @param claimed requests moved APPROVED → RUNNING
   * @param completed requests COMPLETED
   * @param waiting access requests still waiting for restores
   * @param failed requests that became FAILED
   * @param retried requests whose attempt failed and that stay RUNNING
   */
  public record Summary(int claimed, int completed, int waiting, int failed, int retried) {}

  /**
   * Claims approved requests and works every running one (up to the batch size of each).
   *
   * @return what was done
   */
  public Summary run() {
    int claimed = 0;
    for (GdprRequest r : requests.inStatus(GdprRequestStatus.APPROVED, batch)) {
      if (r.type() == GdprRequestType.ACCESS && access == null) {
        continue; // waits, APPROVED, for a worker that can fulfil it
      }
      try {
        requests.update(r, r.start(clock.instant()));
        claimed++;
      } catch (GdprConflictException e) {
        LOG.debug("gdpr request {} was claimed by another worker", r.id());
      }
    }
    int completed = 0;
    int waiting = 0;
    int failed = 0;
    int retried = 0;
    for (GdprRequest r : requests.inStatus(GdprRequestStatus.RUNNING, batch)) {
      try {
        GdprRequest done = work(r);
        if (done.status() == GdprRequestStatus.COMPLETED) {
          completed++;
        } else {
          waiting++;
        }
      } catch (GdprConflictException e) {
        LOG.debug("gdpr request {} changed under this worker; the next run continues", r.id());
      } catch (RuntimeException e) {
        if (failAfterAttempts(r, e)) {
          failed++;
        } else {
          retried++;
        }
      }
    }
    return new Summary(claimed, completed, waiting, failed, retried);
  }

  private boolean failAfterAttempts(GdprRequest r, RuntimeException e) {
    // The message names ids and counts only: no exception thrown here carries a subject's value.
    String why = e.getClass().getSimpleName() + ": " + e.getMessage();
    LOG.warn("gdpr request {} attempt failed: {}", r.id(), why);
    GdprRequest current = requests.find(r.id()).orElse(r);
    if (current.status() != GdprRequestStatus.RUNNING) {
      return false;
    }
    ObjectNode progress = current.result().orElseGet(F::objectNode);
    int attempts = progress.path("failed_attempts").asInt(0) + 1;
    try {
      if (attempts >= MAX_ATTEMPTS) {
        requests.update(current, current.fail("gave up after " + attempts + " attempts; last: "
            + why, clock.instant()));
        return true;
      }
      progress.put("failed_attempts", attempts);
      progress.put("last_error", why.length() > 500 ? why.substring(0, 500) : why);
      requests.update(current, current.progress(progress, clock.instant()));
    } catch (GdprConflictException conflict) {
      LOG.debug("gdpr request {} changed while recording a failure", r.id());
    }
    return false;
  }

  /**
   * Works one RUNNING request as far as it goes now.
   *
   * @param r the request
   * @return the request as stored afterwards (COMPLETED, or RUNNING when waiting)
   */
  GdprRequest work(GdprRequest r) {
    return r.type() == GdprRequestType.ACCESS ? workAccess(r) : workErasure(r);
  }

  private GdprRequest workAccess(GdprRequest r) {
    if (access == null) {
      throw new HyrelogException("no SubjectAccess is configured; access request " + r.id()
          + " waits");
    }
    DataSubject subject = r.subject().orElseThrow();
    SubjectAccess.Outcome o = access.fulfil(r.id(), r.scope(), subject);
    Instant now = clock.instant();
    if (o instanceof SubjectAccess.Done d) {
      ObjectNode result = F.objectNode();
      result.put("type", "ACCESS");
      result.put("events", d.events());
      ArrayNode files = result.putArray("files");
      d.files().forEach(files::add);
      return requests.update(r, r.complete(result, now));
    }
    SubjectAccess.Waiting w = (SubjectAccess.Waiting) o;
    ObjectNode progress = r.result().orElseGet(F::objectNode);
    ArrayNode restores = F.arrayNode();
    w.restoreRequests().forEach(id -> restores.add(id.toString()));
    if (restores.equals(progress.get("waiting_for_restores"))) {
      return r;
    }
    progress.set("waiting_for_restores", restores);
    return requests.update(r, r.progress(progress, now));
  }

  private GdprRequest workErasure(GdprRequest r) {
    DataSubject subject = r.subject().orElseThrow();
    ErasureRequest erasure = ErasureRequest.of(r.scope(), subject);
    GdprRequest cur = r;
    ObjectNode progress = cur.result().orElseGet(F::objectNode);
    if (!progress.path("sealed").asBoolean(false)) {
      Plan plan = Plan.of(progress.path("chains"));
      for (int round = 0; ; round++) {
        if (plan.add(log.store().erasable(erasure))) {
          progress.set("chains", plan.toJson());
          cur = requests.update(cur, cur.progress(progress, clock.instant()));
          progress = cur.result().orElseThrow();
        }
        pause.reached("planned");
        log.store().erase(erasure);
        pause.reached("erased");
        if (log.store().erasable(erasure).isEmpty()) {
          break;
        }
        if (round == MAX_ROUNDS) {
          throw new HyrelogException("gdpr request " + r.id() + ": the subject's events are"
              + " still being written after " + MAX_ROUNDS + " rounds of erasure");
        }
      }
      progress.set("chains", plan.toJson());
      progress.put("sealed", true);
      cur = requests.update(cur, cur.progress(progress, clock.instant()));
      progress = cur.result().orElseThrow();
      pause.reached("sealed");
    }
    if (!progress.has("traces_erased")) {
      long t = traces.erase(r.scope(), subject);
      progress.put("traces_erased", t);
      cur = requests.update(cur, cur.progress(progress, clock.instant()));
      progress = cur.result().orElseThrow();
    }
    if (!progress.has("keys_destroyed")) {
      long k = keys.destroy(r.scope(), subject);
      pause.reached("keys");
      progress.put("keys_destroyed", k);
      cur = requests.update(cur, cur.progress(progress, clock.instant()));
      progress = cur.result().orElseThrow();
    }
    Plan plan = Plan.of(progress.path("chains"));
    ArrayNode recorded = F.arrayNode();
    for (Map.Entry<UUID, List<ErasableEvent>> chain : plan.byChain.entrySet()) {
      WorkspaceRef ws = new WorkspaceRef(r.companyId(), chain.getKey(), region);
      AuditEvent proof = log.append(ws, proofEvent(r, chain.getValue())).event();
      pause.reached("recorded");
      EventScope scope = EventScope.of(ws);
      long size = log.store().head(scope).orElseThrow().seq();
      recorded.addObject()
          .put("workspace_id", chain.getKey().toString())
          .put("event_id", proof.id().toString())
          .put("event_seq", proof.seq())
          .put("events_erased", chain.getValue().size())
          .put("checkpoint", proofs.signedCheckpoint(scope, size));
    }
    ObjectNode result = F.objectNode();
    result.put("type", "ERASURE");
    result.put("subject_kind", r.subjectKind().name());
    r.subjectKey().ifPresent(k -> result.put("subject_key", k));
    result.put("subject_hash", r.subjectHash().hash().hex());
    result.put("subject_salt", r.subjectHash().salt().hex());
    result.put("events_erased", plan.events());
    result.put("fields_erased", plan.fields());
    result.put("traces_erased", progress.path("traces_erased").asLong());
    result.put("keys_destroyed", progress.path("keys_destroyed").asLong());
    result.set("chains", recorded);
    result.set("erased", plan.toJson());
    ArrayNode artefacts = result.putArray("earlier_artefacts");
    proofs.earlierArtefacts(r.companyId(), cur.startedAt().orElseThrow())
        .forEach(a -> artefacts.add(a.deepCopy()));
    pause.reached("proved");
    return requests.update(cur, cur.complete(result, clock.instant()));
  }

  /** The proof event of one chain: a function of the sealed plan only (so it replays). */
  private NewEvent proofEvent(GdprRequest r, List<ErasableEvent> events) {
    ObjectNode m = F.objectNode();
    m.put("request_id", r.id().toString());
    m.put("subject_kind", r.subjectKind().name());
    r.subjectKey().ifPresent(k -> m.put("subject_key", k));
    m.put("events_erased", events.size());
    m.put("fields_erased", events.stream().mapToLong(e -> e.paths().size()).sum());
    ArrayNode ranges = ranges(events);
    byte[] all = Jcs.canonicalize(ranges);
    if (all.length <= RANGES_BUDGET) {
      m.set("erased", ranges);
    } else {
      // Too many to list in one event: the first ranges, and the hash of the whole list, which
      // the request's result holds in full.
      ArrayNode listed = F.arrayNode();
      int bytes = 2;
      for (JsonNode range : ranges) {
        bytes += Jcs.canonicalize(range).length + 1;
        if (bytes > RANGES_BUDGET) {
          break;
        }
        listed.add(range);
      }
      m.set("erased", listed);
      m.put("ranges_total", ranges.size());
      m.put("ranges_sha256", Digest.sha256(all).hex());
    }
    return NewEvent.builder(CATEGORY, ACTION).actor(ACTOR)
        .resource(new Resource("gdpr_request", r.id().toString()))
        .metadata(Metadata.of(m)).idempotencyKey("gdpr-erasure-" + r.id()).build();
  }

  /** Consecutive seqs with the same paths as one {@code {from, to, paths}} range. */
  static ArrayNode ranges(List<ErasableEvent> events) {
    ArrayNode out = F.arrayNode();
    ObjectNode open = null;
    List<String> openPaths = null;
    for (ErasableEvent e : events) {
      if (open != null && open.get("to").asLong() + 1 == e.seq() && openPaths.equals(e.paths())) {
        open.put("to", e.seq());
        continue;
      }
      open = out.addObject().put("from", e.seq()).put("to", e.seq());
      ArrayNode p = open.putArray("paths");
      e.paths().forEach(p::add);
      openPaths = e.paths();
    }
    return out;
  }

  /** The plan: the erasable events by chain (ordered), merged over rounds and runs. */
  static final class Plan {
    private final Map<UUID, List<ErasableEvent>> byChain = new TreeMap<>(
        (a, b) -> a.toString().compareTo(b.toString()));

    static Plan of(JsonNode chains) {
      Plan p = new Plan();
      for (JsonNode c : chains) {
        UUID ws = UUID.fromString(c.get("workspace_id").asText());
        for (JsonNode e : c.get("events")) {
          List<String> paths = new ArrayList<>();
          e.get("paths").forEach(x -> paths.add(x.asText()));
          p.byChain.computeIfAbsent(ws, k -> new ArrayList<>()).add(new ErasableEvent(ws,
              e.get("seq").asLong(), UUID.fromString(e.get("event_id").asText()), paths));
        }
      }
      return p;
    }

    /** Adds events not yet planned (by event id); true when the plan grew. */
    boolean add(List<ErasableEvent> found) {
      boolean grew = false;
      for (ErasableEvent e : found) {
        List<ErasableEvent> chain = byChain.computeIfAbsent(e.workspaceId(),
            k -> new ArrayList<>());
        int at = -1;
        for (int i = 0; i < chain.size(); i++) {
          if (chain.get(i).eventId().equals(e.eventId())) {
            at = i;
          }
        }
        if (at < 0) {
          chain.add(e);
          chain.sort((a, b) -> Long.compare(a.seq(), b.seq()));
          grew = true;
        } else if (!chain.get(at).paths().containsAll(e.paths())) {
          List<String> paths = new ArrayList<>(chain.get(at).paths());
          e.paths().stream().filter(x -> !paths.contains(x)).forEach(paths::add);
          paths.sort(null);
          chain.set(at, new ErasableEvent(e.workspaceId(), e.seq(), e.eventId(), paths));
          grew = true;
        }
      }
      return grew;
    }

    long events() {
      return byChain.values().stream().mapToLong(List::size).sum();
    }

    long fields() {
      return byChain.values().stream().flatMap(List::stream).mapToLong(e -> e.paths().size())
          .sum();
    }

    ArrayNode toJson() {
      ArrayNode out = F.arrayNode();
      for (Map.Entry<UUID, List<ErasableEvent>> c : byChain.entrySet()) {
        ObjectNode chain = out.addObject().put("workspace_id", c.getKey().toString());
        ArrayNode events = chain.putArray("events");
        for (ErasableEvent e : c.getValue()) {
          ObjectNode o = events.addObject().put("seq", e.seq())
              .put("event_id", e.eventId().toString());
          ArrayNode p = o.putArray("paths");
          e.paths().forEach(p::add);
        }
      }
      return out;
    }
  }

  /** Builder of {@link GdprWorker}; each setter rejects a bad value at once. Not thread-safe. */
  public static final class Builder {
    private final GdprRequests requests;
    private final EventLog log;
    private final DataRegion region;
    private SubjectKeys keys;
    private SubjectTraces traces = SubjectTraces.NONE;
    private SubjectAccess access;
    private Proofs proofs;
    private Clock clock = Clock.systemUTC();
    private int batch = 50;
    private Step pause = step -> { };

    private Builder(GdprRequests requests, EventLog log, DataRegion region) {
      this.requests = Objects.requireNonNull(requests, "requests");
      this.log = Objects.requireNonNull(log, "log");
      this.region = Objects.requireNonNull(region, "region");
    }

    /**
     * The archive subject keys an erasure destroys (required).
     *
     * @param k the keys
     * @return this builder
     */
    public Builder subjectKeys(SubjectKeys k) {
      this.keys = Objects.requireNonNull(k, "subjectKeys");
      return this;
    }

    /**
     * Other records an erasure must reach (default: none).
     *
     * @param t the traces
     * @return this builder
     */
    public Builder traces(SubjectTraces t) {
      this.traces = Objects.requireNonNull(t, "traces");
      return this;
    }

    /**
     * What fulfils access requests (default: none; access requests then stay APPROVED).
     *
     * @param a the access exporter
     * @return this builder
     */
    public Builder access(SubjectAccess a) {
      this.access = Objects.requireNonNull(a, "access");
      return this;
    }

    /**
     * Signs checkpoints and lists earlier artefacts (required).
     *
     * @param p the proofs
     * @return this builder
     */
    public Builder proofs(Proofs p) {
      this.proofs = Objects.requireNonNull(p, "proofs");
      return this;
    }

    /**
     * The clock of claims, progress and completion (default: system UTC).
     *
     * @param c the clock
     * @return this builder
     */
    public Builder clock(Clock c) {
      this.clock = Objects.requireNonNull(c, "clock");
      return this;
    }

    /**
     * Requests claimed, and worked, per run (default 50).
     *
     * @param n 1..{@value GdprRequests#MAX_LIMIT}
     * @return this builder
     */
    public Builder batch(int n) {
      GdprRequests.requireLimit(n);
      this.batch = n;
      return this;
    }

    Builder pause(Step p) {
      this.pause = Objects.requireNonNull(p, "pause");
      return this;
    }

    /**
     * The worker.
     *
     * @return the worker
     * @throws IllegalStateException when subject keys or proofs are missing
     */
    public GdprWorker build() {
      if (keys == null || proofs == null) {
        throw new IllegalStateException("a GdprWorker needs subjectKeys and proofs");
      }
      return new GdprWorker(this);
    }
  }
}
