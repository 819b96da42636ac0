package io.hyrelog.server;

import io.hyrelog.server.config.S3Settings;
import io.hyrelog.server.config.ConfigException;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hyrelog.DataRegion;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServerConfigTest {

  @Test
  void fromEnv_empty_isEmbeddedDefault() {
    ServerConfig c = ServerConfig.fromEnv(Map.of());
    assertThat(c.embedded()).isTrue();
    assertThat(c.port()).isEqualTo(3000);
    assertThat(c.dataDir()).isEqualTo(Path.of("hyrelog-data"));
    assertThat(c.rateLimitApiKeyPerMin()).isEqualTo(1200);
    assertThat(c.rateLimitIpPerMin()).isEqualTo(600);
    assertThat(c.keyManagementPerMin()).isEqualTo(10);
  }

  @Test
  void fromEnv_limitsAndTimeouts_defaultsAsDocumented_andSettable() {
    ServerConfig d = ServerConfig.fromEnv(Map.of());
    assertThat(d.limits()).isEqualTo(new LimitSettings(200, 150, 32, 64,
        java.time.Duration.ofSeconds(30), java.time.Duration.ofSeconds(30), 1024, 4096, 2, 2, 2,
        1, 2, 30, 1024));
    assertThat(d.database().poolTimeout()).hasSeconds(5);
    assertThat(d.database().statementTimeout()).hasSeconds(15);
    assertThat(d.database().writeTimeout()).hasSeconds(5);
    assertThat(d.database().jobsStatementTimeout()).hasMinutes(30);
    assertThat(d.database().appendTimeout()).hasSeconds(10);
    assertThat(d.database().jobsPoolSize()).isEqualTo(d.jobsThreads() + 4);
    assertThat(d.authCacheStale()).hasSeconds(300);
    ServerConfig c = ServerConfig.fromEnv(Map.of("HYRELOG_MAX_IN_FLIGHT", "40",
        "HYRELOG_HTTP_THREADS", "64", "HYRELOG_APPEND_TIMEOUT", "3s",
        "HYRELOG_EVIDENCE_QUOTA_MB", "5", "HYRELOG_AUTH_CACHE_STALE_SECONDS", "0"));
    assertThat(c.limits().maxInFlight()).isEqualTo(40);
    assertThat(c.limits().maxInFlightPerKey()).as("defaults within the total").isEqualTo(32);
    assertThat(c.limits().maxInFlightPerIp()).isEqualTo(40);
    assertThat(ServerConfig.fromEnv(Map.of("HYRELOG_HTTP_THREADS", "64")).limits()
        .maxInFlight()).as("the total's default leaves the reserve").isEqualTo(40);
    assertThat(c.limits().evidenceQuotaBytes()).isEqualTo(5L * 1024 * 1024);
    assertThat(c.database().appendTimeout()).hasSeconds(3);
    assertThat(c.authCacheStale()).isZero();
    assertThat(c.withPort(1).limits()).isEqualTo(c.limits());
    assertThat(c.withPort(1).database()).isEqualTo(c.database());
  }

  @Test
  void fromEnv_limitsThatLeaveNoReserveOrExceedTheTotal_rejectedNamingTheVariables() {
    assertThatThrownBy(() -> ServerConfig.fromEnv(Map.of("HYRELOG_HTTP_THREADS", "100",
        "HYRELOG_MAX_IN_FLIGHT", "90"))).isInstanceOf(ConfigException.class)
        .hasMessageContaining("HYRELOG_MAX_IN_FLIGHT")
        .hasMessageContaining("HYRELOG_HTTP_THREADS");
    assertThatThrownBy(() -> ServerConfig.fromEnv(Map.of("HYRELOG_MAX_IN_FLIGHT", "10",
        "HYRELOG_MAX_IN_FLIGHT_PER_KEY", "11"))).hasMessageContaining(
            "HYRELOG_MAX_IN_FLIGHT_PER_KEY");
    assertThatThrownBy(() -> ServerConfig.fromEnv(Map.of("HYRELOG_DATABASE_POOL_TIMEOUT",
        "100ms"))).hasMessageContaining("HYRELOG_DATABASE_POOL_TIMEOUT");
    assertThatThrownBy(() -> ServerConfig.fromEnv(Map.of("HYRELOG_APPEND_TIMEOUT", "soon")))
        .hasMessageContaining("HYRELOG_APPEND_TIMEOUT");
    assertThatThrownBy(() -> ServerConfig.fromEnv(Map.of("HYRELOG_DATABASE_WRITERS", "0")))
        .hasMessageContaining("HYRELOG_DATABASE_WRITERS");
  }

  @Test
  void fromEnv_seedPlanTier_defaultGrowthAnyCaseAccepted() {
    assertThat(ServerConfig.fromEnv(Map.of()).seedPlanTier())
        .isEqualTo(io.hyrelog.PlanTier.GROWTH);
    assertThat(ServerConfig.fromEnv(Map.of("SEED_PLAN_TIER", " starter ")).seedPlanTier())
        .isEqualTo(io.hyrelog.PlanTier.STARTER);
  }

  @Test
  void fromEnv_badSeedPlanTier_rejectedNamingTheVariableAndTheTiers() {
    assertThatThrownBy(() -> ServerConfig.fromEnv(Map.of("SEED_PLAN_TIER", "GOLD")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("SEED_PLAN_TIER must be one of FREE, STARTER, GROWTH, ENTERPRISE, got"
            + " 'GOLD'");
  }

  @Test
  void fromEnv_postgresUrl_becomesJdbcWithEncodedCredentials() {
    ServerConfig c = ServerConfig.fromEnv(Map.of("HYRELOG_DATABASE_URL",
        "postgres://app:p%40ss%2Fw@db.internal:5433/audit?sslmode=require",
        "HYRELOG_DEFAULT_REGION", "eu"));
    assertThat(c.databaseUrls()).containsOnlyKeys(DataRegion.EU);
    assertThat(c.databaseUrls().get(DataRegion.EU)).isEqualTo(
        "jdbc:postgresql://db.internal:5433/audit?user=app&password=p%40ss%2Fw&sslmode=require");
  }

  @Test
  void fromEnv_perRegionUrls_configureSeveralRegions() {
    ServerConfig c = ServerConfig.fromEnv(Map.of(
        "HYRELOG_DATABASE_URL_US", "jdbc:postgresql://us/db",
        "HYRELOG_DATABASE_URL_AU", "postgresql://au/db"));
    assertThat(c.databaseUrls()).containsOnlyKeys(DataRegion.US, DataRegion.AU);
    assertThat(c.embedded()).isFalse();
  }

  @Test
  void fromEnv_sameRegionTwice_rejected() {
    assertThatThrownBy(() -> ServerConfig.fromEnv(Map.of("HYRELOG_DATABASE_URL",
        "jdbc:postgresql://a/db", "HYRELOG_DATABASE_URL_US", "jdbc:postgresql://b/db")))
        .hasMessageContaining("HYRELOG_DATABASE_URL_US");
  }

  @Test
  void fromEnv_badValues_nameTheVariable() {
    assertThatThrownBy(() -> ServerConfig.fromEnv(Map.of("PORT", "http")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("PORT");
    assertThatThrownBy(() -> ServerConfig.fromEnv(Map.of("HYRELOG_RATE_LIMIT_IP_PER_MIN", "0")))
        .hasMessageContaining("HYRELOG_RATE_LIMIT_IP_PER_MIN");
    assertThatThrownBy(() -> ServerConfig.fromEnv(Map.of("HYRELOG_TRUSTED_PROXIES",
        "10.0.0.1/8"))).hasMessageContaining("HYRELOG_TRUSTED_PROXIES");
    assertThatThrownBy(() -> ServerConfig.fromEnv(Map.of("HYRELOG_DATABASE_URL",
        "mysql://x/y"))).hasMessageContaining("HYRELOG_DATABASE_URL");
    assertThatThrownBy(() -> ServerConfig.fromEnv(Map.of("HYRELOG_DEFAULT_REGION", "MARS",
        "HYRELOG_DATABASE_URL", "jdbc:postgresql://a/b")))
        .hasMessageContaining("HYRELOG_DEFAULT_REGION");
    assertThatThrownBy(() -> ServerConfig.fromEnv(Map.of("HYRELOG_LOG_FORMAT", "xml")))
        .hasMessageContaining("HYRELOG_LOG_FORMAT");
  }

  @Test
  void fromEnv_shortSecret_rejectedWithoutEchoingIt() {
    assertThatThrownBy(() -> ServerConfig.fromEnv(Map.of("HYRELOG_API_KEY_SECRET", "hunter2")))
        .hasMessageContaining("HYRELOG_API_KEY_SECRET").hasMessageNotContaining("hunter2");
  }

  @Test
  void fromEnv_dashboardToken_optionalAtLeastSixteenCharactersAndMasked() {
    assertThat(ServerConfig.fromEnv(Map.of()).dashboardToken()).isEmpty();
    ServerConfig c = ServerConfig.fromEnv(Map.of("HYRELOG_DASHBOARD_TOKEN",
        "dash-0123456789abcdef"));
    assertThat(c.dashboardToken()).contains("dash-0123456789abcdef");
    assertThat(c.toString()).doesNotContain("dash-0123456789abcdef");
    assertThat(c.withPort(1).dashboardToken()).isEqualTo(c.dashboardToken());
    assertThatThrownBy(() -> ServerConfig.fromEnv(Map.of("HYRELOG_DASHBOARD_TOKEN", "short-7")))
        .hasMessageContaining("HYRELOG_DASHBOARD_TOKEN must be at least 16 characters")
        .hasMessageNotContaining("short-7");
  }

  @Test
  void toString_masksSecrets() {
    ServerConfig c = ServerConfig.fromEnv(Map.of("HYRELOG_API_KEY_SECRET",
        "0123456789abcdef-secret", "HYRELOG_INTERNAL_TOKEN", "0123456789abcdef-token"));
    assertThat(c.toString()).doesNotContain("0123456789abcdef")
        .contains("<masked>");
  }

  @Test
  void fromEnv_archive_defaultsToTheDataDirectory() {
    ServerConfig c = ServerConfig.fromEnv(Map.of("HYRELOG_DATA_DIR", "/srv/hl"));
    assertThat(c.archive().s3()).isFalse();
    assertThat(c.archive().directory()).isEqualTo(Path.of("/srv/hl", "archive"));
  }

  @Test
  void fromEnv_archiveS3_readsEverySetting_andMasksCredentials() {
    ServerConfig c = ServerConfig.fromEnv(Map.of(
        "HYRELOG_ARCHIVE_S3_BUCKET", "hyrelog-archive-{region}",
        "HYRELOG_ARCHIVE_S3_REGION", "eu-west-1",
        "HYRELOG_ARCHIVE_S3_ENDPOINT", "http://localhost:9000",
        "HYRELOG_ARCHIVE_S3_PATH_STYLE", "true",
        "HYRELOG_ARCHIVE_S3_ACCESS_KEY_ID", "AKIAEXAMPLE",
        "HYRELOG_ARCHIVE_S3_SECRET_ACCESS_KEY", "very-secret-value",
        "HYRELOG_ARCHIVE_S3_SSE", "aws:kms",
        "HYRELOG_ARCHIVE_S3_KMS_KEY_ID", "alias/hyrelog",
        "HYRELOG_ARCHIVE_S3_OBJECT_LOCK", "compliance:365"));
    ArchiveSettings a = c.archive();
    assertThat(a.s3()).isTrue();
    S3Settings s = a.s3Settings().orElseThrow();
    assertThat(s.bucket()).isEqualTo("hyrelog-archive-{region}");
    assertThat(s.region()).isEqualTo("eu-west-1");
    assertThat(s.pathStyle()).isTrue();
    assertThat(s.encryption()).isEqualTo("aws:kms");
    assertThat(s.objectLockDays()).isEqualTo(365);
    assertThat(s.keyPrefix()).isEmpty();
    assertThat(c.toString() + a).doesNotContain("very-secret-value");
  }

  @Test
  void fromEnv_badArchiveSettings_nameTheVariable() {
    assertThatThrownBy(() -> ServerConfig.fromEnv(Map.of("HYRELOG_ARCHIVE_S3_SSE", "rot13")))
        .hasMessageContaining("HYRELOG_ARCHIVE_S3_SSE");
    assertThatThrownBy(() -> ServerConfig.fromEnv(Map.of("HYRELOG_ARCHIVE_S3_SSE", "aws:kms")))
        .hasMessageContaining("HYRELOG_ARCHIVE_S3_KMS_KEY_ID");
    assertThatThrownBy(() -> ServerConfig.fromEnv(Map.of("HYRELOG_ARCHIVE_S3_OBJECT_LOCK",
        "FOREVER:1"))).hasMessageContaining("HYRELOG_ARCHIVE_S3_OBJECT_LOCK");
    assertThatThrownBy(() -> ServerConfig.fromEnv(Map.of("HYRELOG_ARCHIVE_S3_OBJECT_LOCK",
        "GOVERNANCE:0"))).hasMessageContaining("HYRELOG_ARCHIVE_S3_OBJECT_LOCK");
    assertThatThrownBy(() -> ServerConfig.fromEnv(Map.of("HYRELOG_ARCHIVE_S3_ENDPOINT",
        "not a url"))).hasMessageContaining("HYRELOG_ARCHIVE_S3_ENDPOINT");
    assertThatThrownBy(() -> ServerConfig.fromEnv(Map.of("HYRELOG_ARCHIVE_S3_ACCESS_KEY_ID",
        "AKIA"))).hasMessageContaining("HYRELOG_ARCHIVE_S3_SECRET_ACCESS_KEY");
    assertThatThrownBy(() -> ServerConfig.fromEnv(Map.of("HYRELOG_ARCHIVE_S3_PATH_STYLE",
        "yes"))).hasMessageContaining("HYRELOG_ARCHIVE_S3_PATH_STYLE");
    assertThatThrownBy(() -> ServerConfig.fromEnv(Map.of("HYRELOG_ARCHIVE_S3_REGION",
        "eu-west-1"))).hasMessageContaining("HYRELOG_ARCHIVE_S3_REGION is set but"
        + " HYRELOG_ARCHIVE_S3_BUCKET is not");
    assertThatThrownBy(() -> ServerConfig.fromEnv(Map.of("HYRELOG_ARCHIVE_S3_BUCKET",
        "Hyrelog_Archive"))).hasMessageContaining("HYRELOG_ARCHIVE_S3_BUCKET must be an S3"
        + " bucket name");
  }

  @Test
  void fromEnv_jobSettings_defaultsAndParsing() {
    ServerConfig d = ServerConfig.defaults();
    assertThat(d.jobsEnabled()).isTrue();
    assertThat(d.jobsPollInterval()).isEqualTo(java.time.Duration.ofSeconds(10));
    assertThat(d.jobsHeartbeatInterval()).isEqualTo(java.time.Duration.ofSeconds(30));
    assertThat(d.jobsThreads()).isEqualTo(4);
    ServerConfig c = ServerConfig.fromEnv(Map.of("HYRELOG_JOBS_ENABLED", "FALSE",
        "HYRELOG_JOBS_POLL_INTERVAL", "250ms", "HYRELOG_JOBS_HEARTBEAT_INTERVAL", "PT2S",
        "HYRELOG_JOBS_THREADS", "2"));
    assertThat(c.jobsEnabled()).isFalse();
    assertThat(c.jobsPollInterval()).isEqualTo(java.time.Duration.ofMillis(250));
    assertThat(c.jobsHeartbeatInterval()).isEqualTo(java.time.Duration.ofSeconds(2));
    assertThat(c.withPort(1).jobsThreads()).isEqualTo(2);
    assertThatThrownBy(() -> ServerConfig.fromEnv(Map.of("HYRELOG_JOBS_ENABLED", "yes")))
        .hasMessageContaining("HYRELOG_JOBS_ENABLED must be true or false");
    for (String bad : new String[] {"10", "1ms", "2d", "-5s", "PTxS", "25h"}) {
      assertThatThrownBy(() -> ServerConfig.fromEnv(Map.of("HYRELOG_JOBS_POLL_INTERVAL", bad)))
          .as(bad).hasMessageContaining("HYRELOG_JOBS_POLL_INTERVAL");
    }
  }
}
