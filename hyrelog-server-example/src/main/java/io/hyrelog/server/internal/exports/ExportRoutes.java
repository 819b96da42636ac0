package io.hyrelog.server.internal.exports;

import io.hyrelog.export.EventProofs;
import io.hyrelog.server.internal.ApiException;
import io.hyrelog.server.internal.ErrorCode;
import io.hyrelog.server.internal.CompanyLimits;
import io.hyrelog.server.internal.Json;
import io.hyrelog.server.internal.JsonBody;
import io.hyrelog.server.internal.Principal;
import io.hyrelog.server.internal.Reader;
import io.hyrelog.server.internal.RequestPipeline;
import io.hyrelog.server.internal.Requests;
import io.hyrelog.server.internal.StreamedResponse;
import io.hyrelog.spi.ExportJobs;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * {@code /v1/exports}: create a job, read its status, download it. Company keys export any of
 * the company's workspaces; workspace keys their own. Another tenant's (or another workspace's)
 * job is NOT_FOUND, never FORBIDDEN.
 */
public final class ExportRoutes {

  private final Exports exports;
  private final CompanyLimits companyLimits;
  private final int maxBodyBytes;

  public ExportRoutes(Exports exports, CompanyLimits companyLimits, int maxBodyBytes) {
    this.exports = exports;
    this.companyLimits = companyLimits;
    this.maxBodyBytes = maxBodyBytes;
  }

  /** {@code POST /v1/exports} → 201 with the job and its {@code Location}. */
  public void create(Context ctx) {
    Principal p = RequestPipeline.principal(ctx);
    Requests.query(ctx, Set.of());
    ExportJobs.Job job = create(ctx, Reader.of(p), p.key().id(), null);
    ctx.header("Location", "/v1/exports/" + job.id());
    Json.send(ctx, 201, Exports.toJson(job));
  }

  /** Creates a job from the request's body, counted against the company's export cap. */
  ExportJobs.Job create(Context ctx, Reader p, UUID keyId, String requestedBy) {
    ExportRequest r = ExportRequest.parse(JsonBody.read(ctx, maxBodyBytes));
    try (CompanyLimits.Permit permit = companyLimits.acquire(p.companyId(),
        CompanyLimits.Kind.EXPORT)) {
      return exports.create(p, r, keyId, requestedBy);
    }
  }

  /** {@code GET /v1/exports/{jobId}}. */
  public void status(Context ctx) {
    Principal p = RequestPipeline.principal(ctx);
    Requests.query(ctx, Set.of());
    Json.send(ctx, 200, Exports.toJson(job(ctx, Reader.of(p))));
  }

  /**
   * {@code GET /v1/exports/{jobId}/download}: streams the export, read from the database page
   * by page so a slow client holds no connection. Problems found before the first byte
   * (unknown job, cold segment) are problem+json; a failure after the response started aborts
   * the connection, so a client never mistakes a cut-off file for a whole one. Creations and
   * downloads count against {@code HYRELOG_COMPANY_MAX_EXPORTS}.
   */
  public void download(Context ctx) {
    Principal p = RequestPipeline.principal(ctx);
    Requests.query(ctx, Set.of());
    download(ctx, Reader.of(p), job(ctx, Reader.of(p)));
  }

  /** Streams {@code job}'s export, counted against the company's export cap. */
  void download(Context ctx, Reader p, ExportJobs.Job job) {
    try (CompanyLimits.Permit permit = companyLimits.acquire(p.companyId(),
        CompanyLimits.Kind.EXPORT)) {
      stream(ctx, p, job);
    }
  }

  private void stream(Context ctx, Reader p, ExportJobs.Job job) {
    ExportPlan plan = exports.plan(job);
    ExportFormat format = ExportFormat.ofStored(job.format());
    ctx.status(200).contentType(format.contentType());
    ctx.header("Content-Disposition", "attachment; filename=\"hyrelog-export-" + job.id() + "."
        + format.extension() + "\"");
    try {
      exports.write(p, job, plan, ctx.outputStream());
    } catch (IOException | RuntimeException e) {
      StreamedResponse.fail(ctx, e, "export " + job.id());
    }
  }

  /**
   * {@code GET /v1/exports/{jobId}/proofs}: the per-event inclusion proofs of a job created with
   * {@code "proofs": true} ({@code docs/format.md} §9.3), streamed like the download and
   * counted against {@code HYRELOG_COMPANY_MAX_EXPORTS}; it does not change the job's status.
   * A job without proofs is 404 with a message saying so; the checkpoints are signed before the
   * first byte, so 503 (no signing) and 409 (a chain that does not verify or whose tree is being
   * back-filled) are problems.
   */
  public void proofs(Context ctx) {
    Reader p = Reader.of(RequestPipeline.principal(ctx));
    Requests.query(ctx, Set.of());
    ExportJobs.Job job = job(ctx, p);
    if (!ExportFormat.proofs(job.format())) {
      throw new ApiException(ErrorCode.NOT_FOUND, "export job " + job.id() + " was created"
          + " without \"proofs\": true, so it has no proofs; create the export again with it");
    }
    try (CompanyLimits.Permit permit = companyLimits.acquire(p.companyId(),
        CompanyLimits.Kind.EXPORT)) {
      ExportPlan plan = exports.plan(job);
      List<EventProofs.CheckpointLine> checkpoints = exports.proofCheckpoints(p, job);
      ctx.status(200).contentType(ExportFormat.JSONL.contentType());
      ctx.header("Content-Disposition", "attachment; filename=\"hyrelog-export-" + job.id()
          + ".proofs.jsonl\"");
      try {
        exports.writeProofs(p, job, plan, checkpoints, ctx.outputStream());
      } catch (IOException | RuntimeException e) {
        StreamedResponse.fail(ctx, e, "export proofs " + job.id());
      }
    }
  }

  /** The caller's job named by the path's {@code jobId}, or 404. */
  ExportJobs.Job job(Context ctx, Reader p) {
    UUID id = Requests.uuid(ctx.pathParam("jobId"));
    if (id == null) {
      throw ApiException.notFound("export job");
    }
    return exports.find(p, id).orElseThrow(() -> ApiException.notFound("export job"));
  }
}
