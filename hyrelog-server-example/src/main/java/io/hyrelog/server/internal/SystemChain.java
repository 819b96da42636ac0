package io.hyrelog.server.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hyrelog.Actor;
import io.hyrelog.ApiKey;
import io.hyrelog.Company;
import io.hyrelog.Metadata;
import io.hyrelog.NewEvent;
import io.hyrelog.RequestContext;
import io.hyrelog.Resource;
import io.hyrelog.Workspace;
import io.hyrelog.WorkspaceRef;
import io.hyrelog.HyrelogException;
import io.hyrelog.IdSource;
import io.hyrelog.spi.ChangeLog;
import io.hyrelog.spi.IdempotencyConflictException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Each company's system chain: HyreLog's own tamper-evident record of the company's
 * administration, appended to the chain of the company's reserved system workspace ({@link
 * Workspace#systemId}, created the first time it is used: {@link Tenancy#systemWorkspace}). The
 * chain is read, exported and verified like any other ({@code /v1/chains/{id}/…} with a
 * company key); nothing but this class writes to it.
 *
 * <p>Every event has category {@value #CATEGORY}, the action's name as its action (the admin
 * audit log's names, e.g. {@code key.revoke}, {@code admin.key.create}), the actor ({@link
 * #keyActor} or {@link #dashboardActor}), the target as its resource ({@code kind:id}, e.g.
 * {@code api_key:<id>}), the details as metadata, the time of the change as its timestamp and
 * {@code system-chain:<record id>} as its idempotency key. Callers record ids, prefixes, enums
 * and numbers only: never a secret, a key, a URL or a payload.
 *
 * <p>A change and its record commit together (a transactional outbox, {@link ChangeLog}):
 * {@link #change} runs the change in a unit of work of the company's region, {@link #record}
 * checks the record (a malformed one refuses the change) and writes it into the same
 * transaction. After the commit, {@link #change} appends the unit's records to their chains
 * before the reply; when that fails (the event store is saturated or down, the process dies),
 * the request still succeeds — its change is made and recorded — and the {@value #DRAIN_JOB}
 * job appends the record within a minute. The idempotency key makes a repeated append (two
 * drains racing, a crash between the append and the removal of the record) a replay, so each
 * record is in the chain exactly once; records of one company are appended in the order their
 * changes committed, whichever process made them. Thread-safe.
 */
public final class SystemChain {
  /** The category of every system chain event. */
  public static final String CATEGORY = "hyrelog.admin";
  /** The job that appends the records a request could not append ({@code SystemChainJob}). */
  public static final String DRAIN_JOB = "system_chain.drain";
  /** The prefix of every system chain event's idempotency key (then the record's id). */
  public static final String IDEMPOTENCY_PREFIX = "system-chain:";
  private static final Logger LOG = LoggerFactory.getLogger(SystemChain.class);
  private static final Pattern ACTION =
      Pattern.compile("[a-z][a-z0-9_]{0,31}(\\.[a-z][a-z0-9_]{0,31}){0,5}");
  private static final Pattern TARGET =
      Pattern.compile("([a-z][a-z0-9_]{0,31}):([\\x21-\\x7e]{1,128})");
  /**
   * Records older than this are appended with the time of the append as their timestamp (the
   * event limits refuse timestamps older than 30 days); the record's time stays in the change
   * log until then.
   */
  private static final Duration TIMESTAMP_HORIZON = Duration.ofDays(29);

  /** The unit of work of the calling thread: the companies recorded and what runs after it. */
  private static final class Unit {
    final Set<Company> recorded = new LinkedHashSet<>();
    final List<Runnable> afterCommit = new ArrayList<>();
  }

  private final Regions regions;
  private final Tenancy tenancy;
  private final Clock clock;
  private final IdSource ids;
  private final ThreadLocal<Unit> unit = new ThreadLocal<>();

  public SystemChain(Regions regions, Tenancy tenancy, Clock clock) {
    this.regions = Objects.requireNonNull(regions, "regions");
    this.tenancy = Objects.requireNonNull(tenancy, "tenancy");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.ids = IdSource.secure(clock);
  }

  /** The actor of an action taken with an API key: {@code api_key:<id>}, its type as role. */
  public static Actor keyActor(ApiKey key) {
    return new Actor("api_key:" + key.id(), null, key.type().name() + "_KEY", null);
  }

  /** The actor of a dashboard action: {@code dashboard_user:<id>}, their email and role. */
  public static Actor dashboardActor(String userId, String email, String role) {
    return new Actor("dashboard_user:" + userId, email, role, null);
  }

  /**
   * Runs {@code work} — a change and its {@link #record}s — as one unit of work in every served
   * region's database (a connection is taken only where the work touches one): the change and
   * its records commit together, or neither when it throws (the exception passes). Then appends
   * the records to their chains; a failure to append is logged and left to the {@value
   * #DRAIN_JOB} job, never thrown. Nested calls join the outer unit.
   *
   * @return what {@code work} returned
   */
  public <T> T change(Supplier<T> work) {
    Objects.requireNonNull(work, "work");
    if (unit.get() != null) {
      return work.get();
    }
    Unit u = new Unit();
    unit.set(u);
    T result;
    try {
      result = atomically(new ArrayList<>(regions.all()), work);
    } finally {
      unit.remove();
    }
    u.afterCommit.forEach(Runnable::run);
    for (Company c : u.recorded) {
      try {
        drain(regions.of(c), regions.of(c).changes(), c.id());
      } catch (RuntimeException e) {
        // Only the type and the company: the record stays in the change log for the job.
        LOG.warn("system chain of company {}: appending its new record failed ({}); the {} job"
            + " appends it", c.id(), e.getClass().getSimpleName(), DRAIN_JOB);
      }
    }
    return result;
  }

  /** Nests one unit of work per region's change log, so every region's stores join. */
  private static <T> T atomically(List<Region> regions, Supplier<T> work) {
    if (regions.isEmpty()) {
      return work.get();
    }
    List<Region> rest = regions.subList(1, regions.size());
    return regions.get(0).changes().atomically(() -> atomically(rest, work));
  }

  /**
   * Runs {@code action} once the calling thread's {@link #change} committed (at once outside
   * one): for what must not happen before the change is visible, e.g. dropping a cached key.
   */
  public void afterCommit(Runnable action) {
    Objects.requireNonNull(action, "action");
    Unit u = unit.get();
    if (u == null) {
      action.run();
    } else {
      u.afterCommit.add(action);
    }
  }

  /**
   * Records one action for {@code company}'s system chain, in the transaction of the {@link
   * #change} that runs on the calling thread.
   *
   * @param company the company the action concerns
   * @param action the action's name: lowercase dotted words, e.g. {@code key.revoke}
   * @param actor who took it ({@link #keyActor}, {@link #dashboardActor})
   * @param target what it acted on, {@code kind:id} such as {@code api_key:<uuid>}, or null
   * @param details ids, prefixes, enums and numbers (copied; never a secret)
   * @param context the request it came with ({@link RequestPipeline#requestContext}), or null
   *     for a background job
   * @throws IllegalArgumentException when the action or target is malformed (the change is
   *     then rolled back)
   * @throws IllegalStateException outside {@link #change}
   * @throws io.hyrelog.HyrelogException when the record cannot be stored (the change is then
   *     rolled back)
   */
  public void record(Company company, String action, Actor actor, String target,
      ObjectNode details, RequestContext context) {
    Objects.requireNonNull(company, "company");
    Objects.requireNonNull(actor, "actor");
    Objects.requireNonNull(details, "details");
    if (action == null || !ACTION.matcher(action).matches()) {
      throw new IllegalArgumentException("action must be lowercase dotted words, got "
          + (action == null ? "null" : action.length() + " characters"));
    }
    if (target != null) {
      resource(target);
    }
    Unit u = unit.get();
    if (u == null) {
      throw new IllegalStateException("a system chain record is written inside change(…), in"
          + " the transaction of the change it records");
    }
    regions.of(company).changes().record(new ChangeLog.Change(ids.newEventId(), company.id(),
        clock.instant(), action, actor, Optional.ofNullable(target), details,
        Optional.ofNullable(context)));
    u.recorded.add(company);
  }

  private static Resource resource(String target) {
    var m = TARGET.matcher(target);
    if (!m.matches()) {
      throw new IllegalArgumentException("target must be kind:id, got " + target.length()
          + " characters");
    }
    return new Resource(m.group(1), m.group(2));
  }

  /**
   * Appends the waiting records of a company of {@code region} from {@code changes} (the
   * region's {@link Region#changes()} or {@link Region#jobChanges()}) to its system chain, in
   * commit order, each once.
   *
   * @return how many were appended
   * @throws io.hyrelog.HyrelogException when one cannot be appended (it and the later ones
   *     stay)
   */
  public int drain(Region region, ChangeLog changes, UUID companyId) {
    Company company = tenancy.company(region.id(), companyId).orElseThrow(
        () -> new HyrelogException("the change log of region " + region.id() + " holds records"
            + " of company " + companyId + ", which it does not have"));
    WorkspaceRef chain = WorkspaceRef.of(company, tenancy.systemWorkspace(company));
    int total = 0;
    int n;
    do {
      n = changes.drain(companyId, ChangeLog.MAX_LIMIT, c -> append(region, chain, c));
      total += n;
    } while (n == ChangeLog.MAX_LIMIT);
    return total;
  }

  private void append(Region region, WorkspaceRef chain, ChangeLog.Change c) {
    boolean recent = c.at().isAfter(clock.instant().minus(TIMESTAMP_HORIZON));
    NewEvent e = NewEvent.builder(CATEGORY, c.action()).timestamp(recent ? c.at() : null)
        .actor(c.actor()).resource(c.target().map(SystemChain::resource).orElse(null))
        .metadata(Metadata.of(c.details())).context(c.context().orElse(null))
        .idempotencyKey(IDEMPOTENCY_PREFIX + c.id()).build();
    try {
      region.log().append(chain, e);
    } catch (IdempotencyConflictException stored) {
      // Only this class writes this chain and these keys: the record is in the chain already,
      // appended when it was recent enough to carry its own timestamp.
    }
  }
}
