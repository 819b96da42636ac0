package io.hyrelog.webhook;

import static io.hyrelog.webhook.WebhookSignerTest.SPEC_BODY;
import static io.hyrelog.webhook.WebhookSignerTest.SPEC_ID;
import static io.hyrelog.webhook.WebhookSignerTest.SPEC_SECRET;
import static io.hyrelog.webhook.WebhookSignerTest.SPEC_SIGNATURE;
import static io.hyrelog.webhook.WebhookSignerTest.SPEC_TIMESTAMP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hyrelog.webhook.WebhookVerificationException.Reason;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WebhookVerifierTest {
  private static final Instant SPEC_AT = Instant.ofEpochSecond(SPEC_TIMESTAMP);
  private static final WebhookSecret SPEC = WebhookSecret.parse(SPEC_SECRET);

  private static WebhookVerifier verifier(Instant now, WebhookSecret... secrets) {
    WebhookVerifier.Builder b = WebhookVerifier.builder().clock(Clock.fixed(now, ZoneOffset.UTC));
    for (WebhookSecret s : secrets) {
      b.secret(s);
    }
    return b.build();
  }

  private static Map<String, String> spec() {
    Map<String, String> h = new HashMap<>();
    h.put("webhook-id", SPEC_ID);
    h.put("webhook-timestamp", Long.toString(SPEC_TIMESTAMP));
    h.put("webhook-signature", SPEC_SIGNATURE);
    return h;
  }

  private static Reason reason(WebhookVerifier v, Map<String, String> headers, byte[] body) {
    try {
      v.verify(headers, body);
    } catch (WebhookVerificationException e) {
      return e.reason();
    }
    return null;
  }

  @Test
  void verify_specExample_verifies() {
    WebhookVerifier.Verified ok = verifier(SPEC_AT, SPEC).verify(spec(), SPEC_BODY);
    assertThat(ok.id()).isEqualTo(SPEC_ID);
    assertThat(ok.timestamp()).isEqualTo(SPEC_AT);
  }

  @Test
  void verify_headerNamesInAnyCase_verifies() {
    Map<String, String> h = Map.of("Webhook-Id", SPEC_ID, "WEBHOOK-TIMESTAMP",
        Long.toString(SPEC_TIMESTAMP), "webhook-Signature", SPEC_SIGNATURE);
    assertThat(reason(verifier(SPEC_AT, SPEC), h, SPEC_BODY)).isNull();
  }

  @Test
  void verify_tamperedBodyIdOrTimestamp_noMatchingSignature() {
    WebhookVerifier v = verifier(SPEC_AT, SPEC);
    byte[] body = "{\"test\": 2432232315}".getBytes(StandardCharsets.UTF_8);
    assertThat(reason(v, spec(), body)).isEqualTo(Reason.NO_MATCHING_SIGNATURE);
    Map<String, String> id = spec();
    id.put("webhook-id", SPEC_ID + "x");
    assertThat(reason(v, id, SPEC_BODY)).isEqualTo(Reason.NO_MATCHING_SIGNATURE);
    Map<String, String> ts = spec();
    ts.put("webhook-timestamp", Long.toString(SPEC_TIMESTAMP + 1));
    assertThat(reason(v, ts, SPEC_BODY)).isEqualTo(Reason.NO_MATCHING_SIGNATURE);
    assertThat(reason(verifier(SPEC_AT, WebhookSecret.generate()), spec(), SPEC_BODY))
        .isEqualTo(Reason.NO_MATCHING_SIGNATURE);
  }

  @Test
  void verify_outsideTolerance_tooOldOrTooNew_insideVerifies() {
    Duration five = Duration.ofMinutes(5);
    assertThat(reason(verifier(SPEC_AT.plus(five), SPEC), spec(), SPEC_BODY)).isNull();
    assertThat(reason(verifier(SPEC_AT.minus(five), SPEC), spec(), SPEC_BODY)).isNull();
    assertThat(reason(verifier(SPEC_AT.plus(five).plusSeconds(1), SPEC), spec(), SPEC_BODY))
        .isEqualTo(Reason.TIMESTAMP_TOO_OLD);
    assertThat(reason(verifier(SPEC_AT.minus(five).minusSeconds(1), SPEC), spec(), SPEC_BODY))
        .isEqualTo(Reason.TIMESTAMP_TOO_NEW);
    WebhookVerifier wide = WebhookVerifier.builder().secret(SPEC).tolerance(Duration.ofHours(1))
        .clock(Clock.fixed(SPEC_AT.plus(Duration.ofMinutes(59)), ZoneOffset.UTC)).build();
    assertThat(reason(wide, spec(), SPEC_BODY)).isNull();
  }

  @Test
  void verify_rotation_oldAndNewBothVerify_oldAloneAfterItsEndDoesNot() {
    WebhookSecret current = WebhookSecret.generate();
    long now = SPEC_TIMESTAMP;
    Map<String, String> during = WebhookSigner.of(current, List.of(SPEC))
        .headers(SPEC_ID, now, SPEC_BODY);
    Map<String, String> after = WebhookSigner.of(current).headers(SPEC_ID, now, SPEC_BODY);
    assertThat(reason(verifier(SPEC_AT, SPEC), during, SPEC_BODY)).isNull();
    assertThat(reason(verifier(SPEC_AT, current), during, SPEC_BODY)).isNull();
    assertThat(reason(verifier(SPEC_AT, current), after, SPEC_BODY)).isNull();
    assertThat(reason(verifier(SPEC_AT, SPEC), after, SPEC_BODY))
        .isEqualTo(Reason.NO_MATCHING_SIGNATURE);
    assertThat(reason(verifier(SPEC_AT, SPEC, current), after, SPEC_BODY)).isNull();
  }

  @Test
  void verify_missingHeaders_missingHeader() {
    WebhookVerifier v = verifier(SPEC_AT, SPEC);
    for (String name : List.of("webhook-id", "webhook-timestamp", "webhook-signature")) {
      Map<String, String> h = spec();
      h.remove(name);
      assertThat(reason(v, h, SPEC_BODY)).as(name).isEqualTo(Reason.MISSING_HEADER);
      h.put(name, "");
      assertThat(reason(v, h, SPEC_BODY)).as(name).isEqualTo(Reason.MISSING_HEADER);
    }
  }

  @Test
  void verify_badTimestampsAndIds_specificReasons() {
    WebhookVerifier v = verifier(SPEC_AT, SPEC);
    for (String ts : List.of("-1614265330", "+1614265330", "1614265330.0", "16142653 30",
        "0x6037", "1".repeat(13), "１６")) {
      Map<String, String> h = spec();
      h.put("webhook-timestamp", ts);
      assertThat(reason(v, h, SPEC_BODY)).as(ts).isEqualTo(Reason.BAD_TIMESTAMP);
    }
    for (String id : List.of("a.b", "a b", "x".repeat(257), "ü")) {
      Map<String, String> h = spec();
      h.put("webhook-id", id);
      assertThat(reason(v, h, SPEC_BODY)).as(id).isEqualTo(Reason.BAD_ID);
    }
    Map<String, String> twice = spec();
    twice.put("Webhook-Id", "other");
    assertThat(reason(v, twice, SPEC_BODY)).isEqualTo(Reason.BAD_ID);
  }

  @Test
  void verify_malformedSignatures_malformedOrNoMatch() {
    WebhookVerifier v = verifier(SPEC_AT, SPEC);
    for (String sig : List.of("v1", "v1,", ",abc", "v1,not base64!",
        "v1,AAAA", "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE",
        (SPEC_SIGNATURE + " ").repeat(17), "v1," + "A".repeat(5000))) {
      Map<String, String> h = spec();
      h.put("webhook-signature", sig);
      assertThat(reason(v, h, SPEC_BODY)).as(sig.length() > 60 ? sig.substring(0, 60) : sig)
          .isEqualTo(Reason.MALFORMED_SIGNATURE);
    }
    Map<String, String> other = spec();
    other.put("webhook-signature", "v1a,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    assertThat(reason(v, other, SPEC_BODY)).isEqualTo(Reason.NO_MATCHING_SIGNATURE);
    Map<String, String> mixed = spec();
    mixed.put("webhook-signature", "v2,xyz " + SPEC_SIGNATURE);
    assertThat(reason(v, mixed, SPEC_BODY)).isNull();
  }

  @Test
  void verify_failureMessages_neverShowSecretOrBody() {
    WebhookSecret s = WebhookSecret.generate();
    byte[] body = "{\"secretPayload\":\"do-not-log\"}".getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> verifier(SPEC_AT, s).verify(spec(), body))
        .isInstanceOf(WebhookVerificationException.class)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("do-not-log")
            .doesNotContain(s.reveal().substring(6)));
  }

  @Test
  void builder_badValues_refusedAtOnce() {
    assertThatThrownBy(() -> WebhookVerifier.builder().build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("secret");
    assertThatThrownBy(() -> WebhookVerifier.builder().tolerance(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tolerance");
    assertThatThrownBy(() -> WebhookVerifier.builder().tolerance(Duration.ofDays(2)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tolerance");
  }
}
