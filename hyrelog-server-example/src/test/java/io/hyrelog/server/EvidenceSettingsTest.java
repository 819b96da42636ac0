package io.hyrelog.server;

import io.hyrelog.server.config.EvidenceSettings;
import io.hyrelog.server.config.S3Settings;
import io.hyrelog.server.config.ConfigException;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.model.ObjectLockMode;

/** The vault settings, S3 Object Lock vault included. */
class EvidenceSettingsTest {
  private static final String P = "HYRELOG_EVIDENCE_VAULT_S3_";

  static EvidenceSettings read(String... kv) {
    Map<String, String> env = new HashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      env.put(kv[i], kv[i + 1]);
    }
    return EvidenceSettings.fromEnv(env, Path.of("data"));
  }

  @Test
  void fromEnv_default_directoryVault() {
    EvidenceSettings s = read();
    assertThat(s.vaultS3()).isEmpty();
    assertThat(s.vaultDirectory()).isEqualTo(Path.of("data", "evidence-vault"));
    assertThat(s.vaultRetentionDays()).isEqualTo(2555);
  }

  @Test
  void fromEnv_s3Vault_readsEverySetting_andMasksCredentials() {
    EvidenceSettings s = read(P + "BUCKET", "hyrelog-evidence", P + "REGION", "eu-central-1",
        P + "ENDPOINT", "http://127.0.0.1:9000", P + "PATH_STYLE", "true",
        P + "ACCESS_KEY_ID", "AKIAVAULT", P + "SECRET_ACCESS_KEY", "vault-secret-value",
        P + "SSE", "aws:kms", P + "KMS_KEY_ID", "alias/evidence",
        P + "OBJECT_LOCK", "compliance:3650", P + "PREFIX", "hyrelog/vault",
        "HYRELOG_EVIDENCE_VAULT_RETENTION_DAYS", "3650");
    S3Settings v = s.vaultS3().orElseThrow();
    assertThat(v.bucket()).isEqualTo("hyrelog-evidence");
    assertThat(v.region()).isEqualTo("eu-central-1");
    assertThat(v.endpoint()).contains(URI.create("http://127.0.0.1:9000"));
    assertThat(v.pathStyle()).isTrue();
    assertThat(v.encryption()).isEqualTo("aws:kms");
    assertThat(v.kmsKeyId()).contains("alias/evidence");
    assertThat(v.objectLockMode()).contains(ObjectLockMode.COMPLIANCE);
    assertThat(v.objectLockDays()).isEqualTo(3650);
    assertThat(v.keyPrefix()).isEqualTo("hyrelog/vault/");
    assertThat(s.toString()).contains("s3://hyrelog-evidence/hyrelog/vault/")
        .doesNotContain("vault-secret-value").contains("<masked>");
    assertThat(v.toString()).doesNotContain("vault-secret-value").doesNotContain("AKIAVAULT");
  }

  @Test
  void fromEnv_objectLockShorterThanRetention_refusedNamingBoth() {
    assertThatThrownBy(() -> read(P + "BUCKET", "hyrelog-evidence", P + "OBJECT_LOCK",
        "GOVERNANCE:365"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(P + "OBJECT_LOCK keeps objects 365 days")
        .hasMessageContaining("HYRELOG_EVIDENCE_VAULT_RETENTION_DAYS (2555)");
    assertThat(read(P + "BUCKET", "hyrelog-evidence", P + "OBJECT_LOCK", "GOVERNANCE:365",
        "HYRELOG_EVIDENCE_VAULT_RETENTION_DAYS", "365").vaultS3()).isPresent();
  }

  @Test
  void fromEnv_bucketWithoutObjectLock_refused() {
    assertThatThrownBy(() -> read(P + "BUCKET", "hyrelog-evidence"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(P + "BUCKET needs " + P + "OBJECT_LOCK");
  }

  @Test
  void fromEnv_otherS3SettingsWithoutBucket_refused() {
    for (String name : new String[] {"REGION", "ENDPOINT", "OBJECT_LOCK", "ACCESS_KEY_ID",
        "PREFIX"}) {
      Map<String, String> env = new HashMap<>(Map.of(P + "REGION", "eu-west-1",
          P + "ENDPOINT", "http://localhost:9000", P + "OBJECT_LOCK", "COMPLIANCE:3000",
          P + "ACCESS_KEY_ID", "AKIA", P + "SECRET_ACCESS_KEY", "s3cr3t-value",
          P + "PREFIX", "p/"));
      env.keySet().retainAll(java.util.Set.of(P + name, P + "SECRET_ACCESS_KEY"));
      if (!name.equals("ACCESS_KEY_ID")) {
        env.remove(P + "SECRET_ACCESS_KEY");
      }
      assertThatThrownBy(() -> EvidenceSettings.fromEnv(env, Path.of("data"))).as(name)
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("is set but " + P + "BUCKET is not")
          .hasMessageNotContaining("s3cr3t-value");
    }
  }

  @Test
  void fromEnv_badValues_nameTheVariable() {
    String[][] bad = {
        {"OBJECT_LOCK", "FOREVER:3000"}, {"OBJECT_LOCK", "COMPLIANCE"},
        {"OBJECT_LOCK", "COMPLIANCE:0"}, {"OBJECT_LOCK", "COMPLIANCE:36501"},
        {"OBJECT_LOCK", "COMPLIANCE:many"}, {"SSE", "rot13"}, {"SSE", "aws:kms"},
        {"ENDPOINT", "not a url"}, {"PATH_STYLE", "yes"}, {"PREFIX", "a//b"},
        {"BUCKET", "Not_A_Bucket"}, {"BUCKET", "hyrelog-evidence-{region}"},
        {"ACCESS_KEY_ID", "AKIA"}};
    for (String[] b : bad) {
      Map<String, String> env = new HashMap<>(Map.of(P + "BUCKET", "hyrelog-evidence",
          P + "OBJECT_LOCK", "COMPLIANCE:3000"));
      env.put(P + b[0], b[1]);
      String expected = b[0].equals("SSE") && b[1].equals("aws:kms") ? P + "KMS_KEY_ID"
          : b[0].equals("ACCESS_KEY_ID") ? P + "SECRET_ACCESS_KEY" : P + b[0];
      assertThatThrownBy(() -> EvidenceSettings.fromEnv(env, Path.of("data")))
          .as(b[0] + "=" + b[1]).isInstanceOf(ConfigException.class)
          .hasMessageContaining(expected);
    }
  }

  @Test
  void fromEnv_httpExternalEndpoint_refusedNamingTheVariables_allowedForDevelopment() {
    assertThatThrownBy(() -> read("HYRELOG_EVIDENCE_EXTERNAL_KMS_WRAP_ENDPOINT",
        "http://kms.internal/wrap"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("HYRELOG_EVIDENCE_EXTERNAL_KMS_WRAP_ENDPOINT")
        .hasMessageContaining("HYRELOG_EVIDENCE_EXTERNAL_ALLOW_HTTP=true");
    assertThatThrownBy(() -> read("HYRELOG_EVIDENCE_EXTERNAL_WORM_ENDPOINT", "http://w/"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("HYRELOG_EVIDENCE_EXTERNAL_WORM_ENDPOINT");
    EvidenceSettings dev = read("HYRELOG_EVIDENCE_EXTERNAL_KMS_WRAP_ENDPOINT",
        "http://kms.internal/wrap", "HYRELOG_EVIDENCE_EXTERNAL_ALLOW_HTTP", "true");
    assertThat(dev.externalAllowHttp()).isTrue();
    assertThat(dev.kmsEndpoint()).contains(URI.create("http://kms.internal/wrap"));
    assertThat(read("HYRELOG_EVIDENCE_EXTERNAL_KMS_WRAP_ENDPOINT", "https://kms/wrap")
        .externalAllowHttp()).isFalse();
    assertThatThrownBy(() -> read("HYRELOG_EVIDENCE_EXTERNAL_ALLOW_HTTP", "yes"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("HYRELOG_EVIDENCE_EXTERNAL_ALLOW_HTTP");
  }
}
