package io.hyrelog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hyrelog.InvalidEventException.Code;
import io.hyrelog.InvalidEventException.Violation;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventLimitsTest {
  private static final Instant NOW = TestChains.T0;
  private final EventLimits limits = EventLimits.defaults();

  private List<Violation> violations(NewEvent e) {
    try {
      limits.check(e, NOW);
    } catch (InvalidEventException ex) {
      return ex.violations();
    }
    throw new AssertionError("expected the event to be rejected");
  }

  @Test
  void check_richEvent_passesUnchanged() {
    NewEvent e = TestChains.rich(3);
    assertThat(limits.check(e, NOW)).isEqualTo(e);
  }

  @Test
  void check_missingCategoryAndAction_reportsBothAsRequired() {
    assertThat(violations(NewEvent.builder(null, "").build()))
        .extracting(Violation::field, Violation::code)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("/category", Code.REQUIRED),
            org.assertj.core.groups.Tuple.tuple("/action", Code.REQUIRED));
  }

  @Test
  void check_categoryWithSpaceOrNonAscii_isInvalidFormat() {
    assertThat(violations(NewEvent.builder("user login", "x").build()))
        .extracting(Violation::code).containsExactly(Code.INVALID_FORMAT);
    assertThat(violations(NewEvent.builder("us\u00e9r", "x").build()))
        .extracting(Violation::code).containsExactly(Code.INVALID_FORMAT);
  }

  @Test
  void check_overlongActorId_isTooLong() {
    NewEvent e = NewEvent.builder("user", "x").actor(Actor.ofId("a".repeat(257))).build();
    assertThat(violations(e)).extracting(Violation::field, Violation::code)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("/actor/id", Code.TOO_LONG));
  }

  @Test
  void check_loneSurrogateOrControlCharacter_isRejected() {
    NewEvent e = NewEvent.builder("user", "x")
        .actor(new Actor(null, null, null, "Ada \ud800"))
        .context(new RequestContext(null, null, "agent\u0007"))
        .build();
    assertThat(violations(e)).extracting(Violation::field, Violation::code).containsExactly(
        org.assertj.core.groups.Tuple.tuple("/actor/name", Code.INVALID_UNICODE),
        org.assertj.core.groups.Tuple.tuple("/context/userAgent",
            Code.CONTROL_CHARACTER_NOT_ALLOWED));
  }

  @Test
  void check_c1ControlInAnyStringField_isControlCharacterNotAllowed() {
    NewEvent e = NewEvent.builder("user\u0085", "x")
        .actor(new Actor("u\u0080", "a\u009f@example.com", null, "Ada\u0085"))
        .resource(new Resource("doc\u0090", null))
        .idempotencyKey("k\u0085")
        .build();
    List<Violation> v = violations(e);
    assertThat(v).extracting(Violation::field).containsExactly("/category", "/actor/id",
        "/actor/email", "/actor/name", "/resource/type", "/idempotencyKey");
    assertThat(v).extracting(Violation::code).containsOnly(Code.CONTROL_CHARACTER_NOT_ALLOWED);
    assertThat(v.get(1).message()).contains("U+0080").contains("offset 1");
  }

  @Test
  void check_bidiControlsInIdentifiers_refused_inFreeTextAndMetadataKept() {
    for (char bidi : new char[] {'\u202a', '\u202b', '\u202c', '\u202d', '\u202e',
        '\u2066', '\u2067', '\u2068', '\u2069'}) {
      NewEvent e = NewEvent.builder("user" + bidi, "x")
          .actor(new Actor("u" + bidi, null, "admin" + bidi, "Ada " + bidi + "Lovelace"))
          .resource(new Resource("doc", "invoice" + bidi + "fdp.exe"))
          .context(new RequestContext("t" + bidi, null, "agent " + bidi))
          .idempotencyKey("k" + bidi)
          .build();
      assertThat(violations(e)).as("U+%04X", (int) bidi)
          .extracting(Violation::field, Violation::code).containsExactly(
              org.assertj.core.groups.Tuple.tuple("/category", Code.BIDI_CONTROL_NOT_ALLOWED),
              org.assertj.core.groups.Tuple.tuple("/actor/id", Code.BIDI_CONTROL_NOT_ALLOWED),
              org.assertj.core.groups.Tuple.tuple("/actor/role", Code.BIDI_CONTROL_NOT_ALLOWED),
              org.assertj.core.groups.Tuple.tuple("/resource/id", Code.BIDI_CONTROL_NOT_ALLOWED),
              org.assertj.core.groups.Tuple.tuple("/context/traceId",
                  Code.BIDI_CONTROL_NOT_ALLOWED),
              org.assertj.core.groups.Tuple.tuple("/idempotencyKey",
                  Code.BIDI_CONTROL_NOT_ALLOWED));
    }
    // Names, user agents and metadata are free text: kept as given.
    NewEvent free = NewEvent.builder("user", "x")
        .actor(new Actor("u1", null, null, "\u202eAda\u202c"))
        .context(new RequestContext(null, null, "agent \u2067x\u2069"))
        .metadata(Metadata.of(new com.fasterxml.jackson.databind.ObjectMapper()
            .createObjectNode().put("note", "\u202e\u0085 free text")))
        .build();
    assertThat(limits.check(free, NOW)).isEqualTo(free);
  }

  @Test
  void check_validSurrogatePair_isAccepted() {
    NewEvent e = NewEvent.builder("user", "x")
        .actor(new Actor(null, null, null, "Ada \ud83d\ude00")).build();
    assertThat(limits.check(e, NOW)).isEqualTo(e);
  }

  @Test
  void check_badEmail_isInvalidFormat_andMessageHidesTheValue() {
    NewEvent e = NewEvent.builder("user", "x")
        .actor(new Actor(null, "not-an-email", null, null)).build();
    assertThatThrownBy(() -> limits.check(e, NOW))
        .isInstanceOf(InvalidEventException.class)
        .hasMessageContaining("/actor/email")
        .hasMessageNotContaining("not-an-email");
  }

  @Test
  void check_ipLiterals_acceptsAddressesOnly() {
    for (String ok : List.of("127.0.0.1", "203.0.113.255", "::1", "2001:db8::1",
        "::ffff:192.0.2.1", "fe80:0:0:0:202:b3ff:fe1e:8329", "::")) {
      assertThat(limits.check(withIp(ok), NOW)).as(ok).isNotNull();
    }
    for (String bad : List.of("256.1.1.1", "1.2.3", "01.2.3.4", "localhost", "1::2::3",
        "12345::1", "1:2:3:4:5:6:7:8:9", "::ffff:999.0.0.1", "1.2.3.4 ")) {
      assertThat(violations(withIp(bad))).as(bad).extracting(Violation::field)
          .containsExactly("/context/ip");
    }
  }

  private static NewEvent withIp(String ip) {
    return NewEvent.builder("user", "x").context(new RequestContext(null, ip, null)).build();
  }

  @Test
  void check_metadataTooLargeOrTooDeep_isRejected() {
    EventLimits small = EventLimits.builder().maxMetadataBytes(20).maxMetadataDepth(2).build();
    NewEvent big = NewEvent.builder("user", "x")
        .metadata(Metadata.parse("{\"k\":\"" + "v".repeat(30) + "\"}")).build();
    NewEvent deep = NewEvent.builder("user", "x")
        .metadata(Metadata.parse("{\"a\":{\"b\":{}}}")).build();
    assertThatThrownBy(() -> small.check(big, NOW)).isInstanceOf(InvalidEventException.class)
        .satisfies(ex -> assertThat(((InvalidEventException) ex).violations())
            .extracting(Violation::code).containsExactly(Code.TOO_LARGE));
    assertThatThrownBy(() -> small.check(deep, NOW)).isInstanceOf(InvalidEventException.class)
        .satisfies(ex -> assertThat(((InvalidEventException) ex).violations())
            .extracting(Violation::code).containsExactly(Code.TOO_DEEP));
  }

  @Test
  void check_metadataWithNul_isInvalidFormat_escapedBackslashIsNot() {
    for (String json : List.of("{\"k\":\"a\\u0000b\"}", "{\"a\\u0000\":1}",
        "{\"a\":[1,{\"b\":[\"\\u0000\"]}]}")) {
      NewEvent e = NewEvent.builder("user", "x").metadata(Metadata.parse(json)).build();
      assertThat(violations(e)).as(json).extracting(Violation::field, Violation::code)
          .containsExactly(org.assertj.core.groups.Tuple.tuple("/metadata",
              Code.INVALID_FORMAT));
    }
    NewEvent literal = NewEvent.builder("user", "x")
        .metadata(Metadata.parse("{\"k\":\"\\\\u0000\"}")).build();
    assertThat(limits.check(literal, NOW)).isEqualTo(literal);
  }

  @Test
  void check_timestampFarOff_isOutOfRange_nearIsAccepted() {
    assertThat(violations(NewEvent.builder("u", "x").timestamp(NOW.plusSeconds(301)).build()))
        .extracting(Violation::code).containsExactly(Code.OUT_OF_RANGE);
    assertThat(violations(NewEvent.builder("u", "x")
        .timestamp(NOW.minus(Duration.ofDays(31))).build()))
        .extracting(Violation::code).containsExactly(Code.OUT_OF_RANGE);
    assertThat(violations(NewEvent.builder("u", "x")
        .timestamp(Instant.parse("1970-01-01T00:00:00Z")).build())).hasSize(1);
    assertThat(limits.check(NewEvent.builder("u", "x").timestamp(NOW.plusSeconds(299)).build(),
        NOW)).isNotNull();
  }

  @Test
  void check_timestampWithNanos_isTruncatedToMicros() {
    NewEvent e = NewEvent.builder("u", "x").timestamp(NOW.minusNanos(1_234_567)).build();
    assertThat(limits.check(e, NOW).timestamp()).isEqualTo(NOW.minusNanos(1_235_000));
  }

  @Test
  void check_idempotencyKey_mustBePrintableAscii() {
    assertThat(violations(NewEvent.builder("u", "x").idempotencyKey("has space").build()))
        .extracting(Violation::field).containsExactly("/idempotencyKey");
    assertThat(violations(NewEvent.builder("u", "x").idempotencyKey("k".repeat(256)).build()))
        .extracting(Violation::field).containsExactly("/idempotencyKey");
  }

  @Test
  void builder_invalidSettings_areRejectedAtOnce() {
    assertThatThrownBy(() -> EventLimits.builder().maxMetadataBytes(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxMetadataBytes");
    assertThatThrownBy(() -> EventLimits.builder().maxPastAge(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxPastAge");
    assertThatThrownBy(() -> EventLimits.builder().maxBatchSize(100_001))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxBatchSize");
  }
}
