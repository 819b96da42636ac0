package io.hyrelog.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The start-up of the real {@code hyrelog-server.jar} as an operator meets it: {@code --help},
 * an unknown argument, a misspelled variable, and secrets read from {@code _FILE} variables
 * (a real start on the embedded database, the operator token read from a file and accepted,
 * and the container image's health-check script run against it).
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
@Tag("process")
class ServerStartupIT {
  private static final String TOKEN = "internal-token-from-a-file-0123456789";
  private Path work;

  @BeforeEach
  void workDir() throws IOException {
    work = Files.createTempDirectory("hyrelog-startup");
  }

  @AfterEach
  void cleanUp() {
    ServerProcess.stopPostgres(work.resolve("hyrelog-data"));
    ServerProcess.deleteTree(work);
  }

  @Test
  void help_printsUsageToStdoutAndExitsZero() throws Exception {
    for (String flag : List.of("--help", "-h")) {
      // A misspelled variable does not stand in the way of reading the help.
      Run run = run(Map.of("HYRELOG_DATABSE_URL", "x"), flag);
      assertThat(run.exit()).as(run.stderr()).isZero();
      assertThat(run.stdout()).contains("usage: java -jar hyrelog-server.jar",
          "seed", "HYRELOG_DATABASE_URL", "HYRELOG_API_KEY_SECRET_FILE",
          "docs/configuration.md");
      assertThat(run.stderr()).isEmpty();
    }
  }

  @Test
  void unknownArgument_printsUsageToStderrAndExitsTwo() throws Exception {
    Run run = run(Map.of(), "--serve");
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.stderr()).contains("unknown argument '--serve'",
        "usage: java -jar hyrelog-server.jar");
    assertThat(run.stdout()).isEmpty();
    Run extra = run(Map.of(), "seed", "--now");
    assertThat(extra.exit()).isEqualTo(2);
    assertThat(extra.stderr()).contains("unknown argument '--now'");
    assertThat(work.resolve("hyrelog-data")).doesNotExist();
  }

  @Test
  void misspelledVariable_refusesTheStartNamingTheClosestVariable() throws Exception {
    Run run = run(Map.of("HYRELOG_DATABSE_URL", "postgres://app:hunter2hunter2@db/x"));
    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.stderr()).contains("hyrelog-server: unknown variable HYRELOG_DATABSE_URL;"
        + " did you mean HYRELOG_DATABASE_URL?").doesNotContain("hunter2");
    assertThat(work.resolve("hyrelog-data")).doesNotExist();
  }

  @Test
  void secretFiles_bothSetOrUnreadable_refuseTheStartWithoutTheSecret() throws Exception {
    Path token = Files.writeString(work.resolve("token"), TOKEN + "\n");
    Run both = run(Map.of("HYRELOG_INTERNAL_TOKEN", TOKEN, "HYRELOG_INTERNAL_TOKEN_FILE",
        token.toString()));
    assertThat(both.exit()).isEqualTo(1);
    assertThat(both.stderr()).contains("HYRELOG_INTERNAL_TOKEN and HYRELOG_INTERNAL_TOKEN_FILE")
        .doesNotContain(TOKEN);
    Path notText = Files.write(work.resolve("latin1"), (TOKEN + "\u00e9")
        .getBytes(StandardCharsets.ISO_8859_1));
    Run unreadable = run(Map.of("HYRELOG_INTERNAL_TOKEN_FILE", notText.toString()));
    assertThat(unreadable.exit()).isEqualTo(1);
    assertThat(unreadable.stderr()).contains("HYRELOG_INTERNAL_TOKEN_FILE", notText.toString())
        .doesNotContain(TOKEN);
    assertThat(work.resolve("hyrelog-data")).doesNotExist();
  }

  @Test
  void secretFiles_configureARealStart() throws Exception {
    Path token = Files.writeString(work.resolve("internal-token"), TOKEN + "\n");
    Path secret = Files.writeString(work.resolve("api-key-secret"),
        "api-key-secret-from-a-file-0123456789\n");
    Map<String, String> env = ServerProcess.minimalEnv();
    env.put("PORT", "0");
    env.put("HYRELOG_INTERNAL_TOKEN_FILE", token.toString());
    env.put("HYRELOG_API_KEY_SECRET_FILE", secret.toString());
    try (ServerProcess server = ServerProcess.start("startup", work, env)) {
      server.awaitListening();
      assertThat(server.http().get("/internal/health", "x-internal-token", TOKEN).status())
          .isEqualTo(200);
      assertThat(server.http().get("/internal/health", "x-internal-token",
          "not-" + TOKEN).status()).isEqualTo(401);
      // The container image's HEALTHCHECK script, against this real server.
      int port = server.baseUrl().getPort();
      assertThat(healthcheck(Map.of("PORT", "" + port, "HYRELOG_INTERNAL_TOKEN_FILE",
          token.toString()))).isZero();
      assertThat(healthcheck(Map.of("PORT", "" + port, "HYRELOG_INTERNAL_TOKEN",
          "not-" + TOKEN))).isEqualTo(1);
      assertThat(server.stop()).isIn(0, 143);
      assertThat(server.output()).doesNotContain(TOKEN);
    }
  }

  private record Run(int exit, String stdout, String stderr) {}

  /** Runs docker/healthcheck.sh with {@code env}; returns its exit code. */
  private int healthcheck(Map<String, String> env) throws Exception {
    ProcessBuilder pb = new ProcessBuilder("bash", Path.of("..", "docker", "healthcheck.sh")
        .toAbsolutePath().toString()).redirectErrorStream(true)
        .redirectOutput(work.resolve("healthcheck.out").toFile());
    pb.environment().clear();
    pb.environment().putAll(ServerProcess.minimalEnv());
    pb.environment().put("HYRELOG_DATA_DIR", work.resolve("no-data-dir").toString());
    pb.environment().putAll(env);
    Process p = pb.start();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("healthcheck.sh did not finish");
    }
    assertThat(Files.readString(work.resolve("healthcheck.out"))).doesNotContain(TOKEN);
    return p.exitValue();
  }

  /** Runs the jar to its end with {@code extra} added to a minimal environment. */
  private Run run(Map<String, String> extra, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin",
        "java").toString(), "-jar", ServerProcess.jar().toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(work.toFile())
        .redirectOutput(work.resolve("stdout").toFile())
        .redirectError(work.resolve("stderr").toFile());
    pb.environment().clear();
    pb.environment().putAll(ServerProcess.minimalEnv());
    pb.environment().put("PORT", "0");
    pb.environment().putAll(extra);
    Process p = pb.start();
    if (!p.waitFor(Duration.ofMinutes(2).toSeconds(), TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("the server did not exit: " + Files.readString(
          work.resolve("stderr")));
    }
    return new Run(p.exitValue(), Files.readString(work.resolve("stdout")),
        Files.readString(work.resolve("stderr")));
  }
}
