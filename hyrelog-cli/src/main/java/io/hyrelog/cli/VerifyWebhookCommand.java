package io.hyrelog.cli;

import io.hyrelog.webhook.WebhookSigner;
import io.hyrelog.webhook.WebhookVerificationException;
import io.hyrelog.webhook.WebhookVerifier;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code verify-webhook}: a saved webhook delivery was signed with an endpoint's secret. */
@Command(
    name = "verify-webhook",
    mixinStandardHelpOptions = true,
    description = {
        "Verifies a saved webhook delivery offline: its Standard Webhooks signature",
        "(webhook-signature over webhook-id, webhook-timestamp and the exact BODY bytes) with",
        "the endpoint's secret, and that its timestamp lies within the tolerance of --now. The",
        "headers come from --headers (a file of 'name: value' lines, as saved from the",
        "request) or from --id, --timestamp and --signature, which win over the file. When",
        "the body is a HyreLog event, its content must also hash to its stated hash.",
        "Exit codes: 0 verified, 1 not verified, 2 usage error or unreadable input."})
final class VerifyWebhookCommand implements Callable<Integer> {
  /** The largest headers file read. */
  static final long MAX_HEADERS_FILE = 64 * 1024;

  @ParentCommand
  private HyrelogCli cli;

  @Parameters(index = "0", paramLabel = "BODY", description = "the delivery's body, exactly as"
      + " received")
  private Path body;

  @Option(names = "--headers", paramLabel = "FILE",
      description = "the delivery's headers, one 'name: value' a line")
  private Path headersFile;

  @Option(names = "--id", paramLabel = "ID", description = "the webhook-id header")
  private String id;

  @Option(names = "--timestamp", paramLabel = "SECONDS",
      description = "the webhook-timestamp header")
  private String timestamp;

  @Option(names = "--signature", paramLabel = "SIG", description = "the webhook-signature"
      + " header")
  private String signature;

  @Option(names = "--now", paramLabel = "TIME",
      description = {"the time to check the timestamp against: Unix seconds or RFC 3339",
          "(default: now); for a delivery saved earlier, the time it was received"})
  private String now;

  @Mixin
  private WebhookVerifierOptions options;

  @Override
  public Integer call() {
    WebhookVerifier verifier;
    Map<String, String> headers;
    byte[] bytes;
    try {
      verifier = options.verifier(now == null ? Clock.systemUTC()
          : Clock.fixed(instant(now), ZoneOffset.UTC));
      headers = headersFile == null ? new LinkedHashMap<>() : readHeaders(headersFile);
      Optional.ofNullable(id).ifPresent(v -> headers.put(WebhookSigner.ID, v));
      Optional.ofNullable(timestamp).ifPresent(v -> headers.put(WebhookSigner.TIMESTAMP, v));
      Optional.ofNullable(signature).ifPresent(v -> headers.put(WebhookSigner.SIGNATURE, v));
      bytes = InputFiles.bytes(body, InputFiles.MAX_SMALL_FILE, "webhook body");
    } catch (VerifyCommand.UsageException e) {
      cli.stderr.println("hyrelog verify-webhook: " + e.getMessage());
      return HyrelogCli.USAGE;
    }
    WebhookVerifier.Verified ok;
    try {
      ok = verifier.verify(headers, bytes);
    } catch (WebhookVerificationException e) {
      cli.stdout.println("NOT verified: " + e.reason() + ": " + e.getMessage());
      return HyrelogCli.INTEGRITY_FAILURE;
    }
    cli.stdout.println("verified: webhook-id " + ok.id() + ", signed at " + ok.timestamp()
        + " (" + ok.timestamp().getEpochSecond() + ")");
    Optional<DeliveredEvent> event = DeliveredEvent.read(bytes);
    if (event.isEmpty()) {
      cli.stdout.println("the body is not a HyreLog event");
      return HyrelogCli.OK;
    }
    cli.stdout.println("event: " + event.get().describe());
    return event.get().hashVerifies() ? HyrelogCli.OK : HyrelogCli.INTEGRITY_FAILURE;
  }

  /** Unix seconds or an RFC 3339 instant. */
  static Instant instant(String text) {
    try {
      if (text.matches("[0-9]{1,12}")) {
        return Instant.ofEpochSecond(Long.parseLong(text));
      }
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw new VerifyCommand.UsageException("--now must be Unix seconds or an RFC 3339 time"
          + " such as 2026-12-01T10:00:00Z, got " + (text.length() > 40 ? text.substring(0, 40)
          + "…" : text));
    }
  }

  /** {@code name: value} lines; blank lines and an HTTP request line are skipped. */
  static Map<String, String> readHeaders(Path file) {
    Map<String, String> h = new LinkedHashMap<>();
    String[] lines = InputFiles.text(file, MAX_HEADERS_FILE, "headers file").split("\n");
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty() || (i == 0 && line.matches("[A-Z]+ \\S+ HTTP/[0-9.]+"))) {
        continue;
      }
      int colon = line.indexOf(':');
      if (colon < 1) {
        throw new VerifyCommand.UsageException(file + " line " + (i + 1)
            + " is not 'name: value'");
      }
      String name = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
      String value = line.substring(colon + 1).strip();
      if (h.containsKey(name) && !h.get(name).equals(value)) {
        throw new VerifyCommand.UsageException(file + " gives " + name + " twice with"
            + " different values");
      }
      h.put(name, value);
    }
    return h;
  }
}
