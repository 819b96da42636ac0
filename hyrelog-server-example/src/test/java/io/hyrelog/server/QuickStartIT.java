package io.hyrelog.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The README's first quick-start command, {@code java -jar hyrelog-server.jar}, run as a user
 * would: in a fresh working directory, with no HYRELOG_* variable (only {@code PORT=0}, so it
 * cannot collide with another server). Proves the first start prints the demo keys in full with
 * curl lines and writes a private {@code hyrelog-data/demo-credentials.json}; the keys work;
 * a restart after SIGTERM prints key prefixes only and keeps the events; a restart after a
 * kill -9 stops the orphaned PostgreSQL and keeps the events; and a second server on the same
 * directory exits 1 saying what to do.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
@Tag("process")
class QuickStartIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String EVENT = "{\"category\":\"user\",\"action\":\"login\",\"actor\":"
      + "{\"id\":\"u_1\",\"email\":\"ada@example.com\"}}";

  @Test
  void javaJar_cleanDirectory_startsRestartsAndRecoversFromKill() throws Exception {
    Path work = Files.createTempDirectory("hyrelog-quickstart");
    Path data = work.resolve("hyrelog-data");
    Map<String, String> env = ServerProcess.minimalEnv();
    env.put("PORT", "0");
    List<ServerProcess> started = new ArrayList<>();
    try {
      // First start: the banner with full keys, and the credentials file.
      ServerProcess first = start(started, "first", work, env);
      int port = first.awaitListening();
      Path credentials = data.resolve("demo-credentials.json");
      assertThat(credentials).exists();
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(credentials)))
          .isEqualTo("rw-------");
      JsonNode file = JSON.readTree(credentials.toFile());
      assertThat(file.size()).isEqualTo(6);
      for (String field : List.of("baseUrl", "companyId", "workspaceId", "projectId",
          "companyKey", "workspaceKey")) {
        assertThat(file.path(field).asText()).as(field).isNotBlank();
      }
      assertThat(file.path("baseUrl").asText()).isEqualTo("http://localhost:" + port);
      DemoCredentials demo = DemoCredentials.read(credentials);
      String banner = first.output();
      assertThat(banner).contains("HyreLog demo tenant created", demo.companyKey(),
          demo.workspaceKey(), demo.companyId().toString(), demo.workspaceId().toString(),
          "curl -s -X POST http://localhost:" + port + "/v1/events -H 'Authorization: Bearer "
              + demo.workspaceKey() + "'",
          "curl -s 'http://localhost:" + port + "/v1/events?limit=10' -H 'Authorization: Bearer "
              + demo.companyKey() + "'");

      TestHttp http = first.http();
      TestHttp.Response root = http.get("/");
      assertThat(root.status()).isEqualTo(200);
      assertThat(root.json().path("service").asText()).isEqualTo("hyrelog-api");
      TestHttp.Response created = http.post("/v1/events", EVENT, "Authorization", "Bearer "
          + demo.workspaceKey(), "Content-Type", "application/json");
      assertThat(created.status()).as(created.text()).isEqualTo(201);
      String eventId = created.json().path("id").asText();
      assertThat(eventIds(http, demo)).containsExactly(eventId);

      // SIGTERM, then start again: prefixes only, and the event is still there.
      assertThat(first.stop()).as(first.output()).isIn(0, 143);
      assertThat(first.output()).contains("HyreLog API stopped");
      assertThat(ServerProcess.postgresOf(data)).as("PostgreSQL stopped with the server")
          .isEmpty();
      ServerProcess second = start(started, "second", work, env);
      second.awaitListening();
      assertThat(second.output())
          .contains("HyreLog demo tenant: company " + demo.companyId(),
              demo.companyKey().substring(0, 14), demo.workspaceKey().substring(0, 14))
          .doesNotContain(demo.companyKey(), demo.workspaceKey(), "curl ");
      assertThat(eventIds(second.http(), demo)).containsExactly(eventId);

      // kill -9: the JVM dies, its PostgreSQL is orphaned; the next start must cope.
      assertThat(second.kill()).isEqualTo(137);
      Optional<ProcessHandle> orphan = ServerProcess.postgresOf(data);
      assertThat(orphan).as("PostgreSQL orphaned by the kill").isPresent();
      ServerProcess third = start(started, "third", work, env);
      third.awaitListening();
      assertThat(third.output()).contains("stopping an orphaned embedded PostgreSQL (pid "
          + orphan.get().pid() + ")");
      assertThat(orphan.get().isAlive()).isFalse();
      TestHttp.Response more = third.http().post("/v1/events", EVENT.replace("u_1", "u_2"),
          "Authorization", "Bearer " + demo.workspaceKey(), "Content-Type", "application/json");
      assertThat(more.status()).as(more.text()).isEqualTo(201);
      assertThat(eventIds(third.http(), demo))
          .containsExactlyInAnyOrder(more.json().path("id").asText(), eventId);

      // A second server on the same data directory: exit code 1 and what to do.
      ServerProcess rival = start(started, "rival", work, env);
      assertThat(rival.awaitExit(Duration.ofSeconds(60))).as(rival.output()).isEqualTo(1);
      assertThat(rival.output()).containsPattern(Pattern.compile("another HyreLog server is"
          + " using .*hyrelog-data; stop it, or give this one its own HYRELOG_DATA_DIR"));
      assertThat(third.isAlive()).isTrue();
      assertThat(third.http().get("/").status()).isEqualTo(200);

      assertThat(third.stop()).as(third.output()).isIn(0, 143);
      assertThat(ServerProcess.postgresOf(data)).isEmpty();
    } finally {
      for (ServerProcess p : started) {
        p.close();
      }
      ServerProcess.stopPostgres(data); // orphaned if a kill -9 was the last stop
      ServerProcess.deleteTree(work);
    }
  }

  private static ServerProcess start(List<ServerProcess> started, String name, Path work,
      Map<String, String> env) {
    ServerProcess p = ServerProcess.start(name, work, env);
    started.add(p);
    return p;
  }

  /** The ids of the newest events, read with the company key. */
  private static List<String> eventIds(TestHttp http, DemoCredentials demo) {
    TestHttp.Response r = http.get("/v1/events?limit=10", "Authorization", "Bearer "
        + demo.companyKey());
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    List<String> ids = new ArrayList<>();
    r.json().path("data").forEach(e -> ids.add(e.path("id").asText()));
    return ids;
  }
}
