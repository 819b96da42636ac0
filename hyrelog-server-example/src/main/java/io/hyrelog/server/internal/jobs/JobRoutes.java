package io.hyrelog.server.internal.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hyrelog.DataRegion;
import io.hyrelog.ProblemList;
import io.hyrelog.jobs.InvalidJobInputException;
import io.hyrelog.jobs.JobInputSchema;
import io.hyrelog.jobs.JobPolicy;
import io.hyrelog.jobs.JobRun;
import io.hyrelog.server.internal.ApiException;
import io.hyrelog.server.internal.ErrorCode;
import io.hyrelog.server.internal.Json;
import io.hyrelog.server.internal.JsonBody;
import io.hyrelog.server.internal.Requests;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The operators' job routes, behind the {@code x-internal-token} header: {@code GET /ops/jobs},
 * {@code POST /ops/jobs/{job_id}/run}, {@code GET /ops/jobs/runs/{run_id}}. Field names are
 * snake_case, as the operations runbook reads them; a job's id is its type.
 */
public final class JobRoutes {
  private static final int MAX_BODY = 64 * 1024;
  private static final Set<String> RUN_FIELDS = Set.of("asOf", "input", "region", "wait");
  private final Jobs jobs;
  private final byte[] token;

  public JobRoutes(Jobs jobs, String internalToken) {
    this.jobs = jobs;
    this.token = internalToken.getBytes(StandardCharsets.UTF_8);
  }

  private void authorize(Context ctx) {
    String given = ctx.header("x-internal-token");
    if (given == null || !MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8),
        token)) {
      throw new ApiException(ErrorCode.UNAUTHORIZED, "send the operator token in the"
          + " x-internal-token header");
    }
  }

  /** {@code GET /ops/jobs?active_only=true|false}. */
  public void list(Context ctx) {
    authorize(ctx);
    Map<String, String> q = Requests.query(ctx, Set.of("active_only"));
    boolean activeOnly = false;
    if (q.containsKey("active_only")) {
      String v = q.get("active_only").toLowerCase(Locale.ROOT);
      if (!v.equals("true") && !v.equals("false")) {
        throw ApiException.validation("active_only", "INVALID_FORMAT",
            "active_only must be true or false");
      }
      activeOnly = v.equals("true");
    }
    ObjectNode body = Json.object();
    body.put("jobs_enabled", jobs.settings().enabled());
    ArrayNode list = body.putArray("jobs");
    for (ServerJob j : jobs.jobs()) {
      boolean active = j.policy().schedule().isPresent();
      if (activeOnly && !active) {
        continue;
      }
      ObjectNode n = list.addObject();
      n.put("job_id", j.type());
      n.put("job_type", j.type());
      n.put("description", j.description());
      n.put("active", active);
      n.set("input_schema", j.schema().toJson());
      n.set("policy", policy(j.policy()));
      ObjectNode regions = n.putObject("regions");
      for (DataRegion r : jobs.regions()) {
        RegionScheduler s = jobs.region(r);
        ObjectNode rn = regions.putObject(r.name());
        s.nextRun(j.type()).ifPresentOrElse(t -> rn.put("next_run_at", t.toString()),
            () -> rn.putNull("next_run_at"));
        List<JobRun> last = s.runs().recent(j.type(), 1);
        if (last.isEmpty()) {
          rn.putNull("last_run");
        } else {
          rn.set("last_run", run(last.get(0)));
        }
      }
    }
    Json.send(ctx, 200, body);
  }

  /** {@code POST /ops/jobs/{job_id}/run}. */
  public void run(Context ctx) {
    authorize(ctx);
    Requests.query(ctx, Set.of());
    String type = ctx.pathParam("job_id");
    if (jobs.job(type).isEmpty()) {
      throw ApiException.notFound("job");
    }
    JsonNode body = JsonBody.optionalObject(ctx, MAX_BODY, RUN_FIELDS);
    Instant asOf = null;
    JsonNode a = body.get("asOf");
    if (a != null && !a.isNull()) {
      asOf = a.isTextual() ? Requests.instant(a.textValue()) : null;
      if (asOf == null) {
        throw ApiException.validation("/asOf", "INVALID_FORMAT", "asOf must be an RFC 3339"
            + " date-time with an offset");
      }
    }
    DataRegion region = region(body.get("region"));
    boolean wait = true;
    JsonNode w = body.get("wait");
    if (w != null && !w.isNull()) {
      if (!w.isBoolean()) {
        throw ApiException.validation("/wait", "INVALID_TYPE", "wait must be true or false");
      }
      wait = w.booleanValue();
    }
    JsonNode in = body.get("input");
    if (in != null && !in.isNull() && !in.isObject()) {
      throw ApiException.validation("/input", "INVALID_TYPE", "input must be a JSON object");
    }
    ObjectNode input = in == null || in.isNull() ? Json.object() : (ObjectNode) in;
    try {
      JobRun r = wait ? jobs.runNow(type, region, asOf, input)
          : jobs.enqueue(type, region, asOf, input);
      Json.send(ctx, wait ? 201 : 202, run(r));
    } catch (InvalidJobInputException e) {
      ProblemList<ApiException.FieldError> errors = new ProblemList<>();
      for (JobInputSchema.Violation v : e.violations()) {
        errors.add(new ApiException.FieldError("/input" + v.pointer(), v.code(), v.message()));
      }
      errors.addUnreported(e.violationCount() - e.violations().size());
      throw ApiException.invalid(errors, "input fields");
    }
  }

  /** {@code GET /ops/jobs/runs/{run_id}}. */
  public void runStatus(Context ctx) {
    authorize(ctx);
    Requests.query(ctx, Set.of());
    UUID id = Requests.uuid(ctx.pathParam("run_id"));
    JobRun r = id == null ? null : jobs.find(id).orElse(null);
    if (r == null) {
      throw ApiException.notFound("job run");
    }
    Json.send(ctx, 200, run(r));
  }

  private DataRegion region(JsonNode r) {
    if (r == null || r.isNull()) {
      if (jobs.regions().size() == 1) {
        return jobs.regions().iterator().next();
      }
      throw ApiException.validation("/region", "REQUIRED", "region is required: this server has"
          + " databases for " + jobs.regions());
    }
    DataRegion region = null;
    if (r.isTextual()) {
      try {
        region = DataRegion.valueOf(r.textValue());
      } catch (IllegalArgumentException e) {
        region = null;
      }
    }
    if (region == null || !jobs.regions().contains(region)) {
      throw ApiException.validation("/region", "INVALID_VALUE", "region must be one of "
          + jobs.regions());
    }
    return region;
  }

  private static ObjectNode policy(JobPolicy p) {
    ObjectNode n = Json.object();
    n.put("max_attempts", p.maxAttempts());
    n.put("timeout_seconds", p.timeout().toSeconds());
    n.put("retry_delay_seconds", p.retryDelay().toSeconds());
    p.schedule().ifPresentOrElse(s -> n.put("schedule", s.describe()),
        () -> n.putNull("schedule"));
    return n;
  }

  /** A run as the runbook reads it. */
  static ObjectNode run(JobRun r) {
    ObjectNode n = Json.object();
    n.put("run_id", r.runId().toString());
    n.put("job_id", r.type());
    n.put("job_type", r.type());
    n.put("region", r.partition());
    n.put("status", r.status().name());
    n.put("trigger", r.trigger().name());
    n.put("attempt", r.attempt());
    n.put("as_of", r.asOf().toString());
    n.set("input", r.input());
    n.put("queued_at", r.queuedAt().toString());
    time(n, "started_at", r.startedAt());
    time(n, "finished_at", r.finishedAt());
    if (r.startedAt() != null && r.finishedAt() != null) {
      n.put("duration_ms", Duration.between(r.startedAt(), r.finishedAt()).toMillis());
    } else {
      n.putNull("duration_ms");
    }
    if (r.result() == null) {
      n.putNull("result");
    } else {
      n.set("result", r.result());
    }
    if (r.error() == null) {
      n.putNull("error_message");
    } else {
      n.put("error_message", r.error());
    }
    if (r.worker() == null) {
      n.putNull("worker");
    } else {
      n.put("worker", r.worker());
    }
    return n;
  }

  private static void time(ObjectNode n, String name, Instant t) {
    if (t == null) {
      n.putNull(name);
    } else {
      n.put(name, t.toString());
    }
  }
}
