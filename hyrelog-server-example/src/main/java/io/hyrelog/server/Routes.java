package io.hyrelog.server;

import io.hyrelog.server.internal.ChainRoutes;
import io.hyrelog.server.internal.EventRoutes;
import io.hyrelog.server.internal.JettyErrors;
import io.hyrelog.server.internal.KeyRoutes;
import io.hyrelog.server.internal.Problems;
import io.hyrelog.server.internal.ProofRoutes;
import io.hyrelog.server.internal.RequestPipeline;
import io.hyrelog.server.internal.SystemRoutes;
import io.hyrelog.server.internal.TransferLimits;
import io.hyrelog.server.internal.compliance.ComplianceDownloadRoutes;
import io.hyrelog.server.internal.compliance.EvidenceRoutes;
import io.hyrelog.server.internal.dashboard.DashboardEventRoutes;
import io.hyrelog.server.internal.dashboard.DashboardKeyRoutes;
import io.hyrelog.server.internal.dashboard.DashboardRoutes;
import io.hyrelog.server.internal.dashboard.DashboardTenantRoutes;
import io.hyrelog.server.internal.exports.AccessFileRoutes;
import io.hyrelog.server.internal.exports.DashboardExportRoutes;
import io.hyrelog.server.internal.gdpr.DashboardGdprRoutes;
import io.hyrelog.server.internal.gdpr.GdprRoutes;
import io.hyrelog.server.internal.exports.ExportRoutes;
import io.hyrelog.server.internal.jobs.JobRoutes;
import io.hyrelog.server.internal.signing.SigningRoutes;
import io.hyrelog.server.internal.webhooks.DashboardWebhookRoutes;
import io.hyrelog.server.internal.webhooks.WebhookRoutes;
import io.javalin.Javalin;
import io.javalin.http.HttpResponseException;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * Route registration: every HTTP route of the server, mapped to its handler, behind the one
 * request pipeline and the one exception mapper, on a Jetty with bounded threads, timeouts and
 * transfer rates.
 */
record Routes(SystemRoutes system, EventRoutes events, ChainRoutes chains, ProofRoutes proofs,
    SigningRoutes signing, KeyRoutes keys, JobRoutes ops, ExportRoutes exports, DashboardRoutes dashboard,
    EvidenceRoutes evidence, WebhookRoutes webhooks, DashboardWebhookRoutes dashboardWebhooks,
    DashboardEventRoutes dashboardEvents, DashboardExportRoutes dashboardExports,
    DashboardTenantRoutes tenants, DashboardKeyRoutes dashboardKeys,
    ComplianceDownloadRoutes downloads, AccessFileRoutes accessFiles, GdprRoutes gdpr,
    DashboardGdprRoutes dashboardGdpr) {

  /** The server (not started) on {@code config}'s address and limits. */
  Javalin app(ServerConfig config, RequestPipeline pipeline) {
    LimitSettings limits = config.limits();
    return Javalin.create(c -> {
      c.startup.showJavalinBanner = false;
      QueuedThreadPool threads = new QueuedThreadPool(limits.httpThreads(), 8, 60_000);
      threads.setName("hyrelog-http");
      c.jetty.threadPool = threads;
      c.jetty.modifyServer(server -> {
        server.setErrorHandler(new JettyErrors(pipeline::closing));
        server.insertHandler(new TransferLimits(limits.bodyReadTimeout(),
            LimitSettings.RATE_GRACE, limits.minRequestRate(), limits.minResponseRate()));
      });
      c.jetty.addConnector((server, http) -> {
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost(config.host());
        connector.setPort(config.port());
        connector.setIdleTimeout(limits.idleTimeout().toMillis());
        return connector;
      });
      c.startup.showOldJavalinVersionWarning = false;
      c.http.maxRequestSize = config.maxBodyBytes();
      c.http.prefer405over404 = true;
      c.router.ignoreTrailingSlashes = false;
      c.routes.before(pipeline::before);
      c.routes.after(pipeline::after);
      c.routes.exception(HttpResponseException.class, (e, ctx) -> Problems.write(ctx, e));
      c.routes.exception(Exception.class, (e, ctx) -> Problems.write(ctx, e));
      c.routes.get("/", system::root);
      c.routes.get("/openapi.json", system::openApi);
      c.routes.get("/internal/health", system::health);
      c.routes.get("/internal/metrics", system::metrics);
      c.routes.post("/v1/events", events::append);
      c.routes.get("/v1/events", events::query);
      c.routes.post("/v1/events/batch", events::appendBatch);
      c.routes.get("/v1/chains/{workspaceId}/head", chains::head);
      c.routes.get("/v1/chains/{workspaceId}/events.jsonl", chains::export);
      c.routes.get("/v1/chains/{workspaceId}/verify", chains::verify);
      c.routes.get("/v1/chains/{workspaceId}/checkpoint", signing::checkpoint);
      c.routes.get("/v1/chains/{workspaceId}/proof/inclusion", proofs::inclusion);
      c.routes.get("/v1/chains/{workspaceId}/proof/consistency", proofs::consistency);
      c.routes.get("/v1/chains/{workspaceId}/tile/<path>", proofs::tile);
      c.routes.get("/v1/signing-keys", signing::signingKeys);
      c.routes.post("/v1/workspaces/{workspaceId}/keys", keys::create);
      c.routes.post("/v1/keys/{keyId}/rotate", keys::rotate);
      c.routes.post("/v1/keys/{keyId}/revoke", keys::revoke);
      c.routes.get("/v1/keys/status", keys::status);
      c.routes.post("/v1/workspaces/{workspaceId}/webhooks", webhooks::create);
      c.routes.get("/v1/workspaces/{workspaceId}/webhooks", webhooks::list);
      c.routes.post("/v1/webhooks/{id}/disable", webhooks::disable);
      c.routes.post("/v1/webhooks/{id}/enable", webhooks::enable);
      c.routes.post("/v1/webhooks/{id}/rotate-secret", webhooks::rotateSecret);
      c.routes.get("/v1/webhooks/{id}/deliveries", webhooks::deliveries);
      c.routes.post("/v1/webhooks/{id}/deliveries/{deliveryId}/retry", webhooks::retry);
      c.routes.get("/ops/jobs", ops::list);
      c.routes.post("/ops/jobs/{job_id}/run", ops::run);
      c.routes.get("/ops/jobs/runs/{run_id}", ops::runStatus);
      c.routes.post("/v1/exports", exports::create);
      c.routes.get("/v1/exports/{jobId}", exports::status);
      c.routes.get("/v1/exports/{jobId}/download", exports::download);
      c.routes.get("/v1/exports/{jobId}/proofs", exports::proofs);
      c.routes.post("/dashboard/restore-requests", dashboard::create);
      c.routes.get("/dashboard/restore-requests", dashboard::list);
      c.routes.get("/dashboard/restore-requests/{id}", dashboard::get);
      c.routes.delete("/dashboard/restore-requests/{id}", dashboard::cancelOwn);
      c.routes.get("/dashboard/admin/restore-requests", dashboard::adminList);
      c.routes.post("/dashboard/admin/restore-requests/{id}/approve", dashboard::approve);
      c.routes.post("/dashboard/admin/restore-requests/{id}/reject", dashboard::reject);
      c.routes.post("/dashboard/admin/restore-requests/{id}/cancel", dashboard::adminCancel);
      c.routes.get("/dashboard/admin/audit-logs", dashboard::auditLogs);
      c.routes.get("/dashboard/events", dashboardEvents::query);
      c.routes.post("/dashboard/exports", dashboardExports::create);
      c.routes.get("/dashboard/exports/{jobId}", dashboardExports::status);
      c.routes.get("/dashboard/exports/{jobId}/download", dashboardExports::download);
      c.routes.get("/dashboard/company", tenants::company);
      c.routes.get("/dashboard/admin/companies", tenants::list);
      c.routes.post("/dashboard/admin/companies", tenants::createCompany);
      c.routes.post("/dashboard/admin/companies/{id}/plan", tenants::assignPlan);
      c.routes.post("/dashboard/admin/companies/{id}/workspaces", tenants::createWorkspace);
      c.routes.post("/dashboard/admin/workspaces/{id}/projects", tenants::createProject);
      c.routes.get("/dashboard/admin/plans", tenants::plans);
      c.routes.get("/dashboard/webhooks", dashboardWebhooks::list);
      c.routes.post("/dashboard/webhooks", dashboardWebhooks::create);
      c.routes.post("/dashboard/webhooks/{id}/enable", dashboardWebhooks::enable);
      c.routes.post("/dashboard/webhooks/{id}/disable", dashboardWebhooks::disable);
      c.routes.get("/dashboard/webhooks/{id}/deliveries", dashboardWebhooks::deliveries);
      c.routes.get("/dashboard/admin/companies/{id}/keys", dashboardKeys::list);
      c.routes.post("/dashboard/admin/companies/{id}/keys", dashboardKeys::create);
      c.routes.post("/dashboard/admin/keys/{id}/rotate", dashboardKeys::rotate);
      c.routes.post("/dashboard/admin/keys/{id}/revoke", dashboardKeys::revoke);
      c.routes.post("/compliance/evidence/export", evidence::export);
      c.routes.post("/compliance/evidence/countersign", evidence::countersign);
      c.routes.post("/compliance/evidence/verify", evidence::verify);
      c.routes.get("/compliance/evidence/bundles", downloads::bundles);
      c.routes.get("/compliance/evidence/bundles/{bundleId}", downloads::bundle);
      c.routes.get("/compliance/evidence/bundles/{bundleId}/files/{name}", downloads::bundleFile);
      c.routes.get("/compliance/exports", downloads::exports);
      c.routes.get("/compliance/exports/{name}", downloads::export);
      c.routes.get("/v1/gdpr/requests/{id}/files/{file}", accessFiles::download);
      c.routes.get("/dashboard/gdpr-requests/{id}/files/{file}", accessFiles::dashboardDownload);
      c.routes.post("/v1/gdpr/requests", gdpr::create);
      c.routes.get("/v1/gdpr/requests", gdpr::list);
      c.routes.get("/v1/gdpr/requests/{id}", gdpr::get);
      c.routes.post("/dashboard/gdpr-requests", dashboardGdpr::create);
      c.routes.get("/dashboard/gdpr-requests", dashboardGdpr::list);
      c.routes.get("/dashboard/gdpr-requests/{id}", dashboardGdpr::get);
      c.routes.delete("/dashboard/gdpr-requests/{id}", dashboardGdpr::cancel);
      c.routes.post("/dashboard/admin/gdpr-requests/{id}/approve", dashboardGdpr::approve);
      c.routes.post("/dashboard/admin/gdpr-requests/{id}/reject", dashboardGdpr::reject);
    });
  }
}
