package io.hyrelog.webhook.dispatch;

import io.hyrelog.AuditEvent;
import io.hyrelog.EventJson;
import io.hyrelog.EventScope;
import io.hyrelog.HyrelogException;
import io.hyrelog.spi.EventStore;
import io.hyrelog.spi.WebhookStore;
import io.hyrelog.webhook.ClaimedDelivery;
import io.hyrelog.webhook.ClaimedRun;
import io.hyrelog.webhook.DeliveryAttempt;
import io.hyrelog.webhook.DeliveryOutcome;
import io.hyrelog.webhook.DeliveryStatus;
import io.hyrelog.webhook.RetrySchedule;
import io.hyrelog.webhook.SecretSealer;
import io.hyrelog.webhook.WebhookDelivery;
import io.hyrelog.webhook.WebhookEndpoint;
import io.hyrelog.webhook.WebhookResponse;
import io.hyrelog.webhook.WebhookSigner;
import io.hyrelog.webhook.WebhookTransport;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers webhook deliveries. Each claim first fans out ({@link WebhookStore#fanOut}: the
 * deliveries of the events appended since the last one are created, off the append path), then
 * claims runs from the {@link WebhookStore} (per endpoint up to {@code runLength} consecutive
 * due deliveries under one lease, so several processes share the work without sending one
 * delivery twice in the same attempt), reads a run's events from the {@link EventStore} in one
 * read, signs each ({@link WebhookSigner}, secrets opened by the {@link SecretSealer}), posts them
 * in seq order through the {@link WebhookTransport} (which keeps its connections alive), and
 * records the run with one {@link WebhookStore#completeRun}, the next state of each from the
 * {@link RetrySchedule}. A failed attempt ends its run: its delivery waits for its retry, the
 * later ones are released and stay behind it, so an endpoint's deliveries succeed in seq order.
 *
 * <p>Each run is delivered on its own task of a pool of {@code concurrency} threads, and no more
 * runs are claimed than there are free threads, so a slow endpoint holds one thread at most
 * (the store's claim rule keeps one run of an endpoint in flight at a time), for at most its
 * lease, and never delays the other endpoints while fewer than {@code
 * concurrency} endpoints are slow at once. Use {@link #start(Duration)} for the continuous
 * loop, or call {@link #runOnce()} from a scheduler of your own.
 *
 * <p>Failures of the dispatcher's own dependencies (the stores, a secret that does not open) are
 * not attempts: the run is left to its lease, which expires, and is claimed again; nothing is
 * lost and no attempt is used up. A lost lease (the store says the claim is no longer this
 * worker's) is logged and ignored: another worker has it. Logs carry ids and numbers, never
 * secrets, bodies or URLs.
 *
 * <p>Thread-safe. Close it to stop the loop and the pool.
 */
public final class WebhookDispatcher implements AutoCloseable {
  /** The reason recorded when {@link #disableFailing} disables an endpoint. */
  public static final String DISABLED_FAILING = "FAILING";
  /** The error class recorded when a delivery's event no longer exists in the event store. */
  public static final String EVENT_NOT_FOUND = "EVENT_NOT_FOUND";

  /** Events per endpoint one fan-out statement takes. */
  static final int FAN_OUT_BATCH = 2_000;
  /** Fan-out statements per claim at most (a longer backlog waits for the next claim). */
  static final int FAN_OUT_ROUNDS = 4;

  private static final Logger LOG = LoggerFactory.getLogger(WebhookDispatcher.class);

  private final WebhookStore store;
  private final EventStore events;
  private final WebhookTransport transport;
  private final SecretSealer sealer;
  private final Clock clock;
  private final String worker;
  private final Duration lease;
  private final int batchSize;
  private final int runLength;
  private final Duration attemptTimeout;
  private final Listener listener;
  private final Admission admission;
  private final Semaphore slots;
  private final ExecutorService pool;
  private volatile ScheduledExecutorService loop;
  private final AtomicBoolean wakeRequested = new AtomicBoolean();
  // Written and read on the loop's thread only, except wake()'s racy read (a hint).
  private volatile boolean failing;
  private volatile long pollMillis;

  private WebhookDispatcher(Builder b) {
    this.store = b.store;
    this.events = b.events;
    this.transport = b.transport;
    this.sealer = b.sealer;
    this.clock = b.clock;
    this.worker = b.worker;
    this.lease = b.lease;
    this.batchSize = b.batchSize;
    this.runLength = b.runLength;
    this.attemptTimeout = b.attemptTimeout;
    this.listener = b.listener;
    this.admission = b.admission;
    this.slots = new Semaphore(b.concurrency);
    AtomicInteger n = new AtomicInteger();
    this.pool = Executors.newFixedThreadPool(b.concurrency, r -> {
      Thread t = new Thread(r, "hyrelog-webhook-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * A builder of a dispatcher over these ports.
   *
   * @param store the webhook store
   * @param events the event store the deliveries' events are read from
   * @param transport sends one attempt (SSRF-safe in production)
   * @param sealer opens the endpoints' secrets
   * @return the builder
   */
  public static Builder builder(WebhookStore store, EventStore events,
      WebhookTransport transport, SecretSealer sealer) {
    return new Builder(store, events, transport, sealer);
  }

  /**
   * What one {@link #runOnce()} did.
   *
   * @param claimed deliveries claimed
   * @param succeeded attempts answered with 2xx
   * @param retrying failed attempts with another attempt scheduled
   * @param failed failed attempts after which the delivery is FAILED
   * @param leaseLost attempts made whose claim had passed to another worker (not recorded)
   * @param errors claimed deliveries not attempted because a dependency failed (left to their
   *     lease)
   * @param refused claimed deliveries not attempted because the {@link Admission} refused their
   *     endpoint, which is now disabled (the delivery stays PENDING)
   * @param released claimed deliveries not attempted because an earlier one of their run failed
   *     or the run's time ran out (released at once, still PENDING and due)
   */
  public record Outcome(int claimed, int succeeded, int retrying, int failed, int leaseLost,
      int errors, int refused, int released) {
    /** Nothing claimed. */
    public static final Outcome NONE = new Outcome(0, 0, 0, 0, 0, 0, 0, 0);

    Outcome plus(Result r) {
      return new Outcome(claimed + 1, succeeded + (r == Result.SUCCEEDED ? 1 : 0),
          retrying + (r == Result.RETRYING ? 1 : 0), failed + (r == Result.FAILED ? 1 : 0),
          leaseLost + (r == Result.LEASE_LOST ? 1 : 0), errors + (r == Result.ERROR ? 1 : 0),
          refused + (r == Result.REFUSED ? 1 : 0), released + (r == Result.RELEASED ? 1 : 0));
    }
  }

  /**
   * Hears what the dispatcher does, e.g. to meter it. Called on the dispatcher's threads; must
   * be thread-safe and quick; what it throws is logged and ignored.
   */
  public interface Listener {
    /**
     * An attempt was made and recorded.
     *
     * @param claim the claimed delivery (before the attempt)
     * @param attempt the attempt
     * @param next the delivery's state after it
     */
    default void attempted(ClaimedDelivery claim, DeliveryAttempt attempt, DeliveryStatus next) {}

    /**
     * An attempt was made but not recorded: the claim had passed to another worker.
     *
     * @param claim the claimed delivery
     */
    default void leaseLost(ClaimedDelivery claim) {}

    /**
     * Endpoints were disabled for failing {@link RetrySchedule#DISABLE_AFTER}.
     *
     * @param endpoints the endpoints disabled
     */
    default void disabled(List<WebhookEndpoint> endpoints) {}

    /**
     * An endpoint was disabled because the {@link Admission} refused it.
     *
     * @param endpoint the endpoint, now disabled
     */
    default void refused(WebhookEndpoint endpoint) {}
  }

  /**
   * Whether an endpoint may receive deliveries now, asked before every attempt: e.g. whether its
   * company's plan still includes webhooks. A refused endpoint is disabled with the reason given
   * (its endpoint and its pending deliveries are kept; enabling it again resumes them), and the
   * claimed delivery is not attempted. Must be thread-safe and quick: cache what it reads.
   */
  @FunctionalInterface
  public interface Admission {
    /** Admits every endpoint (the default). */
    Admission ALL = endpoint -> Optional.empty();

    /**
     * Decides for one endpoint.
     *
     * @param endpoint an enabled endpoint with a claimed delivery
     * @return empty to send, or the reason to disable the endpoint with (1..500 characters, a
     *     stable code such as {@code PLAN_RESTRICTED})
     */
    Optional<String> refusal(WebhookEndpoint endpoint);
  }

  private enum Result { SUCCEEDED, RETRYING, FAILED, LEASE_LOST, ERROR, REFUSED, RELEASED }

  /**
   * Fans out, then claims as many runs as there are free threads (at most the batch size),
   * delivers each run on its own task and waits for them.
   *
   * @return what it did
   * @throws RuntimeException what the store's fan-out or claim throws (nothing claimed)
   */
  public Outcome runOnce() {
    fanOut();
    List<Future<List<Result>>> tasks = claimAndSubmit();
    Outcome out = Outcome.NONE;
    boolean interrupted = false;
    for (Future<List<Result>> f : tasks) {
      while (true) {
        try {
          for (Result r : f.get()) {
            out = out.plus(r);
          }
          break;
        } catch (InterruptedException e) {
          interrupted = true;
        } catch (ExecutionException e) {
          out = out.plus(Result.ERROR);
          break;
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    return out;
  }

  /**
   * Creates the deliveries of the events appended since the last fan-out ({@link
   * WebhookStore#fanOut}), in batches of {@value #FAN_OUT_BATCH} events per endpoint, up to
   * {@value #FAN_OUT_ROUNDS} batches per call (the loop calls it on every claim, so a longer
   * backlog is taken over the next claims).
   *
   * @throws RuntimeException what the store throws (what was fanned out stays)
   */
  public void fanOut() {
    for (int i = 0; i < FAN_OUT_ROUNDS && store.fanOut(FAN_OUT_BATCH); i++) {
      LOG.debug("webhook fan-out: more than {} events behind; another batch", FAN_OUT_BATCH);
    }
  }

  /**
   * Starts the continuous loop: every {@code pollInterval}, and at once whenever a run ends,
   * fans out and claims as many runs as there are free threads and starts them, without
   * waiting for the ones in flight. So a busy endpoint gets its next run as soon as the
   * previous one is recorded, not a poll later; the interval bounds how late new events and
   * retries that came due are noticed: while the loop runs, an appended event's deliveries
   * exist (PENDING) at most one interval plus one fan-out after its commit, whether or not
   * their endpoints answer. Outcomes reach the {@link Listener}.
   *
   * @param pollInterval the wait between claims, 10 ms to 1 min
   * @throws IllegalStateException when already started or closed
   */
  public synchronized void start(Duration pollInterval) {
    Objects.requireNonNull(pollInterval, "pollInterval");
    if (pollInterval.compareTo(Duration.ofMillis(10)) < 0
        || pollInterval.compareTo(Duration.ofMinutes(1)) > 0) {
      throw new IllegalArgumentException("pollInterval must be 10 ms..1 min, got "
          + pollInterval);
    }
    if (loop != null || pool.isShutdown()) {
      throw new IllegalStateException("the dispatcher was already started or is closed");
    }
    loop = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "hyrelog-webhook-claim");
      t.setDaemon(true);
      return t;
    });
    this.pollMillis = pollInterval.toMillis();
    loop.scheduleWithFixedDelay(this::poll, 0, pollMillis, TimeUnit.MILLISECONDS);
    LOG.info("webhook dispatcher {} started: {} threads, lease {} s, batch {}", worker,
        slots.availablePermits(), lease.toSeconds(), batchSize);
  }

  /**
   * Disables every enabled endpoint that has been failing since {@link
   * RetrySchedule#DISABLE_AFTER} before {@code now} or longer, recording the reason {@value
   * #DISABLED_FAILING}.
   *
   * @param now the current time
   * @return the endpoints disabled
   */
  public List<WebhookEndpoint> disableFailing(Instant now) {
    List<WebhookEndpoint> off = store.disableFailing(now.minus(RetrySchedule.DISABLE_AFTER),
        DISABLED_FAILING, now);
    if (!off.isEmpty()) {
      LOG.info("disabled {} webhook endpoints failing for {} days: {}", off.size(),
          RetrySchedule.DISABLE_AFTER.toDays(), off.stream().map(WebhookEndpoint::id).toList());
      try {
        listener.disabled(off);
      } catch (RuntimeException e) {
        LOG.warn("webhook listener failed: {}", describe(e));
      }
    }
    return off;
  }

  /**
   * One claim of the loop, on the loop's thread: on a timer, and at once after an attempt ends
   * ({@link #wake}), so an endpoint's next delivery does not wait for the next poll.
   */
  private void poll() {
    wakeRequested.set(false);
    try {
      fanOut();
      claimAndSubmit();
      if (failing) {
        failing = false;
        LOG.info("webhook claims work again");
      }
    } catch (RuntimeException e) {
      // WARN once per run of failures, not on every poll.
      if (!failing) {
        failing = true;
        LOG.warn("webhook claim failed ({}); trying again every {} ms", describe(e),
            pollMillis);
      } else {
        LOG.debug("webhook claim failed again ({})", describe(e));
      }
    }
  }

  /**
   * Asks the loop, if it runs, for a claim now: an attempt ended, so its thread is free and its
   * endpoint's next delivery may be due. Requests made while one is pending are one claim; while
   * claims fail (the store is down) only the timer claims, so a failing store is not hammered.
   */
  private void wake() {
    ScheduledExecutorService l = loop;
    if (l == null || failing || !wakeRequested.compareAndSet(false, true)) {
      return;
    }
    try {
      l.execute(this::poll);
    } catch (RejectedExecutionException e) {
      wakeRequested.set(false); // closed
    }
  }

  private List<Future<List<Result>>> claimAndSubmit() {
    int free = slots.drainPermits();
    int n = Math.min(free, batchSize);
    slots.release(free - n);
    if (n == 0) {
      return List.of();
    }
    List<ClaimedRun> claimed;
    try {
      claimed = store.claimRuns(clock.instant(), n, runLength, lease, worker);
    } catch (RuntimeException e) {
      slots.release(n);
      throw e;
    }
    slots.release(n - claimed.size());
    List<Future<List<Result>>> tasks = new ArrayList<>(claimed.size());
    for (ClaimedRun run : claimed) {
      try {
        tasks.add(pool.submit(() -> {
          try {
            return deliver(run);
          } finally {
            slots.release();
            wake();
          }
        }));
      } catch (RejectedExecutionException e) {
        slots.release();
        LOG.debug("dispatcher closed: a run of endpoint {} is left to its lease",
            run.endpoint().id());
      }
    }
    return tasks;
  }

  /**
   * Delivers one run in seq order and records it with one {@link WebhookStore#completeRun}: the
   * attempts made, and the release of the deliveries not attempted. A failed attempt ends the
   * run (its delivery gets its retry time; the later ones are released, still behind it in seq
   * order), and so does the lease: no attempt but the first starts later than {@code
   * attemptTimeout} before the lease ends, so every attempt the transport bounds by that
   * timeout ends inside the lease.
   */
  private List<Result> deliver(ClaimedRun run) {
    WebhookEndpoint ep = run.endpoint();
    List<ClaimedDelivery> claims = run.claims();
    List<Result> results = new ArrayList<>(claims.size());
    List<DeliveryOutcome> outcomes = new ArrayList<>(claims.size());
    List<ClaimedDelivery> attempted = new ArrayList<>(claims.size());
    int next = 0;
    try {
      if (!ep.enabled()) {
        LOG.debug("endpoint {} is disabled; its run of {} is left to its lease", ep.id(),
            claims.size());
        return Collections.nCopies(claims.size(), Result.ERROR);
      }
      Map<UUID, AuditEvent> found = events.find(EventScope.workspace(ep.companyId(),
          ep.workspaceId()), run.deliveries().stream().map(WebhookDelivery::eventId).toList());
      Instant lastStart = run.leaseUntil().minus(attemptTimeout);
      Optional<String> refusal = Optional.empty();
      for (; next < claims.size(); next++) {
        if (next > 0 && clock.instant().isAfter(lastStart)) {
          break; // this attempt could outlast the lease: another worker may claim it then
        }
        refusal = admission.refusal(ep);
        if (refusal.isPresent()) {
          break;
        }
        ClaimedDelivery c = claims.get(next);
        DeliveryOutcome o = attempt(c, found.get(c.delivery().eventId()));
        outcomes.add(o);
        attempted.add(c);
        if (!o.attempt().response().succeeded() && found.containsKey(c.delivery().eventId())) {
          next++;
          break; // the endpoint failed: the rest waits behind this delivery's retry
        }
      }
      if (refusal.isPresent()) {
        Optional<WebhookEndpoint> off = store.setEnabled(ep.companyId(), ep.id(), false,
            refusal.get(), clock.instant());
        LOG.info("endpoint {} refused ({}): disabled, {} deliveries kept PENDING", ep.id(),
            refusal.get(), claims.size() - next);
        off.ifPresent(e -> notify(() -> listener.refused(e)));
      }
      List<UUID> released = claims.subList(next, claims.size()).stream()
          .map(c -> c.delivery().id()).toList();
      Set<UUID> recorded = store.completeRun(worker, outcomes, released);
      for (int i = 0; i < outcomes.size(); i++) {
        results.add(recorded(attempted.get(i), outcomes.get(i), recorded));
      }
      Result rest = refusal.isPresent() ? Result.REFUSED : Result.RELEASED;
      results.addAll(Collections.nCopies(released.size(), rest));
      return results;
    } catch (RuntimeException e) {
      LOG.warn("run of endpoint {} (seq {}..{}): {} attempts made, not recorded ({}); its"
          + " deliveries are claimed again when the lease ends", ep.id(),
          run.deliveries().get(0).seq(), run.deliveries().get(claims.size() - 1).seq(),
          outcomes.size(), describe(e));
      return Collections.nCopies(claims.size(), Result.ERROR);
    }
  }

  /** One attempt of one claimed delivery: signs and posts its event (or fails without it). */
  private DeliveryOutcome attempt(ClaimedDelivery c, AuditEvent event) {
    WebhookDelivery d = c.delivery();
    int number = d.attempts() + 1;
    Instant at = clock.instant();
    WebhookResponse response;
    if (event == null) {
      LOG.warn("delivery {} of endpoint {}: event {} (seq {}) is no longer in the event store;"
          + " the delivery fails", d.id(), d.endpointId(), d.eventId(), d.seq());
      response = new WebhookResponse(0, Duration.ZERO, EVENT_NOT_FOUND, "");
    } else {
      byte[] body = EventJson.toBytes(event);
      Map<String, String> headers = sealer.signer(d.endpointId(), c.secrets(), at)
          .headers(d.id().toString(), at.getEpochSecond(), body);
      response = Objects.requireNonNull(transport.post(c.endpoint().url(), headers, body),
          "the transport returned no response");
    }
    DeliveryAttempt attempt = new DeliveryAttempt(number, at, response);
    if (response.succeeded()) {
      return new DeliveryOutcome(d.id(), attempt, DeliveryStatus.SUCCEEDED, Optional.empty());
    }
    Optional<Instant> nextAt = event == null ? Optional.empty()
        : RetrySchedule.nextAttempt(number, clock.instant());
    return new DeliveryOutcome(d.id(), attempt,
        nextAt.isPresent() ? DeliveryStatus.PENDING : DeliveryStatus.FAILED, nextAt);
  }

  /** Tells the listener what became of one attempt. */
  private Result recorded(ClaimedDelivery c, DeliveryOutcome o, Set<UUID> recorded) {
    WebhookDelivery d = c.delivery();
    DeliveryAttempt attempt = o.attempt();
    if (!recorded.contains(d.id())) {
      LOG.warn("delivery {} of endpoint {}: attempt {} was made but the lease had passed to"
          + " another worker; not recorded", d.id(), d.endpointId(), attempt.number());
      notify(() -> listener.leaseLost(c));
      return Result.LEASE_LOST;
    }
    LOG.debug("delivery {} of endpoint {} (seq {}): attempt {} -> {} {}, now {}", d.id(),
        d.endpointId(), d.seq(), attempt.number(), attempt.response().statusCode(),
        attempt.response().errorClass(), o.next());
    notify(() -> listener.attempted(c, attempt, o.next()));
    return switch (o.next()) {
      case SUCCEEDED -> Result.SUCCEEDED;
      case PENDING -> Result.RETRYING;
      case FAILED -> Result.FAILED;
    };
  }

  private static void notify(Runnable call) {
    try {
      call.run();
    } catch (RuntimeException e) {
      LOG.warn("webhook listener failed: {}", describe(e));
    }
  }

  /** An exception for a log line: our own messages carry no secrets; others only their class. */
  private static String describe(RuntimeException e) {
    return e instanceof HyrelogException ? e.getClass().getSimpleName() + ": " + e.getMessage()
        : e.getClass().getName();
  }

  /**
   * Stops the loop and the pool, waiting up to the lease for attempts in flight; deliveries not
   * finished by then are claimed again after their lease.
   */
  @Override
  public void close() {
    ScheduledExecutorService l;
    synchronized (this) {
      l = loop;
    }
    if (l != null) {
      l.shutdownNow();
    }
    pool.shutdown();
    try {
      if (!pool.awaitTermination(lease.toMillis(), TimeUnit.MILLISECONDS)) {
        pool.shutdownNow();
      }
    } catch (InterruptedException e) {
      pool.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "WebhookDispatcher[" + worker + "]";
  }

  /** Builds a {@link WebhookDispatcher}; each setter rejects a bad value at once. */
  public static final class Builder {
    private final WebhookStore store;
    private final EventStore events;
    private final WebhookTransport transport;
    private final SecretSealer sealer;
    private Clock clock = Clock.systemUTC();
    private String worker = "hyrelog-" + ProcessHandle.current().pid() + "-"
        + UUID.randomUUID().toString().substring(0, 8);
    private Duration lease = Duration.ofSeconds(60);
    private int batchSize = 50;
    private int runLength = 50;
    private Duration attemptTimeout = Duration.ofSeconds(15);
    private int concurrency = 8;
    private Listener listener = new Listener() {};
    private Admission admission = Admission.ALL;

    private Builder(WebhookStore store, EventStore events, WebhookTransport transport,
        SecretSealer sealer) {
      this.store = Objects.requireNonNull(store, "store");
      this.events = Objects.requireNonNull(events, "events");
      this.transport = Objects.requireNonNull(transport, "transport");
      this.sealer = Objects.requireNonNull(sealer, "sealer");
    }

    /**
     * The clock of claims, attempts and retry times (default: the system's UTC clock).
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * The worker's name, stored with its leases (default: {@code hyrelog-<pid>-<random>}).
     *
     * @param worker 1..100 characters, unique per dispatcher across processes
     * @return this builder
     */
    public Builder worker(String worker) {
      Objects.requireNonNull(worker, "worker");
      if (worker.isBlank() || worker.length() > 100) {
        throw new IllegalArgumentException("worker must be 1..100 characters and not blank,"
            + " got " + worker.length() + " characters");
      }
      this.worker = worker;
      return this;
    }

    /**
     * How long a claim holds (default 60 s); longer than the transport's whole-request timeout.
     *
     * @param lease 1 s..1 h
     * @return this builder
     */
    public Builder lease(Duration lease) {
      Objects.requireNonNull(lease, "lease");
      if (lease.compareTo(Duration.ofSeconds(1)) < 0 || lease.compareTo(Duration.ofHours(1)) > 0) {
        throw new IllegalArgumentException("lease must be 1 s..1 h, got " + lease);
      }
      this.lease = lease;
      return this;
    }

    /**
     * The most runs (endpoints) one claim takes (default 50).
     *
     * @param batchSize 1..{@value WebhookStore#MAX_CLAIM}
     * @return this builder
     */
    public Builder batchSize(int batchSize) {
      if (batchSize < 1 || batchSize > WebhookStore.MAX_CLAIM) {
        throw new IllegalArgumentException("batchSize must be 1.." + WebhookStore.MAX_CLAIM
            + ", got " + batchSize);
      }
      this.batchSize = batchSize;
      return this;
    }

    /**
     * The most deliveries of one endpoint one claim takes, delivered one after the other on
     * one thread (default 50).
     *
     * @param runLength 1..{@value WebhookStore#MAX_RUN}
     * @return this builder
     */
    public Builder runLength(int runLength) {
      if (runLength < 1 || runLength > WebhookStore.MAX_RUN) {
        throw new IllegalArgumentException("runLength must be 1.." + WebhookStore.MAX_RUN
            + ", got " + runLength);
      }
      this.runLength = runLength;
      return this;
    }

    /**
     * The longest one attempt takes, as the transport bounds it (default 15 s, the whole-request
     * deadline of {@code HttpWebhookTransport}): a run starts no further attempt once less than
     * this is left of its lease, so no attempt outlives the lease.
     *
     * @param attemptTimeout 1 s..1 h, shorter than the lease (checked by {@link #build()})
     * @return this builder
     */
    public Builder attemptTimeout(Duration attemptTimeout) {
      Objects.requireNonNull(attemptTimeout, "attemptTimeout");
      if (attemptTimeout.compareTo(Duration.ofSeconds(1)) < 0
          || attemptTimeout.compareTo(Duration.ofHours(1)) > 0) {
        throw new IllegalArgumentException("attemptTimeout must be 1 s..1 h, got "
            + attemptTimeout);
      }
      this.attemptTimeout = attemptTimeout;
      return this;
    }

    /**
     * How many runs (endpoints) are delivered at once, each on its own thread (default 8).
     *
     * @param concurrency 1..256
     * @return this builder
     */
    public Builder concurrency(int concurrency) {
      if (concurrency < 1 || concurrency > 256) {
        throw new IllegalArgumentException("concurrency must be 1..256, got " + concurrency);
      }
      this.concurrency = concurrency;
      return this;
    }

    /**
     * Hears attempts, lost leases and disablements (default: nothing).
     *
     * @param listener the listener
     * @return this builder
     */
    public Builder listener(Listener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * Decides before every attempt whether the endpoint may receive deliveries now (default:
     * {@link Admission#ALL}).
     *
     * @param admission the admission
     * @return this builder
     */
    public Builder admission(Admission admission) {
      this.admission = Objects.requireNonNull(admission, "admission");
      return this;
    }

    /**
     * The dispatcher (its pool starts now; close it).
     *
     * @return the dispatcher
     * @throws IllegalArgumentException when the attempt timeout is not shorter than the lease
     */
    public WebhookDispatcher build() {
      if (attemptTimeout.compareTo(lease) >= 0) {
        throw new IllegalArgumentException("attemptTimeout (" + attemptTimeout + ") must be"
            + " shorter than the lease (" + lease + ")");
      }
      return new WebhookDispatcher(this);
    }
  }
}
