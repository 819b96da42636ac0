package io.hyrelog.server.internal.exports;

import io.hyrelog.EventScope;
import io.hyrelog.personal.SubjectAccess;
import io.hyrelog.server.internal.ApiException;
import io.hyrelog.server.internal.KeyRoutes;
import io.hyrelog.server.internal.Principal;
import io.hyrelog.server.internal.RateLimits;
import io.hyrelog.server.internal.Requests;
import io.hyrelog.server.internal.StreamedResponse;
import io.hyrelog.server.internal.dashboard.DashboardActions;
import io.hyrelog.server.internal.dashboard.DashboardActions.Access;
import io.hyrelog.server.internal.dashboard.DashboardActions.Reply;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Downloads of the files of an access request ({@link SubjectAccess#open}): {@code GET
 * /v1/gdpr/requests/{id}/files/{file}} with a company key that manages ({@link KeyRoutes#manager}:
 * a company key with an IP allowlist, the key-management rate limit in a bucket of its own), and
 * the dashboard's {@code GET /dashboard/gdpr-requests/{id}/files/{file}} for the company of
 * {@code x-company-id} (in the admin audit log). A request of another company, an unknown
 * request or file, or a request whose export is not written yet is NOT_FOUND. The files hold
 * personal data: streamed in constant memory with {@code Cache-Control: no-store}; a file that
 * no longer matches its recorded SHA-256 aborts the download at its end.
 */
public final class AccessFileRoutes {
  private static final String WHAT = "downloading an access request's files";
  private static final String BUCKET = "gdpr:";

  private final SubjectAccess access;
  private final RateLimits rateLimits;
  private final DashboardActions actions;

  public AccessFileRoutes(SubjectAccess access, RateLimits rateLimits,
      DashboardActions actions) {
    this.access = access;
    this.rateLimits = rateLimits;
    this.actions = actions;
  }

  /** {@code GET /v1/gdpr/requests/{id}/files/{file}}. */
  public void download(Context ctx) {
    Principal p = KeyRoutes.manager(ctx, rateLimits, WHAT, BUCKET);
    Requests.query(ctx, Set.of());
    send(ctx, EventScope.company(p.companyId()), requestId(ctx), ctx.pathParam("file"));
  }

  /** {@code GET /dashboard/gdpr-requests/{id}/files/{file}}. */
  public void dashboardDownload(Context ctx) {
    actions.run(ctx, "gdpr_request.download", Access.COMPANY, (actor, company, audit) -> {
      Requests.query(ctx, Set.of());
      UUID id = requestId(ctx);
      audit.target("gdpr_request:" + id);
      String file = ctx.pathParam("file");
      if (AccessExports.FILES.contains(file)) {
        audit.details().put("file", file); // a known name only: never echo the path
      }
      send(ctx, EventScope.company(company.id()), id, file);
      return Reply.STREAMED;
    });
  }

  private static UUID requestId(Context ctx) {
    UUID id = Requests.uuid(ctx.pathParam("id"));
    if (id == null) {
      throw ApiException.notFound("GDPR request");
    }
    return id;
  }

  private void send(Context ctx, EventScope scope, UUID id, String file) {
    Optional<InputStream> in;
    try {
      in = access.open(scope, id, file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open a file of access request " + id, e);
    }
    if (in.isEmpty()) {
      throw ApiException.notFound("file of GDPR request " + id);
    }
    ctx.status(200).contentType(file.endsWith(".csv") ? "text/csv; charset=utf-8"
        : "application/x-ndjson");
    ctx.header("Cache-Control", "no-store");
    ctx.header("Content-Disposition", "attachment; filename=\"hyrelog-access-" + id + "-"
        + file + "\"");
    try (InputStream body = in.get()) {
      body.transferTo(ctx.outputStream());
      ctx.outputStream().flush();
    } catch (IOException | RuntimeException e) {
      StreamedResponse.fail(ctx, e, "access request file " + id + "/" + file);
    }
  }
}
