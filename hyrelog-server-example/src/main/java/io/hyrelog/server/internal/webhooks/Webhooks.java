package io.hyrelog.server.internal.webhooks;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.hyrelog.Company;
import io.hyrelog.DataRegion;
import io.hyrelog.net.OutboundPolicy;
import io.hyrelog.server.config.WebhookSettings;
import io.hyrelog.server.internal.Metrics;
import io.hyrelog.server.internal.Region;
import io.hyrelog.server.internal.Regions;
import io.hyrelog.server.internal.Tenancy;
import io.hyrelog.spi.WebhookStore;
import io.hyrelog.webhook.ClaimedDelivery;
import io.hyrelog.webhook.DeliveryAttempt;
import io.hyrelog.webhook.DeliveryStatus;
import io.hyrelog.webhook.SecretSealer;
import io.hyrelog.webhook.WebhookEndpoint;
import io.hyrelog.webhook.dispatch.WebhookDispatcher;
import io.hyrelog.webhooks.HttpWebhookTransport;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * The server's webhook delivery: one SSRF-safe {@link HttpWebhookTransport} and one {@link
 * WebhookDispatcher} per served region, started in every server process (the store's leases
 * keep processes from sending one attempt twice), metered through the dispatcher's listener.
 * Closing stops the dispatchers (in-flight attempts are left to their leases) and the transport.
 */
public final class Webhooks implements AutoCloseable {
  /**
   * The reason an endpoint is disabled with when its company's plan no longer includes webhooks
   * (a downgrade): the endpoint and its pending deliveries are kept; after an upgrade, enabling
   * it resumes them.
   */
  public static final String PLAN_RESTRICTED = "PLAN_RESTRICTED";
  /** How long a company's plan, as the dispatchers see it, may lag behind a plan change. */
  static final Duration PLAN_CACHE = Duration.ofSeconds(2);

  /** How often each region's dispatcher looks for due deliveries. */
  public static final Duration POLL_INTERVAL = Duration.ofSeconds(1);

  private final Regions regions;
  private final OutboundPolicy policy;
  private final SecretSealer sealer;
  private final HttpWebhookTransport transport;
  private final Map<DataRegion, WebhookDispatcher> dispatchers;

  private Webhooks(Regions regions, OutboundPolicy policy, SecretSealer sealer,
      HttpWebhookTransport transport, Map<DataRegion, WebhookDispatcher> dispatchers) {
    this.regions = regions;
    this.policy = policy;
    this.sealer = sealer;
    this.transport = transport;
    this.dispatchers = dispatchers;
  }

  /**
   * Builds the transport and a dispatcher per region (not started).
   *
   * @param settings the target policy
   * @param keyHex the sealing key (64 hex characters)
   * @param tenancy where the dispatchers read each endpoint's company and plan (a downgrade
   *     disables its endpoints before their next attempt)
   * @param worker this process's worker name ({@code pid@host}); each dispatcher's is this, its
   *     region and a random suffix (unique even for two servers in one JVM)
   */
  public static Webhooks create(WebhookSettings settings, String keyHex, Regions regions,
      Tenancy tenancy, Metrics metrics, Clock clock, String worker) {
    OutboundPolicy policy = OutboundPolicy.builder()
        .allowPrivateNetworks(settings.allowPrivateNetworks()).build();
    SecretSealer sealer = SecretSealer.fromHex(keyHex);
    HttpWebhookTransport transport = HttpWebhookTransport.builder(policy).build();
    Map<DataRegion, WebhookDispatcher> dispatchers = new EnumMap<>(DataRegion.class);
    WebhookDispatcher.Listener listener = new Meter(metrics);
    for (Region r : regions) {
      // Only admissions are cached: a refusal disables the endpoint, so it is decided on a
      // fresh read (an upgrade followed at once by enable is never undone by a stale entry).
      Cache<UUID, Boolean> admitted = Caffeine.newBuilder().maximumSize(10_000)
          .expireAfterWrite(PLAN_CACHE).build();
      WebhookDispatcher.Admission plan = e -> {
        if (admitted.getIfPresent(e.companyId()) != null) {
          return Optional.empty();
        }
        boolean ok = tenancy.company(r.id(), e.companyId())
            .map(c -> tenancy.plan(c).webhooksEnabled()).orElse(false);
        if (ok) {
          admitted.put(e.companyId(), Boolean.TRUE);
        }
        return ok ? Optional.empty() : Optional.of(PLAN_RESTRICTED);
      };
      String name = worker + "/" + r.id() + "/" + UUID.randomUUID().toString().substring(0, 8);
      dispatchers.put(r.id(), WebhookDispatcher.builder(r.store().webhooks().orElseThrow(),
              r.store(), transport, sealer)
          .clock(clock)
          .lease(settings.lease())
          .worker(name.length() > 100 ? name.substring(name.length() - 100) : name)
          .listener(listener)
          .admission(plan)
          .build());
    }
    return new Webhooks(regions, policy, sealer, transport, dispatchers);
  }

  /** Starts every region's dispatcher, polling every {@link #POLL_INTERVAL}. */
  public void start() {
    dispatchers.values().forEach(d -> d.start(POLL_INTERVAL));
  }

  /** The policy endpoint URLs are checked against at creation (and the transport at sending). */
  public OutboundPolicy policy() {
    return policy;
  }

  /** Seals the endpoints' secrets. */
  public SecretSealer sealer() {
    return sealer;
  }

  /** The webhook store of the company's region. */
  public WebhookStore store(Company company) {
    return regions.of(company).store().webhooks().orElseThrow();
  }

  /** The dispatcher of a served region. */
  public WebhookDispatcher dispatcher(DataRegion region) {
    return Objects.requireNonNull(dispatchers.get(region), "region not served");
  }

  @Override
  public void close() {
    for (WebhookDispatcher d : dispatchers.values()) {
      d.close();
    }
    transport.close();
  }

  @Override
  public String toString() {
    return "Webhooks[regions=" + dispatchers.keySet() + "]";
  }

  /** Counts attempts by outcome, lost leases and automatic disablements. */
  private record Meter(Metrics metrics) implements WebhookDispatcher.Listener {
    @Override
    public void attempted(ClaimedDelivery claim, DeliveryAttempt attempt, DeliveryStatus next) {
      metrics.webhookAttempt(attempt.response().succeeded() ? "succeeded"
          : next == DeliveryStatus.FAILED ? "failed" : "retrying");
    }

    @Override
    public void leaseLost(ClaimedDelivery claim) {
      metrics.webhookAttempt("lease_lost");
    }

    @Override
    public void disabled(List<WebhookEndpoint> endpoints) {
      metrics.webhookEndpointsDisabled(WebhookDispatcher.DISABLED_FAILING, endpoints.size());
    }

    @Override
    public void refused(WebhookEndpoint endpoint) {
      metrics.webhookEndpointsDisabled(PLAN_RESTRICTED, 1);
    }
  }
}
