package io.hyrelog.server.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** In-flight limits: overall, per client address and per key, refused at once, released once. */
class AdmissionTest {

  @Test
  void admit_overTheTotal_503WithRetryAfter_untilOneFinishes() {
    Admission a = new Admission(2, 2, 2);
    Admission.Ticket t1 = a.admit("10.0.0.1");
    a.admit("10.0.0.2");
    assertThatThrownBy(() -> a.admit("10.0.0.3")).isInstanceOfSatisfying(ApiException.class,
        e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.SERVICE_UNAVAILABLE);
          assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(1));
        });
    t1.close();
    t1.close(); // idempotent: releases once
    a.admit("10.0.0.3");
    assertThat(a.inFlight()).isEqualTo(2);
  }

  @Test
  void admit_overTheAddressShare_429_otherAddressesStillAdmitted() {
    Admission a = new Admission(10, 2, 10);
    a.admit("10.0.0.1");
    a.admit("10.0.0.1");
    assertThatThrownBy(() -> a.admit("10.0.0.1")).isInstanceOfSatisfying(ApiException.class,
        e -> assertThat(e.code()).isEqualTo(ErrorCode.CONCURRENCY_LIMITED));
    assertThat(a.inFlight()).as("a refusal holds nothing").isEqualTo(2);
    a.admit("10.0.0.2");
  }

  @Test
  void key_overTheKeyShare_429_andClosingReleasesAddressKeyAndTotal() {
    Admission a = new Admission(10, 10, 1);
    Admission.Ticket first = a.admit("10.0.0.1");
    first.key("key-a");
    Admission.Ticket second = a.admit("10.0.0.2");
    assertThatThrownBy(() -> second.key("key-a")).isInstanceOfSatisfying(ApiException.class,
        e -> assertThat(e.code()).isEqualTo(ErrorCode.CONCURRENCY_LIMITED));
    second.key("key-b");
    second.close();
    first.close();
    assertThat(a.inFlight()).isZero();
    Admission.Ticket again = a.admit("10.0.0.1");
    again.key("key-a");
  }
}
