package io.hyrelog.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hyrelog.server.config.ConfigException;
import io.hyrelog.server.internal.Secrets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code HYRELOG_SUBJECT_KEY_ENCRYPTION_KEY}: the deployment key sealing the subject keys of
 * archived personal values; generated into {@code secrets.json} in embedded mode, required with
 * an external database.
 */
class SubjectKeySettingsTest {
  private static final String KEY = "00112233445566778899aabbccddeeff".repeat(2);

  @Test
  void fromEnv_set_readsIt_andToStringMasksIt() {
    ArchiveSettings s = ServerConfig.fromEnv(Map.of("HYRELOG_SUBJECT_KEY_ENCRYPTION_KEY", KEY))
        .archive();
    assertThat(s.subjectKeyEncryptionKey()).contains(KEY);
    assertThat(s.toString()).doesNotContain(KEY).contains("<masked>");
    assertThat(ServerConfig.fromEnv(Map.of()).archive().subjectKeyEncryptionKey()).isEmpty();
  }

  @Test
  void fromEnv_badKey_refusedNamingTheVariable_withoutTheValue() {
    for (String bad : new String[] {"abc", KEY + "00", "zz" + KEY.substring(2),
        "secret-" + KEY.substring(7)}) {
      assertThatThrownBy(() -> ServerConfig.fromEnv(Map.of(
          "HYRELOG_SUBJECT_KEY_ENCRYPTION_KEY", bad)))
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("HYRELOG_SUBJECT_KEY_ENCRYPTION_KEY")
          .hasMessageContaining("64 hex")
          .message().doesNotContain(bad);
    }
  }

  @Test
  void secretsFile_generatesTheKeyOnce_apartFromTheWebhookKey_andAddsItToAnOlderFile(
      @TempDir Path dir) throws Exception {
    Secrets first = Secrets.loadOrCreate(dir);
    String key = first.subjectKey().orElseThrow();
    assertThat(key).matches("[0-9a-f]{64}").isNotEqualTo(first.webhookKey().orElseThrow());
    assertThat(Secrets.loadOrCreate(dir).subjectKey()).contains(key);

    Path old = Files.createDirectory(dir.resolve("old"));
    Files.writeString(old.resolve("secrets.json"), "{\"apiKeySecret\":\"a\","
        + "\"internalToken\":\"b\",\"dashboardToken\":\"c\",\"webhookSecretEncryptionKey\":\""
        + KEY + "\"}");
    Secrets upgraded = Secrets.loadOrCreate(old);
    assertThat(upgraded.webhookKey()).contains(KEY);
    assertThat(upgraded.subjectKey().orElseThrow()).matches("[0-9a-f]{64}");
    assertThat(Secrets.loadOrCreate(old).subjectKey()).isEqualTo(upgraded.subjectKey());
  }

  @Test
  void externalDatabase_withoutTheKey_startRefusedNamingTheVariable(@TempDir Path dir) {
    // Refused before any database connection: the URL need not answer.
    ServerConfig config = ServerConfig.fromEnv(Map.of("HYRELOG_DATABASE_URL",
        "postgres://u:p@127.0.0.1:1/db", "HYRELOG_API_KEY_SECRET", "0123456789abcdef0123",
        "HYRELOG_INTERNAL_TOKEN", "fedcba9876543210fedc", "HYRELOG_DATA_DIR",
        dir.toString(), "HYRELOG_WEBHOOK_SECRET_ENCRYPTION_KEY", KEY));
    assertThatThrownBy(() -> HyrelogServer.start(config))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("HYRELOG_SUBJECT_KEY_ENCRYPTION_KEY");
  }
}
