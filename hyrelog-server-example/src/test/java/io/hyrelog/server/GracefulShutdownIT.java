package io.hyrelog.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * SIGTERM to a server process (the real jar, embedded PostgreSQL) while clients are posting
 * events. Proves that graceful shutdown loses no acknowledged event (every event answered 2xx
 * is in the chain after a restart on the same data, and the chain verifies), that requests
 * caught by the shutdown get a 503 problem or a connection error but never another status, and
 * that the process exits 0 or 143 within 30 s with its PostgreSQL stopped, also when the
 * SIGTERM comes while it is still starting.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
@Tag("process")
class GracefulShutdownIT {
  private static final int CLIENTS = 16;
  private static final int REQUESTS_PER_CLIENT = 150;
  /** SIGTERM goes out once this many events are acknowledged (a fraction of all requests). */
  private static final int SIGTERM_AFTER_ACKS = 300;

  @Test
  void sigterm_whileClientsPost_keepsEveryAcknowledgedEvent() throws Exception {
    Path dir = Files.createTempDirectory("hyrelog-shutdown");
    Path data = dir.resolve("hyrelog-data");
    Map<String, String> env = env(data);
    ServerProcess first = null;
    ServerProcess second = null;
    ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
    try {
      first = ServerProcess.start("first", dir, env);
      first.awaitListening();
      DemoCredentials demo = DemoCredentials.read(data.resolve("demo-credentials.json"));
      TestHttp http = first.http();

      Queue<UUID> acked = new ConcurrentLinkedQueue<>();
      AtomicInteger unavailable = new AtomicInteger();
      AtomicInteger connectionErrors = new AtomicInteger();
      Queue<String> unexpected = new ConcurrentLinkedQueue<>();
      CountDownLatch go = new CountDownLatch(1);
      List<Future<?>> clients = new ArrayList<>();
      for (int c = 0; c < CLIENTS; c++) {
        int client = c;
        clients.add(pool.submit(() -> {
          go.await();
          for (int i = 0; i < REQUESTS_PER_CLIENT; i++) {
            String body = "{\"category\":\"user\",\"action\":\"login\",\"actor\":{\"id\":\"u_"
                + client + "\"},\"metadata\":{\"request\":" + i + "}}";
            TestHttp.Response r;
            try {
              r = http.post("/v1/events", body, "Authorization", "Bearer "
                  + demo.workspaceKey(), "Content-Type", "application/json");
            } catch (UncheckedIOException e) {
              connectionErrors.incrementAndGet();
              continue;
            }
            if (r.status() == 201) {
              acked.add(UUID.fromString(r.json().path("id").asText()));
            } else if (r.status() == 503 && r.header("content-type") != null
                && r.header("content-type").startsWith("application/problem+json")
                && r.json().path("status").asInt() == 503) {
              unavailable.incrementAndGet();
            } else {
              unexpected.add(r.status() + " " + r.header("content-type") + " " + r.text());
            }
          }
          return null;
        }));
      }
      go.countDown();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (acked.size() < SIGTERM_AFTER_ACKS) {
        assertThat(System.nanoTime()).as("acknowledged events before SIGTERM: %d, unexpected:"
            + " %s", acked.size(), unexpected).isLessThan(deadline);
        Thread.sleep(5); // polling, not for correctness
      }

      int exit = first.stop();
      assertThat(exit).as("exit code; output:\n%s", first.output()).isIn(0, 143);
      assertThat(first.output()).contains("HyreLog API stopped");
      assertThat(ServerProcess.postgresOf(data)).as("PostgreSQL stopped with the server")
          .isEmpty();
      for (Future<?> f : clients) {
        f.get(120, TimeUnit.SECONDS);
      }
      assertThat(unexpected).as("responses other than 201 and 503 problem+json").isEmpty();
      assertThat(acked.size() + unavailable.get() + connectionErrors.get())
          .isEqualTo(CLIENTS * REQUESTS_PER_CLIENT);
      List<UUID> ackedIds = List.copyOf(acked);
      System.out.printf("acknowledged %d, 503 %d, connection errors %d%n", ackedIds.size(),
          unavailable.get(), connectionErrors.get());

      second = ServerProcess.start("second", dir, env);
      second.awaitListening();
      TestHttp again = second.http();
      long head = ChainExport.headSeq(again, demo.workspaceId(), demo.workspaceKey());
      assertThat(head).as("stored events").isGreaterThanOrEqualTo(ackedIds.size());
      ChainExport export = ChainExport.download(again, demo.workspaceId(), demo.workspaceKey());
      assertThat(export.report().ok()).as("offline verification: %s", export.report()).isTrue();
      assertThat(export.seqs())
          .containsExactlyElementsOf(LongStream.rangeClosed(1, head).boxed().toList());
      assertThat(new HashSet<>(export.ids())).hasSize((int) head);
      assertThat(new HashSet<>(export.ids())).as("every acknowledged event is stored")
          .containsAll(ackedIds);
      JsonNode v = ChainExport.serverVerify(again, demo.workspaceId(), demo.workspaceKey())
          .json();
      assertThat(v.path("valid").asBoolean()).as("server verify: %s", v).isTrue();
      assertThat(second.stop()).isIn(0, 143);
    } finally {
      pool.shutdownNow();
      close(first);
      close(second);
      ServerProcess.stopPostgres(data);
      ServerProcess.deleteTree(dir);
    }
  }

  @Test
  void sigterm_duringFirstStart_stopsPostgresToo() throws Exception {
    Path dir = Files.createTempDirectory("hyrelog-shutdown");
    Path data = dir.resolve("hyrelog-data");
    ServerProcess server = null;
    try {
      server = ServerProcess.start("starting", dir, env(data));
      // PostgreSQL runs; migrations and the demo tenant come next, then the listening line.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (ServerProcess.postgresOf(data).isEmpty()) {
        assertThat(server.isAlive()).as(server.output()).isTrue();
        assertThat(System.nanoTime()).as("PostgreSQL started").isLessThan(deadline);
        Thread.sleep(10); // polling, not for correctness
      }
      ProcessHandle postgres = ServerProcess.postgresOf(data).orElseThrow();
      assertThat(server.stop()).as(server.output()).isIn(0, 143);
      try {
        postgres.onExit().get(10, TimeUnit.SECONDS);
      } catch (TimeoutException e) {
        throw new AssertionError("PostgreSQL (pid " + postgres.pid() + ") still runs after"
            + " its server stopped; server output:\n" + server.output(), e);
      }
    } finally {
      close(server);
      ServerProcess.stopPostgres(data);
      ServerProcess.deleteTree(dir);
    }
  }

  private static Map<String, String> env(Path data) {
    Map<String, String> env = ServerProcess.minimalEnv();
    env.put("HYRELOG_DATA_DIR", data.toString());
    env.put("PORT", "0");
    env.put("HYRELOG_HOST", "127.0.0.1");
    env.put("HYRELOG_RATE_LIMIT_API_KEY_PER_MIN", "10000000");
    env.put("HYRELOG_RATE_LIMIT_IP_PER_MIN", "10000000");
    return env;
  }

  private static void close(ServerProcess p) {
    if (p != null) {
      p.close();
    }
  }
}
