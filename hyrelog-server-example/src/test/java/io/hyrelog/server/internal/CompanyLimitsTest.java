package io.hyrelog.server.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hyrelog.server.LimitSettings;
import io.hyrelog.server.ServerConfig;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Per-company caps: each company and kind counted apart, refused at once when full. */
class CompanyLimitsTest {
  private static final LimitSettings SETTINGS = ServerConfig.fromEnv(Map.of(
      "HYRELOG_COMPANY_MAX_VERIFY", "2")).limits();
  private final CompanyLimits limits = new CompanyLimits(SETTINGS.companyVerify(),
      SETTINGS.companyCheckpoints(), SETTINGS.companyExports(), SETTINGS.companyEvidence());
  private final UUID acme = UUID.randomUUID();
  private final UUID other = UUID.randomUUID();

  @Test
  void acquire_overTheCap_429_otherCompanyAndKindUnaffected_releaseOnClose() {
    CompanyLimits.Permit one = limits.acquire(acme, CompanyLimits.Kind.VERIFY);
    limits.acquire(acme, CompanyLimits.Kind.VERIFY);
    assertThatThrownBy(() -> limits.acquire(acme, CompanyLimits.Kind.VERIFY))
        .isInstanceOfSatisfying(ApiException.class, e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.CONCURRENCY_LIMITED);
          assertThat(e.code().status()).isEqualTo(429);
          assertThat(e.retryAfter()).isNotNull();
          assertThat(e.getMessage()).contains("2 chain verifications");
        });
    limits.acquire(other, CompanyLimits.Kind.VERIFY).close();
    limits.acquire(acme, CompanyLimits.Kind.EXPORT).close();
    one.close();
    one.close(); // once only
    limits.acquire(acme, CompanyLimits.Kind.VERIFY);
    assertThatThrownBy(() -> limits.acquire(acme, CompanyLimits.Kind.VERIFY))
        .isInstanceOf(ApiException.class);
  }
}
