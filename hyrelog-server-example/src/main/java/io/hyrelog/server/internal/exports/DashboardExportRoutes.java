package io.hyrelog.server.internal.exports;

import io.hyrelog.server.internal.Reader;
import io.hyrelog.server.internal.Requests;
import io.hyrelog.server.internal.Tenancy;
import io.hyrelog.server.internal.dashboard.DashboardActions;
import io.hyrelog.server.internal.dashboard.DashboardActions.Access;
import io.hyrelog.server.internal.dashboard.DashboardActions.Reply;
import io.hyrelog.spi.ExportJobs;
import io.javalin.http.Context;
import java.util.Set;

/**
 * The dashboard's exports, for the company of {@code x-company-id}: the same jobs, bodies,
 * answers and limits as {@code /v1/exports} with a company key ({@link ExportRoutes}); a job
 * records the dashboard user who created it ({@code dashboard:<x-user-id>}) instead of a key.
 * Every action is in the admin audit log. Jobs are the company's: one created with a company
 * key is readable here and the other way round.
 */
public final class DashboardExportRoutes {
  private final ExportRoutes exports;
  private final DashboardActions actions;
  private final Tenancy tenancy;

  public DashboardExportRoutes(ExportRoutes exports, DashboardActions actions,
      Tenancy tenancy) {
    this.exports = exports;
    this.actions = actions;
    this.tenancy = tenancy;
  }

  /** {@code POST /dashboard/exports} → 201 with the job and its {@code Location}. */
  public void create(Context ctx) {
    actions.run(ctx, "export.create", Access.COMPANY, (actor, company, audit) -> {
      Requests.query(ctx, Set.of());
      ExportJobs.Job job = exports.create(ctx, Reader.company(company, tenancy), null,
          "dashboard:" + actor.userId());
      audit.target("export_job:" + job.id());
      audit.details().put("source", job.source());
      ctx.header("Location", "/dashboard/exports/" + job.id());
      return new Reply(201, Exports.toJson(job));
    });
  }

  /** {@code GET /dashboard/exports/{jobId}}. */
  public void status(Context ctx) {
    actions.run(ctx, "export.read", Access.COMPANY, (actor, company, audit) -> {
      Requests.query(ctx, Set.of());
      ExportJobs.Job job = exports.job(ctx, Reader.company(company, tenancy));
      audit.target("export_job:" + job.id());
      return new Reply(200, Exports.toJson(job));
    });
  }

  /** {@code GET /dashboard/exports/{jobId}/download}: streamed like the public download. */
  public void download(Context ctx) {
    actions.run(ctx, "export.download", Access.COMPANY, (actor, company, audit) -> {
      Requests.query(ctx, Set.of());
      Reader reader = Reader.company(company, tenancy);
      ExportJobs.Job job = exports.job(ctx, reader);
      audit.target("export_job:" + job.id());
      exports.download(ctx, reader, job);
      return Reply.STREAMED;
    });
  }
}
