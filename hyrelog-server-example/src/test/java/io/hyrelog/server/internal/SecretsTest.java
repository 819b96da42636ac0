package io.hyrelog.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretsTest {

  @Test
  void loadOrCreate_new_generatesThreeDistinctSecretsAndKeepsThem(@TempDir Path dir) {
    Secrets s = Secrets.loadOrCreate(dir);
    assertThat(s.dashboardToken()).isPresent();
    assertThat(s.dashboardToken().get()).hasSize(64)
        .isNotEqualTo(s.internalToken()).isNotEqualTo(s.apiKeySecret());
    assertThat(Secrets.loadOrCreate(dir)).isEqualTo(s);
    assertThat(s.toString()).doesNotContain(s.dashboardToken().get());
  }

  @Test
  void loadOrCreate_fileFromBeforeTheDashboard_addsATokenAndKeepsTheOthers(@TempDir Path dir)
      throws Exception {
    Files.writeString(dir.resolve("secrets.json"), "{\"apiKeySecret\":\"a"
        + "0123456789abcdef\",\"internalToken\":\"i0123456789abcdef\"}", StandardCharsets.UTF_8);
    Secrets s = Secrets.loadOrCreate(dir);
    assertThat(s.apiKeySecret()).isEqualTo("a0123456789abcdef");
    assertThat(s.internalToken()).isEqualTo("i0123456789abcdef");
    assertThat(s.dashboardToken()).isPresent();
    JsonNode stored = Json.MAPPER.readTree(dir.resolve("secrets.json").toFile());
    assertThat(stored.path("dashboardToken").asText()).isEqualTo(s.dashboardToken().get());
    assertThat(stored.path("apiKeySecret").asText()).isEqualTo("a0123456789abcdef");
    assertThat(Secrets.loadOrCreate(dir)).isEqualTo(s);
  }
}
