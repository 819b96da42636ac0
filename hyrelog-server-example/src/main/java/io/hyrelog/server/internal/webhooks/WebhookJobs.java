package io.hyrelog.server.internal.webhooks;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hyrelog.jobs.JobInputSchema;
import io.hyrelog.jobs.JobPolicy;
import io.hyrelog.jobs.JobResult;
import io.hyrelog.jobs.JobSchedule;
import io.hyrelog.server.internal.jobs.ServerJob;
import io.hyrelog.webhook.RetrySchedule;
import io.hyrelog.webhook.WebhookEndpoint;
import java.time.Duration;
import java.util.List;

/**
 * {@code webhooks.disable_failing} (hourly): disables, in each region, the endpoints whose
 * attempts have failed without a success for {@link RetrySchedule#DISABLE_AFTER} (reason
 * {@code FAILING}, {@link io.hyrelog.webhook.dispatch.WebhookDispatcher#disableFailing}).
 */
public final class WebhookJobs {
  public static final String DISABLE_FAILING = "webhooks.disable_failing";

  private WebhookJobs() {}

  /** The job over each region's webhook store. */
  public static ServerJob disableFailing(Webhooks webhooks) {
    return new ServerJob(DISABLE_FAILING, "disable the webhook endpoints that have failed"
        + " without a success for " + RetrySchedule.DISABLE_AFTER.toDays() + " days",
        JobInputSchema.builder().build(),
        JobPolicy.of(3, Duration.ofMinutes(10)).withRetryDelay(Duration.ofMinutes(5))
            .withSchedule(JobSchedule.every(Duration.ofHours(1))),
        r -> ctx -> {
          List<WebhookEndpoint> off;
          int total = 0;
          do {
            // The cutoff comes from the run's time, so a re-run of it disables the same set.
            off = webhooks.dispatcher(r).disableFailing(ctx.asOf());
            total += off.size();
          } while (off.size() >= io.hyrelog.spi.WebhookStore.MAX_PAGE && !ctx.cancelled());
          ObjectNode out = JsonNodeFactory.instance.objectNode();
          out.put("region", ctx.partition());
          out.put("disabled", total);
          return JobResult.of(out);
        });
  }
}
