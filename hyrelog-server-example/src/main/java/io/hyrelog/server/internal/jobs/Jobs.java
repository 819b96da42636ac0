package io.hyrelog.server.internal.jobs;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hyrelog.DataRegion;
import io.hyrelog.HyrelogException;
import io.hyrelog.jobs.JobRegistry;
import io.hyrelog.jobs.JobRun;
import io.hyrelog.server.internal.Region;
import io.hyrelog.server.internal.Regions;
import java.time.Clock;
import java.time.Instant;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's background jobs: one {@link RegionScheduler} per region database, all knowing
 * the same job types. Built by the composition root after the migrations; {@link #start()}
 * begins polling (unless jobs are disabled in this process); {@link #close()} stops it, before
 * the pools close. Thread-safe.
 */
public final class Jobs implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Jobs.class);
  private final Map<String, ServerJob> jobs;
  private final Map<DataRegion, RegionScheduler> regions;
  private final JobSettings settings;

  private Jobs(Map<String, ServerJob> jobs, Map<DataRegion, RegionScheduler> regions,
      JobSettings settings) {
    this.jobs = Collections.unmodifiableMap(jobs);
    this.regions = Collections.unmodifiableMap(regions);
    this.settings = settings;
  }

  /**
   * A scheduler for each region, on its jobs' pool (not started).
   *
   * @throws IllegalArgumentException when two jobs share a type
   */
  public static Jobs create(List<ServerJob> jobs, Regions served, JobSettings settings,
      Clock clock) {
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(clock, "clock");
    Map<String, ServerJob> byType = new LinkedHashMap<>();
    for (ServerJob j : jobs) {
      if (byType.putIfAbsent(j.type(), j) != null) {
        throw new IllegalArgumentException("job type " + j.type() + " is registered twice");
      }
    }
    Map<DataRegion, RegionScheduler> regions = new EnumMap<>(DataRegion.class);
    try {
      for (Region r : served) {
        JobRegistry.Builder b = JobRegistry.builder();
        byType.values().forEach(j -> b.add(j.definition(r.id())));
        regions.put(r.id(), new RegionScheduler(r.id().name(), r.pools().jobs(), b.build(),
            settings, clock));
      }
    } catch (RuntimeException e) {
      regions.values().forEach(RegionScheduler::close);
      throw e;
    }
    return new Jobs(byType, regions, settings);
  }

  /** Starts every region's scheduler, unless jobs are disabled in this process. */
  public void start() {
    if (!settings.enabled()) {
      LOG.info("background jobs are disabled in this process (HYRELOG_JOBS_ENABLED=false)");
      return;
    }
    regions.values().forEach(RegionScheduler::start);
    LOG.info("background jobs running for {} as worker {}: {}", regions.keySet(),
        settings.workerName(), jobs.keySet());
  }

  public JobSettings settings() {
    return settings;
  }

  /** The registered jobs, in registration order. */
  public List<ServerJob> jobs() {
    return List.copyOf(jobs.values());
  }

  public Optional<ServerJob> job(String type) {
    return Optional.ofNullable(jobs.get(type));
  }

  public Set<DataRegion> regions() {
    return regions.keySet();
  }

  /**
   * The scheduler of a region.
   *
   * @throws HyrelogException when the region has no database here
   */
  public RegionScheduler region(DataRegion r) {
    RegionScheduler s = regions.get(r);
    if (s == null) {
      throw new HyrelogException("no database is configured for region " + r);
    }
    return s;
  }

  /** See {@link RegionScheduler#runNow}. */
  public JobRun runNow(String type, DataRegion region, Instant asOf, ObjectNode input) {
    return region(region).runNow(type, asOf, input);
  }

  /** See {@link RegionScheduler#enqueue}. */
  public JobRun enqueue(String type, DataRegion region, Instant asOf, ObjectNode input) {
    return region(region).enqueue(type, asOf, input);
  }

  /** The run with this id, in whichever region's history holds it. */
  public Optional<JobRun> find(UUID runId) {
    for (RegionScheduler s : regions.values()) {
      Optional<JobRun> r = s.runs().find(runId);
      if (r.isPresent()) {
        return r;
      }
    }
    return Optional.empty();
  }

  @Override
  public void close() {
    regions.values().forEach(RegionScheduler::close);
  }

  @Override
  public String toString() {
    return "Jobs" + jobs.keySet() + regions.keySet();
  }
}
