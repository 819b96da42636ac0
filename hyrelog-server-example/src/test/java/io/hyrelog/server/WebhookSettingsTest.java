package io.hyrelog.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hyrelog.server.config.ConfigException;
import io.hyrelog.server.config.WebhookSettings;
import io.hyrelog.server.internal.Secrets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code HYRELOG_WEBHOOK_SECRET_ENCRYPTION_KEY}, {@code HYRELOG_WEBHOOK_ALLOW_PRIVATE_NETWORKS}
 * and {@code HYRELOG_WEBHOOK_LEASE_SECONDS}: strict values, errors that never repeat the key, the key generated once into {@code
 * secrets.json} in embedded mode.
 */
class WebhookSettingsTest {
  private static final String KEY = "0123456789abcdef".repeat(4);

  @Test
  void fromEnv_unset_noKeyAndPrivateNetworksRefused() {
    WebhookSettings s = ServerConfig.fromEnv(Map.of()).webhooks();
    assertThat(s.secretEncryptionKey()).isEmpty();
    assertThat(s.allowPrivateNetworks()).isFalse();
    assertThat(s.lease()).isEqualTo(Duration.ofSeconds(60));
  }

  @Test
  void fromEnv_leaseSeconds_readWithinItsBounds() {
    for (int seconds : new int[] {20, 45, 3600}) {
      assertThat(WebhookSettings.fromEnv(Map.of("HYRELOG_WEBHOOK_LEASE_SECONDS",
          " " + seconds + " ")).lease()).isEqualTo(Duration.ofSeconds(seconds));
    }
  }

  @Test
  void fromEnv_badLease_refusedNamingTheVariableAndWhy() {
    for (String bad : new String[] {"19", "0", "-60", "3601", "60s", "1.5", "2147483648"}) {
      assertThatThrownBy(() -> WebhookSettings.fromEnv(Map.of(
          "HYRELOG_WEBHOOK_LEASE_SECONDS", bad)))
          .as(bad)
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("HYRELOG_WEBHOOK_LEASE_SECONDS must be an integer in 20..3600")
          .hasMessageContaining("'" + bad + "'")
          .hasMessageContaining("15 s");
    }
    String huge = "9".repeat(5000);
    assertThatThrownBy(() -> WebhookSettings.fromEnv(Map.of(
        "HYRELOG_WEBHOOK_LEASE_SECONDS", huge)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("got 5000 characters")
        .message().hasSizeLessThan(400);
  }

  @Test
  void constructor_leaseOutOfBounds_refused() {
    assertThatThrownBy(() -> new WebhookSettings(java.util.Optional.empty(), false,
        Duration.ofSeconds(15))).hasMessageContaining("lease");
  }

  @Test
  void fromEnv_set_readsBoth_andToStringMasksTheKey() {
    WebhookSettings s = ServerConfig.fromEnv(Map.of("HYRELOG_WEBHOOK_SECRET_ENCRYPTION_KEY",
        KEY, "HYRELOG_WEBHOOK_ALLOW_PRIVATE_NETWORKS", "true")).webhooks();
    assertThat(s.secretEncryptionKey()).contains(KEY);
    assertThat(s.allowPrivateNetworks()).isTrue();
    assertThat(s.toString()).doesNotContain(KEY).contains("<masked>");
  }

  @Test
  void fromEnv_badKey_refusedNamingTheVariable_withoutTheValue() {
    for (String bad : new String[] {"abc", KEY + "00", "zz" + KEY.substring(2),
        "secret-" + KEY.substring(7)}) {
      assertThatThrownBy(() -> WebhookSettings.fromEnv(Map.of(
          "HYRELOG_WEBHOOK_SECRET_ENCRYPTION_KEY", bad)))
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("HYRELOG_WEBHOOK_SECRET_ENCRYPTION_KEY")
          .hasMessageContaining("64 hex")
          .message().doesNotContain(bad);
    }
  }

  @Test
  void fromEnv_badFlag_refusedNamingTheVariable() {
    assertThatThrownBy(() -> WebhookSettings.fromEnv(Map.of(
        "HYRELOG_WEBHOOK_ALLOW_PRIVATE_NETWORKS", "yes")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("HYRELOG_WEBHOOK_ALLOW_PRIVATE_NETWORKS");
  }

  @Test
  void secretsFile_generatesTheKeyOnce_andAddsItToAnOlderFile(@TempDir Path dir)
      throws Exception {
    String key = Secrets.loadOrCreate(dir).webhookKey().orElseThrow();
    assertThat(key).matches("[0-9a-f]{64}");
    assertThat(Secrets.loadOrCreate(dir).webhookKey()).contains(key);

    Path old = Files.createDirectory(dir.resolve("old"));
    Files.writeString(old.resolve("secrets.json"), "{\"apiKeySecret\":\"a\","
        + "\"internalToken\":\"b\",\"dashboardToken\":\"c\"}");
    Secrets upgraded = Secrets.loadOrCreate(old);
    assertThat(upgraded.apiKeySecret()).isEqualTo("a");
    assertThat(upgraded.webhookKey().orElseThrow()).matches("[0-9a-f]{64}");
    assertThat(Secrets.loadOrCreate(old).webhookKey()).isEqualTo(upgraded.webhookKey());
  }

  @Test
  void externalDatabase_withoutTheKey_startRefusedNamingTheVariable(@TempDir Path dir) {
    // Refused before any database connection: the URL need not answer.
    ServerConfig config = ServerConfig.fromEnv(Map.of("HYRELOG_DATABASE_URL",
        "postgres://u:p@127.0.0.1:1/db", "HYRELOG_API_KEY_SECRET", "0123456789abcdef0123",
        "HYRELOG_INTERNAL_TOKEN", "fedcba9876543210fedc", "HYRELOG_DATA_DIR",
        dir.toString()));
    assertThatThrownBy(() -> HyrelogServer.start(config))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("HYRELOG_WEBHOOK_SECRET_ENCRYPTION_KEY");
  }
}
