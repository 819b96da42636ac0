package io.hyrelog.storage.postgres;

import java.util.function.Supplier;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.PostgreSQLContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The PostgreSQL of {@code -Ptestcontainers}: a container of the official image, with the
 * durable settings the store requires, started once per test JVM (Testcontainers removes it when
 * the JVM exits). Compiled only in that profile, which brings the Testcontainers dependency;
 * {@link PostgresFixture} loads it by name.
 *
 * <p>It is also the profile's JUnit condition (registered by extension auto-detection in that
 * profile only): without a Docker engine every integration test class is skipped, with the
 * reason {@value #NO_DOCKER}, before any of its set-up runs; never failed.
 */
public final class TestcontainersPostgres implements Supplier<String>, ExecutionCondition {
  static final String NO_DOCKER = "Docker is not available: -Ptestcontainers skipped";
  private static final DockerImageName IMAGE = DockerImageName.parse("postgres:18-alpine");
  private static Boolean docker;

  public TestcontainersPostgres() {
    // loaded by name (fixture) and by ServiceLoader (JUnit)
  }

  private static synchronized boolean dockerAvailable() {
    if (docker == null) {
      docker = DockerClientFactory.instance().isDockerAvailable();
      if (!docker) {
        System.err.println(NO_DOCKER);
      }
    }
    return docker;
  }

  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    return dockerAvailable() ? ConditionEvaluationResult.enabled("Docker is available")
        : ConditionEvaluationResult.disabled(NO_DOCKER);
  }

  /** The container's administrator URL, with credentials (as HYRELOG_TEST_JDBC_URL takes). */
  @Override
  public String get() {
    if (!dockerAvailable()) {
      throw new IllegalStateException(NO_DOCKER);
    }
    @SuppressWarnings("resource") // stopped by Testcontainers when the JVM exits
    PostgreSQLContainer<?> pg = new PostgreSQLContainer<>(IMAGE)
        .withCommand("postgres", "-c", "fsync=on", "-c", "synchronous_commit=on",
            "-c", "full_page_writes=on", "-c", "max_connections=200");
    pg.start();
    String url = pg.getJdbcUrl();
    return url + (url.contains("?") ? "&" : "?") + "user=" + pg.getUsername() + "&password="
        + pg.getPassword();
  }
}
