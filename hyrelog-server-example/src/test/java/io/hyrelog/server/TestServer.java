package io.hyrelog.server;

import io.hyrelog.DataRegion;
import io.hyrelog.server.internal.KeyHasher;
import io.hyrelog.storage.postgres.PostgresTenants;
import org.postgresql.ds.PGSimpleDataSource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A real server for tests: started in this JVM on a free port, on the embedded default (a real
 * PostgreSQL under a fresh temporary data directory), with the demo tenant created. Close it to
 * stop the server and its database and delete the directory.
 */
public final class TestServer implements AutoCloseable {
  private final HyrelogServer server;
  private final Path dataDir;
  private final String console;

  private TestHttp http;

  private TestServer(HyrelogServer server, Path dataDir, String console) {
    this.server = server;
    this.dataDir = dataDir;
    this.console = console;
  }

  /** A server on the system clock with default settings. */
  public static TestServer start() {
    return start(Map.of(), Clock.systemUTC());
  }

  /**
   * A server with extra environment settings (e.g. low rate limits) on {@code clock}.
   */
  public static TestServer start(Map<String, String> env, Clock clock) {
    try {
      return start(Files.createTempDirectory("hyrelog-server-test"), env, clock);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Stops this server, keeping its data directory (database, archive, generated secrets and
   * key), and starts another on it with {@code env} (e.g. a rotated signing key). Close the
   * returned server, not this one.
   */
  public TestServer restart(Map<String, String> env, Clock clock) {
    server.close();
    return start(dataDir, env, clock);
  }

  private static TestServer start(Path dir, Map<String, String> env, Clock clock) {
    Map<String, String> e = new HashMap<>(env);
    e.put("HYRELOG_DATA_DIR", dir.toString());
    e.putIfAbsent("PORT", "0");
    e.putIfAbsent("HYRELOG_HOST", "127.0.0.1");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    HyrelogServer s = HyrelogServer.start(ServerConfig.fromEnv(e), clock,
        new PrintStream(out, true, StandardCharsets.UTF_8));
    return new TestServer(s, dir, out.toString(StandardCharsets.UTF_8));
  }

  public HyrelogServer server() {
    return server;
  }

  public DemoCredentials demo() {
    return server.demo().orElseThrow();
  }

  /** The client of this server (one per server, so connections never outlive it). */
  public synchronized TestHttp http() {
    if (http == null) {
      http = new TestHttp(server.baseUrl());
    }
    return http;
  }

  public Path dataDir() {
    return dataDir;
  }

  /** What the server printed at start (the demo banner). */
  public String console() {
    return console;
  }

  /** The operator token of {@code /internal/*} (generated into the data directory). */
  public String internalToken() {
    try {
      return new com.fasterxml.jackson.databind.ObjectMapper()
          .readTree(dataDir.resolve("secrets.json").toFile()).path("internalToken").asText();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The JDBC URL of the embedded database as its owner (for test setup only). */
  public String ownerJdbcUrl() {
    try {
      List<String> pid = Files.readAllLines(dataDir.resolve("postgres/postmaster.pid"));
      return "jdbc:postgresql://localhost:" + pid.get(3).strip() + "/hyrelog?user=postgres";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A second tenant like the demo one (a GROWTH company, a workspace, a project, a company key
   * allowed from localhost and a workspace key), written to the embedded database.
   */
  public DemoCredentials newTenant() {
    PGSimpleDataSource owner = new PGSimpleDataSource();
    owner.setURL(ownerJdbcUrl());
    String secret;
    try {
      secret = new com.fasterxml.jackson.databind.ObjectMapper()
          .readTree(dataDir.resolve("secrets.json").toFile()).path("apiKeySecret").asText();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return DemoSeed.create(PostgresTenants.create(owner), DataRegion.US, new KeyHasher(secret),
        Clock.systemUTC(), server.baseUrl().toString());
  }

  /** The dashboard's service token of {@code /dashboard/*} (generated into the data directory). */
  public String dashboardToken() {
    try {
      return new com.fasterxml.jackson.databind.ObjectMapper()
          .readTree(dataDir.resolve("secrets.json").toFile()).path("dashboardToken").asText();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    server.close();
    try (Stream<Path> files = Files.walk(dataDir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a temporary directory
    }
  }
}
