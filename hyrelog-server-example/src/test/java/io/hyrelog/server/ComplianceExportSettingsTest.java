package io.hyrelog.server;

import io.hyrelog.server.config.ComplianceExportSettings;
import io.hyrelog.server.config.ConfigException;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ComplianceExportSettingsTest {
  static final String KEY = "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf";

  static ComplianceExportSettings read(String... kv) {
    Map<String, String> env = new HashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      env.put(kv[i], kv[i + 1]);
    }
    return ComplianceExportSettings.fromEnv(env, Path.of("data"));
  }

  @Test
  void fromEnv_defaults_localDeliveryNoKeyNoSchedule() {
    ComplianceExportSettings s = read();
    assertThat(s.key()).isEmpty();
    assertThat(s.schedule()).isEmpty();
    assertThat(s.deliveryMode()).isEqualTo("local");
    assertThat(s.localDirectory()).isEqualTo(Path.of("data"));
    assertThat(s.types()).containsExactly("audit_events");
  }

  @Test
  void fromEnv_types_knownAcceptedUnknownRejectedNamingTheKnown() {
    assertThat(read("HYRELOG_COMPLIANCE_EXPORT_TYPES", " admin_audit_log , audit_events")
        .types()).containsExactly("admin_audit_log", "audit_events");
    assertThatThrownBy(() -> read("HYRELOG_COMPLIANCE_EXPORT_TYPES", "audit_events,billing"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("HYRELOG_COMPLIANCE_EXPORT_TYPES: unknown compliance export type"
            + " 'billing'; known: audit_events, admin_audit_log");
    assertThatThrownBy(() -> read("HYRELOG_COMPLIANCE_EXPORT_TYPES", " , "))
        .hasMessageContaining("names no type");
  }

  @Test
  void fromEnv_badKey_namesTheVariableNotTheKey() {
    String bad = KEY.substring(2);
    assertThatThrownBy(() -> read("HYRELOG_COMPLIANCE_ENCRYPTION_KEY", bad))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("HYRELOG_COMPLIANCE_ENCRYPTION_KEY")
        .hasMessageNotContaining(bad);
  }

  @Test
  void toString_masksSecrets() {
    ComplianceExportSettings s = read("HYRELOG_COMPLIANCE_ENCRYPTION_KEY", KEY,
        "HYRELOG_COMPLIANCE_DELIVERY_MODE", "s3", "HYRELOG_COMPLIANCE_S3_BUCKET", "b1",
        "HYRELOG_COMPLIANCE_S3_ACCESS_KEY_ID", "AKIA", "HYRELOG_COMPLIANCE_S3_SECRET_ACCESS_KEY",
        "very-secret-value");
    assertThat(s.toString()).doesNotContain(KEY, "very-secret-value").contains("<masked>");
  }

  @Test
  void fromEnv_incompleteDelivery_isRejected() {
    assertThatThrownBy(() -> read("HYRELOG_COMPLIANCE_DELIVERY_MODE", "s3"))
        .hasMessageContaining("HYRELOG_COMPLIANCE_S3_BUCKET");
    assertThatThrownBy(() -> read("HYRELOG_COMPLIANCE_DELIVERY_MODE", "sftp",
        "HYRELOG_COMPLIANCE_SFTP_HOST", "h", "HYRELOG_COMPLIANCE_SFTP_USER", "u",
        "HYRELOG_COMPLIANCE_SFTP_IDENTITY_FILE", "/k"))
        .hasMessageContaining("exactly one of HYRELOG_COMPLIANCE_SFTP_KNOWN_HOSTS");
    assertThatThrownBy(() -> read("HYRELOG_COMPLIANCE_DELIVERY_MODE", "ftp"))
        .hasMessageContaining("must be local, s3 or sftp");
    assertThatThrownBy(() -> read("HYRELOG_COMPLIANCE_SCHEDULE", "0 0 2 * * *"))
        .hasMessageContaining("needs HYRELOG_COMPLIANCE_ENCRYPTION_KEY");
    assertThatThrownBy(() -> read("HYRELOG_COMPLIANCE_ENCRYPTION_KEY", KEY,
        "HYRELOG_COMPLIANCE_SCHEDULE", "daily")).hasMessageContaining("cron expression");
  }
}
