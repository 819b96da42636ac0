package io.hyrelog.server.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;

/** Prometheus metrics (Micrometer): HTTP requests by route and status, appends, JVM. */
public final class Metrics implements AutoCloseable {
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final JvmGcMetrics gc = new JvmGcMetrics();
  private final Counter eventsAppended;
  private final Counter eventsReplayed;
  private final Counter exportRows;

  public Metrics() {
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    gc.bindTo(registry);
    eventsAppended = Counter.builder("hyrelog.events.appended")
        .description("events stored (acknowledged as created)").register(registry);
    eventsReplayed = Counter.builder("hyrelog.events.replayed")
        .description("idempotent retries answered with the original event").register(registry);
    exportRows = Counter.builder("hyrelog.exports.rows")
        .description("rows written by export downloads").register(registry);
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  public void request(String method, String route, int status, Duration took) {
    Timer.builder("http.server.requests")
        .tag("method", method).tag("route", route).tag("status", Integer.toString(status))
        .publishPercentileHistogram(false)
        .register(registry).record(took);
  }

  public void appended(long created, long replayed) {
    eventsAppended.increment(created);
    eventsReplayed.increment(replayed);
  }

  /** An export job was created. */
  public void exportCreated(String source, String format) {
    Counter.builder("hyrelog.exports.jobs").description("export jobs created")
        .tag("source", source).tag("format", format).register(registry).increment();
  }

  /** An export download ended: its rows, and whether it failed. */
  public void exportDownloaded(long rows, boolean failed) {
    exportRows.increment(rows);
    Counter.builder("hyrelog.exports.downloads").description("export downloads")
        .tag("outcome", failed ? "failed" : "completed").register(registry).increment();
  }

  /**
   * A webhook delivery attempt ended: {@code succeeded}, {@code retrying}, {@code failed} (no
   * attempt left) or {@code lease_lost} (made, but the claim had passed to another worker).
   */
  public void webhookAttempt(String outcome) {
    Counter.builder("hyrelog.webhook.attempts").description("webhook delivery attempts")
        .tag("outcome", outcome).register(registry).increment();
  }

  /**
   * Webhook endpoints were disabled automatically: {@code FAILING} for 5 days, or {@code
   * PLAN_RESTRICTED} after a downgrade.
   */
  public void webhookEndpointsDisabled(String reason, int n) {
    Counter.builder("hyrelog.webhook.endpoints.disabled")
        .description("webhook endpoints disabled automatically").tag("reason", reason)
        .register(registry).increment(n);
  }

  public String scrape() {
    return registry.scrape();
  }

  @Override
  public void close() {
    gc.close();
    registry.close();
  }
}
