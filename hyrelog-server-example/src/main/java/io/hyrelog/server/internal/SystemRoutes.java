package io.hyrelog.server.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hyrelog.DataRegion;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

/** {@code /}, {@code /openapi.json}, {@code /internal/health}, {@code /internal/metrics}. */
public final class SystemRoutes {
  public static final String VERSION = "0.1.0";
  private final HealthProbe health;
  private final Metrics metrics;
  private final Clock clock;
  private final Instant startedAt;
  private final byte[] openApi;
  private final byte[] token;

  public SystemRoutes(HealthProbe health, Metrics metrics, String internalToken, Clock clock) {
    this.health = health;
    this.metrics = metrics;
    this.clock = clock;
    this.startedAt = clock.instant();
    this.token = internalToken.getBytes(StandardCharsets.UTF_8);
    try (InputStream in = SystemRoutes.class.getResourceAsStream("/openapi.json")) {
      if (in == null) {
        throw new IllegalStateException("openapi.json is missing from the server jar");
      }
      this.openApi = in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public void root(Context ctx) {
    ObjectNode n = Json.object();
    n.put("service", "hyrelog-api");
    n.put("version", VERSION);
    n.put("status", "running");
    n.put("openapi", "/openapi.json");
    Json.send(ctx, 200, n);
  }

  public void openApi(Context ctx) {
    ctx.status(200).contentType("application/json").result(openApi);
  }

  private void internal(Context ctx) {
    String given = ctx.header("x-internal-token");
    if (given == null || !MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8),
        token)) {
      throw new ApiException(ErrorCode.UNAUTHORIZED, "send the operator token in the"
          + " x-internal-token header");
    }
    Requests.query(ctx, Set.of());
  }

  /**
   * {@code GET /internal/health}: 200 {@code ok}, or 503 {@code degraded} naming each database
   * that is {@code unreachable} or did not answer in time ({@code timeout}); answers within
   * two seconds whatever the databases do (its check never waits for a pooled connection, and
   * the route is never held back by the in-flight limits).
   */
  public void health(Context ctx) {
    internal(ctx);
    ObjectNode n = Json.object();
    ObjectNode dbs = Json.object();
    boolean ok = true;
    for (Map.Entry<DataRegion, HealthProbe.Status> e : health.check().entrySet()) {
      boolean up = e.getValue() == HealthProbe.Status.OK;
      ok &= up;
      dbs.put(e.getKey().name(), e.getValue().name().toLowerCase(java.util.Locale.ROOT));
    }
    n.put("status", ok ? "ok" : "degraded");
    n.put("uptime", Duration.between(startedAt, clock.instant()).toSeconds());
    n.put("timestamp", clock.instant().toString());
    n.put("service", "hyrelog-api");
    n.set("databases", dbs);
    Json.send(ctx, ok ? 200 : 503, n);
  }

  public void metrics(Context ctx) {
    internal(ctx);
    ctx.status(200).contentType("text/plain; version=0.0.4; charset=utf-8")
        .result(metrics.scrape());
  }
}
