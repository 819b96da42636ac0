package io.hyrelog.cli;

import io.hyrelog.HyrelogException;
import io.hyrelog.compliance.Ed25519Keys;
import io.hyrelog.compliance.witness.Cosigner;
import io.hyrelog.compliance.witness.Witness;
import io.hyrelog.integrity.NoteVerifier;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code witness}: a C2SP tlog-witness over HTTP that auditors or customers run themselves. */
@Command(
    name = "witness",
    mixinStandardHelpOptions = true,
    description = {
        "Runs a C2SP tlog-witness: POST /add-checkpoint cosigns a log's new checkpoint only if a",
        "trusted log key signed it and a consistency proof shows it extends the last one this",
        "witness cosigned for that log (kept durably under --state), so rollbacks and forks",
        "are refused (409, 422). Every chain of a HyreLog deployment is trusted under its",
        "log key's name: origin <key name>/chains/<workspaceId>. Stops on SIGTERM or Ctrl-C.",
        "Exit codes: 0 stopped, 2 usage error or unusable key or state directory."})
final class WitnessCommand implements Callable<Integer> {
  @ParentCommand
  private HyrelogCli cli;

  @Option(names = "--key", paramLabel = "FILE", required = true,
      description = "the witness's Ed25519 private key (PKCS#8 PEM, as keygen writes it)")
  private Path key;

  @Option(names = "--name", paramLabel = "NAME", required = true,
      description = "the witness's key name, e.g. witness.example.org")
  private String name;

  @Option(names = "--log-key", paramLabel = "KEY", required = true,
      description = {"a log's signing key (same forms as verify's --public-key, including the",
          "JSON of GET /v1/signing-keys); its chains are witnessed; repeatable"})
  private List<String> logKeys = new ArrayList<>();

  @Option(names = "--state", paramLabel = "DIR", required = true,
      description = "where the witness keeps each log's last size and root (one witness per"
          + " directory)")
  private Path state;

  @Option(names = "--host", paramLabel = "HOST", defaultValue = "127.0.0.1",
      description = "the address to listen on (default: ${DEFAULT-VALUE})")
  private String host;

  @Option(names = "--port", paramLabel = "PORT", defaultValue = "8081",
      description = "the port to listen on, 0 for any free port (default: ${DEFAULT-VALUE})")
  private int port;

  @Override
  public Integer call() throws InterruptedException {
    if (port < 0 || port > 65535) {
      return usage("--port must be 0..65535, got " + port);
    }
    Witness witness;
    Map<String, List<NoteVerifier>> byName = new LinkedHashMap<>();
    try {
      Cosigner cosigner = Cosigner.of(Ed25519Keys.readSigner(name, key));
      Witness.Builder b = Witness.builder(cosigner, state);
      for (NoteVerifier v : TrustedKeys.load("--log-key", logKeys)) {
        byName.computeIfAbsent(v.name(), n -> new ArrayList<>()).add(v);
      }
      byName.forEach((n, keys) -> b.logPrefix(n + "/chains/", keys.toArray(NoteVerifier[]::new)));
      witness = b.build();
    } catch (VerifyCommand.UsageException | HyrelogException | IllegalArgumentException e) {
      return usage(e.getMessage());
    }
    CountDownLatch stop = new CountDownLatch(1);
    try (witness; WitnessServer server = WitnessServer.start(witness, host, port)) {
      Thread hook = new Thread(stop::countDown, "hyrelog-witness-stop");
      Runtime.getRuntime().addShutdownHook(hook);
      cli.stdout.println("witness " + name + " listening on http://" + host + ":"
          + server.port() + "/add-checkpoint for the chains of "
          + String.join(", ", byName.keySet()) + " (state in " + state + ")");
      // What a log's operator configures (HYRELOG_WITNESS_URLS) to verify this witness.
      cli.stdout.println("cosignature verifier key: " + witness.verifier().verifierKey());
      cli.stdout.flush();
      stop.await();
    } catch (IOException e) {
      return usage("cannot listen on " + host + ":" + port + ": " + e.getMessage());
    }
    return HyrelogCli.OK;
  }

  private int usage(String message) {
    cli.stderr.println("hyrelog witness: " + message);
    return HyrelogCli.USAGE;
  }
}
