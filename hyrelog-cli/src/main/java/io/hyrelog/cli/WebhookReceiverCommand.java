package io.hyrelog.cli;

import io.hyrelog.webhook.WebhookVerifier;
import java.io.IOException;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code webhook-receiver}: prints and checks every webhook delivery it is sent. */
@Command(
    name = "webhook-receiver",
    mixinStandardHelpOptions = true,
    description = {
        "Runs a webhook receiver for trying deliveries out: every POST is verified with the",
        "endpoint's secret (Standard Webhooks signature, timestamp within the tolerance) and",
        "one line is printed per delivery: webhook-id, the event's seq and chain, signature OK",
        "or FAILED with the reason, and whether the event links to the previous delivery seen",
        "of its chain (its prevHash is that event's hash). Answers 204 when the signature",
        "verifies, 400 when not. Stops on SIGTERM or Ctrl-C.",
        "Exit codes: 0 stopped, 2 usage error or the port cannot be used."})
final class WebhookReceiverCommand implements Callable<Integer> {
  @ParentCommand
  private HyrelogCli cli;

  @Option(names = "--host", paramLabel = "HOST", defaultValue = "127.0.0.1",
      description = "the address to listen on (default: ${DEFAULT-VALUE})")
  private String host;

  @Option(names = "--port", paramLabel = "PORT", defaultValue = "3001",
      description = "the port to listen on, 0 for any free port (default: ${DEFAULT-VALUE})")
  private int port;

  @Mixin
  private WebhookVerifierOptions options;

  @Override
  public Integer call() throws InterruptedException {
    if (port < 0 || port > 65535) {
      return usage("--port must be 0..65535, got " + port);
    }
    WebhookVerifier verifier;
    try {
      verifier = options.verifier(Clock.systemUTC());
    } catch (VerifyCommand.UsageException e) {
      return usage(e.getMessage());
    }
    CountDownLatch stop = new CountDownLatch(1);
    try (WebhookReceiverServer server = WebhookReceiverServer.start(verifier, host, port,
        cli.stdout)) {
      Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown,
          "hyrelog-webhook-receiver-stop"));
      cli.stdout.println("webhook receiver listening on http://" + host + ":" + server.port()
          + "/ (POST)");
      cli.stdout.flush();
      stop.await();
    } catch (IOException e) {
      return usage("cannot listen on " + host + ":" + port + ": " + e.getMessage());
    }
    return HyrelogCli.OK;
  }

  private int usage(String message) {
    cli.stderr.println("hyrelog webhook-receiver: " + message);
    return HyrelogCli.USAGE;
  }
}
