package io.hyrelog.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The repository's compose.yaml and Dockerfile, checked without Docker (which cannot run here):
 * the server service sets only known variables, every secret through a {@code _FILE} variable
 * naming a declared compose secret, and its whole environment is a configuration the server
 * accepts; the Dockerfile runs the shaded jar as a non-root user with a health check.
 */
class ContainerFilesTest {
  private static final Path ROOT = Path.of("..");
  private static final String SECRETS_DIR = "/run/secrets/";

  @TempDir
  Path dir;

  @Test
  void compose_serverEnvironment_onlyKnownVariablesAndSecretsFromFiles() throws IOException {
    JsonNode compose = compose();
    JsonNode server = compose.path("services").path("hyrelog");
    Map<String, String> env = environment(server);
    assertThat(env).isNotEmpty().containsKeys("HYRELOG_DATABASE_URL_FILE",
        "HYRELOG_API_KEY_SECRET_FILE", "HYRELOG_INTERNAL_TOKEN_FILE",
        "HYRELOG_ARCHIVE_S3_BUCKET", "HYRELOG_ARCHIVE_S3_ENDPOINT",
        "HYRELOG_ARCHIVE_S3_SECRET_ACCESS_KEY_FILE");
    assertThat(ServerEnvironment.accepted()).containsAll(env.keySet());
    assertThat(env.keySet()).as("secrets are never plain environment values")
        .doesNotContainAnyElementsOf(ServerEnvironment.secrets());
    List<String> serviceSecrets = new ArrayList<>();
    server.path("secrets").forEach(s -> serviceSecrets.add(s.asText()));
    env.forEach((name, value) -> {
      if (name.endsWith(ServerEnvironment.FILE_SUFFIX)) {
        assertThat(value).as(name).startsWith(SECRETS_DIR);
        String secret = value.substring(SECRETS_DIR.length());
        assertThat(serviceSecrets).as(name).contains(secret);
        assertThat(compose.path("secrets").path(secret).path("file").asText()).as(secret)
            .startsWith("./secrets/");
      }
    });
  }

  @Test
  void compose_serverEnvironment_isAConfigurationTheServerAccepts() throws IOException {
    Map<String, String> values = Map.of(
        "database_url", "postgres://hyrelog:pg-password@postgres:5432/hyrelog\n",
        "api_key_secret", "0123456789abcdef0123456789abcdef\n",
        "internal_token", "fedcba9876543210fedcba9876543210\n",
        "dashboard_token", "dashboard-0123456789abcdef\n",
        "evidence_master_key", Base64.getEncoder().encodeToString(new byte[32]) + "\n",
        "archive_s3_secret_access_key", "archive-secret-0123456789\n",
        "webhook_secret_encryption_key", "0123456789abcdef".repeat(4) + "\n",
        "subject_key_encryption_key", "fedcba9876543210".repeat(4) + "\n");
    Map<String, String> env = new HashMap<>(environment(compose().path("services")
        .path("hyrelog")));
    for (Map.Entry<String, String> e : env.entrySet()) {
      if (e.getValue().startsWith(SECRETS_DIR)) {
        String secret = e.getValue().substring(SECRETS_DIR.length());
        assertThat(values).as("a test value for " + secret).containsKey(secret);
        e.setValue(Files.writeString(dir.resolve(secret), values.get(secret)).toString());
      }
    }
    ServerConfig config = ServerConfig.fromEnv(env);
    assertThat(config.embedded()).isFalse();
    assertThat(config.archive().s3()).isTrue();
    assertThat(config.archive().s3Settings().orElseThrow().bucket())
        .isEqualTo("hyrelog-archive-{region}");
    assertThat(config.internalToken()).contains("fedcba9876543210fedcba9876543210");
  }

  @Test
  void compose_services_postgresSixteenMinioAndTheServerBuiltHere() throws IOException {
    JsonNode services = compose().path("services");
    assertThat(services.path("postgres").path("image").asText()).matches("postgres:1[56].*");
    assertThat(services.path("minio").path("image").asText()).startsWith("minio/minio");
    assertThat(services.path("hyrelog").path("build").asText()).isEqualTo(".");
    // The bucket minio-init creates is the one {region} becomes for the default region (US).
    assertThat(services.path("minio-init").path("command").get(0).asText())
        .contains("mc mb --ignore-existing hyrelog/hyrelog-archive-us");
  }

  @Test
  void dockerfile_buildsTheServerAndRunsItUnprivilegedWithAHealthCheck() throws IOException {
    String dockerfile = Files.readString(ROOT.resolve("Dockerfile"));
    assertThat(dockerfile).contains(
        "FROM maven:3.9-eclipse-temurin-17 AS build",
        "package -pl hyrelog-server-example -am",
        "FROM eclipse-temurin:17-jre",
        "COPY --from=build /src/hyrelog-server-example/target/hyrelog-server.jar",
        "USER hyrelog:hyrelog", "EXPOSE 3000", "HEALTHCHECK", "/opt/hyrelog/healthcheck.sh",
        "VOLUME [\"/var/lib/hyrelog\"]");
    assertThat(dockerfile.indexOf("USER hyrelog")).as("USER before ENTRYPOINT")
        .isLessThan(dockerfile.indexOf("ENTRYPOINT"));
    assertThat(ROOT.resolve("docker/healthcheck.sh")).isExecutable();
  }

  private static JsonNode compose() throws IOException {
    return new ObjectMapper(new YAMLFactory()).readTree(ROOT.resolve("compose.yaml").toFile());
  }

  private static Map<String, String> environment(JsonNode service) {
    Map<String, String> env = new HashMap<>();
    service.path("environment").fields().forEachRemaining(e -> env.put(e.getKey(),
        e.getValue().asText()));
    return env;
  }
}
