package io.hyrelog.cli;

import io.hyrelog.webhook.InvalidWebhookSecretException;
import io.hyrelog.webhook.WebhookSecret;
import io.hyrelog.webhook.WebhookSigner;
import io.hyrelog.webhook.WebhookVerifier;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The secrets and tolerance of {@code verify-webhook} and {@code webhook-receiver}. */
final class WebhookVerifierOptions {
  /** The largest secret file read: a few secrets, one a line. */
  static final long MAX_SECRET_FILE = 4096;

  @Option(names = "--secret", paramLabel = "whsec_…",
      description = {"an endpoint's signing secret, as shown when it was created or rotated;",
          "repeat during a rotation (new and old). Visible in process lists: prefer",
          "--secret-file on shared machines"})
  private List<String> secrets = new ArrayList<>();

  @Option(names = "--secret-file", paramLabel = "FILE",
      description = "a file of secrets, one a line; repeatable")
  private List<Path> secretFiles = new ArrayList<>();

  @Option(names = "--tolerance", paramLabel = "DURATION", defaultValue = "5m",
      description = {"how far the delivery's timestamp may lie from now, either way: seconds,",
          "or a number with s, m or h (default: ${DEFAULT-VALUE}); older deliveries are",
          "refused as replays"})
  private String tolerance;

  /**
   * The verifier of these options on {@code clock}.
   *
   * @throws VerifyCommand.UsageException when no secret is given, one is malformed, or the
   *     tolerance is not a duration of 1 s to 1 day
   */
  WebhookVerifier verifier(Clock clock) {
    List<String> all = new ArrayList<>(secrets);
    for (Path f : secretFiles) {
      for (String line : InputFiles.text(f, MAX_SECRET_FILE, "secret file").split("\n")) {
        if (!line.isBlank()) {
          all.add(line.strip());
        }
      }
    }
    if (all.isEmpty()) {
      throw new VerifyCommand.UsageException("give the endpoint's secret with --secret or"
          + " --secret-file");
    }
    if (all.size() > WebhookSigner.MAX_SECRETS) {
      throw new VerifyCommand.UsageException("at most " + WebhookSigner.MAX_SECRETS
          + " secrets, got " + all.size());
    }
    WebhookVerifier.Builder b = WebhookVerifier.builder().clock(clock);
    for (int i = 0; i < all.size(); i++) {
      try {
        b.secret(WebhookSecret.parse(all.get(i)));
      } catch (InvalidWebhookSecretException e) {
        throw new VerifyCommand.UsageException("secret " + (i + 1) + ": " + e.getMessage());
      }
    }
    try {
      b.tolerance(duration(tolerance));
    } catch (IllegalArgumentException e) {
      throw new VerifyCommand.UsageException("--tolerance must be 1 s to 1 day, got "
          + tolerance);
    }
    return b.build();
  }

  /** {@code 300}, {@code 300s}, {@code 5m} or {@code 1h}. */
  static Duration duration(String text) {
    if (!text.matches("[0-9]{1,6}[smh]?")) {
      throw new IllegalArgumentException("not a duration");
    }
    char unit = text.charAt(text.length() - 1);
    if (Character.isDigit(unit)) {
      return Duration.ofSeconds(Long.parseLong(text));
    }
    long n = Long.parseLong(text.substring(0, text.length() - 1));
    return switch (unit) {
      case 's' -> Duration.ofSeconds(n);
      case 'm' -> Duration.ofMinutes(n);
      default -> Duration.ofHours(n);
    };
  }
}
