package io.hyrelog.server;

import io.hyrelog.server.internal.EmbeddedDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
  /** What {@code seed} printed. */
  final String seedOutput;
  /** {@code HYRELOG_API_KEY_SECRET} of both servers (to write keys they accept). */
  final String apiKeySecret;
  /** {@code HYRELOG_INTERNAL_TOKEN} of both servers (for {@code /ops/*}). */
  final String internalToken;
  final ServerProcess a;
  final ServerProcess b;

  private ServerPair(Path dir, EmbeddedDatabase db, DemoCredentials demo, String seedOutput,
      String apiKeySecret, String internalToken, ServerProcess a, ServerProcess b) {
    this.dir = dir;
    this.db = db;
    this.demo = demo;
    this.seedOutput = seedOutput;
    this.apiKeySecret = apiKeySecret;
    this.internalToken = internalToken;
    this.a = a;
    this.b = b;
  }

  /**
   * Starts the database, seeds it and starts both servers on {@code 127.0.0.1}, any port, with
   * {@code env} on top of the generated secrets ({@code seed} sees it too, e.g. {@code
   * SEED_PLAN_TIER}).
   */
  static ServerPair start(String name, Map<String, String> env) throws IOException {
    Path dir = Files.createTempDirectory(name);
    EmbeddedDatabase db = null;
    ServerProcess a = null;
    ServerProcess b = null;
    try {
      db = EmbeddedDatabase.start(dir.resolve("postgres"));
      Map<String, String> e = ServerProcess.externalEnv(db.ownerUrl(), dir.resolve("data"));
      e.putAll(env);
      ServerProcess.Seeded seeded = ServerProcess.seed(dir, e);
      e.put("PORT", "0");
      e.put("HYRELOG_HOST", "127.0.0.1");
      a = ServerProcess.start("server-a", dir, e);
      b = ServerProcess.start("server-b", dir, e);
      a.awaitListening();
      b.awaitListening();
      return new ServerPair(dir, db, seeded.demo(), seeded.output(),
          e.get("HYRELOG_API_KEY_SECRET"), e.get("HYRELOG_INTERNAL_TOKEN"), a, b);
    } catch (RuntimeException | Error failure) {
      new ServerPair(dir, db, null, null, null, null, a, b).close();
      throw failure;
    }
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
