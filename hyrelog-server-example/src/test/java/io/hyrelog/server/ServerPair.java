package io.hyrelog.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.hyrelog.server.internal.EmbeddedDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;

/**
 * Two server processes started from the real jar on one PostgreSQL (external mode, as two
 * replicas behind a load balancer), seeded with the demo tenant by the {@code seed} command.
 * Closing stops both servers and the database and deletes the directory.
 */
final class ServerPair implements AutoCloseable {
  final Path dir;
  final EmbeddedDatabase db;
  final DemoCredentials demo;
  /** {@code HYRELOG_API_KEY_SECRET} of both servers (to write keys they accept). */
  final String apiKeySecret;
  final ServerProcess a;
  final ServerProcess b;

  private ServerPair(Path dir, EmbeddedDatabase db, DemoCredentials demo, String apiKeySecret,
      ServerProcess a, ServerProcess b) {
    this.dir = dir;
    this.db = db;
    this.demo = demo;
    this.apiKeySecret = apiKeySecret;
    this.a = a;
    this.b = b;
  }

  /**
   * Starts the database, seeds it and starts both servers on {@code 127.0.0.1}, any port, with
   * {@code env} on top of the generated secrets.
   */
  static ServerPair start(String name, Map<String, String> env) throws IOException {
    Path dir = Files.createTempDirectory(name);
    EmbeddedDatabase db = null;
    ServerProcess a = null;
    ServerProcess b = null;
    try {
      db = EmbeddedDatabase.start(dir.resolve("postgres"));
      Map<String, String> e = ServerProcess.minimalEnv();
      String apiKeySecret = randomSecret();
      e.put("HYRELOG_DATABASE_URL", db.ownerUrl());
      e.put("HYRELOG_API_KEY_SECRET", apiKeySecret);
      e.put("HYRELOG_INTERNAL_TOKEN", randomSecret());
      e.put("HYRELOG_WEBHOOK_SECRET_ENCRYPTION_KEY", randomSecret());
      e.put("HYRELOG_DATA_DIR", dir.resolve("data").toString());
      try (ServerProcess seed = ServerProcess.start("seed", dir, e, "seed")) {
        assertThat(seed.awaitExit(Duration.ofSeconds(60))).as(seed.output()).isZero();
      }
      DemoCredentials demo = DemoCredentials.read(dir.resolve("data")
          .resolve("demo-credentials.json"));
      e.put("PORT", "0");
      e.put("HYRELOG_HOST", "127.0.0.1");
      e.putAll(env);
      a = ServerProcess.start("server-a", dir, e);
      b = ServerProcess.start("server-b", dir, e);
      a.awaitListening();
      b.awaitListening();
      return new ServerPair(dir, db, demo, apiKeySecret, a, b);
    } catch (IOException | RuntimeException | Error failure) {
      new ServerPair(dir, db, null, null, a, b).close();
      throw failure;
    }
  }

  /** 32 random bytes in hex: a secret or token the server accepts. */
  static String randomSecret() {
    byte[] bytes = new byte[32];
    new SecureRandom().nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  @Override
  public void close() {
    try {
      for (ServerProcess s : new ServerProcess[] {a, b}) {
        if (s != null) {
          s.close();
        }
      }
    } finally {
      if (db != null) {
        db.close();
      }
      ServerProcess.deleteTree(dir);
    }
  }
}
