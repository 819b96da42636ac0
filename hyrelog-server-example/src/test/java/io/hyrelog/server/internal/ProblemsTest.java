package io.hyrelog.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.hyrelog.InvalidEventException;
import io.hyrelog.net.OutboundPolicy;
import io.hyrelog.net.OutboundRefusedException;
import io.hyrelog.spi.AppendOutcomeUnknownException;
import io.hyrelog.spi.IdempotencyConflictException;
import io.hyrelog.spi.InvalidCursorException;
import io.hyrelog.spi.StoreOverloadedException;
import io.hyrelog.storage.postgres.PostgresStorageException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Every domain exception has its problem code; unknown ones are faults (mapped to null). */
class ProblemsTest {

  @Test
  void map_outboundRefusal_is400OnUrlWithItsCode() {
    OutboundRefusedException refused = org.assertj.core.api.Assertions.catchThrowableOfType(
        OutboundRefusedException.class,
        () -> OutboundPolicy.strict().checkUrl("https://169.254.169.254/latest/meta-data/"));
    ApiException a = Problems.map(refused);
    assertThat(a.code()).isEqualTo(ErrorCode.VALIDATION_ERROR);
    assertThat(a.code().status()).isEqualTo(400);
    assertThat(a.errors()).singleElement().satisfies(f -> {
      assertThat(f.field()).isEqualTo("/url");
      assertThat(f.code()).isEqualTo("ADDRESS_NOT_ALLOWED");
    });
  }

  @Test
  void map_storeOverloaded_is503WithRetryAfter() {
    ApiException a = Problems.map(new StoreOverloadedException("queue full",
        Duration.ofMillis(1500)));
    assertThat(a.code()).isEqualTo(ErrorCode.SERVICE_UNAVAILABLE);
    assertThat(a.code().status()).isEqualTo(503);
    assertThat(a.retryAfter()).isEqualTo(Duration.ofMillis(1500));
  }

  @Test
  void map_storageFailureOfAPoolTimeout_is503WithRetryAfter() {
    // The storage policy keeps the SQLState but not the exception's type; a pool timeout has
    // no SQLState, so only the exception's own judgement tells it is unavailability.
    ApiException a = Problems.map(new PostgresStorageException("query events",
        new SQLTransientConnectionException("hyrelog-US - Connection is not available")));
    assertThat(a).isNotNull();
    assertThat(a.code()).isEqualTo(ErrorCode.SERVICE_UNAVAILABLE);
    assertThat(a.retryAfter()).isEqualTo(Problems.UNAVAILABLE_RETRY);
  }

  @Test
  void map_storageFailureOfAStatementTimeoutOrLostConnection_is503() {
    for (String state : new String[] {"57014", "08006", "57P01"}) {
      ApiException a = Problems.map(new PostgresStorageException("read", new SQLException(
          "canceling statement due to statement timeout", state)));
      assertThat(a).as(state).isNotNull();
      assertThat(a.code()).as(state).isEqualTo(ErrorCode.SERVICE_UNAVAILABLE);
    }
  }

  @Test
  void map_storageFailureTheDatabaseRefused_isAFault() {
    assertThat(Problems.map(new PostgresStorageException("create an API key",
        new SQLException("duplicate key", "23505")))).isNull();
  }

  @Test
  void map_appendOutcomeUnknown_is504WithRetryAfter() {
    ApiException a = Problems.map(new AppendOutcomeUnknownException("unconfirmed",
        Duration.ofSeconds(2), new PostgresStorageException("know whether the append"
            + " committed", new SQLException("I/O error", "08006"))));
    assertThat(a.code()).isEqualTo(ErrorCode.APPEND_OUTCOME_UNKNOWN);
    assertThat(a.code().status()).isEqualTo(504);
    assertThat(a.retryAfter()).isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void map_invalidEvent_keepsEveryFieldAndCode() {
    ApiException a = Problems.map(new InvalidEventException(List.of(
        new InvalidEventException.Violation("/category", InvalidEventException.Code.REQUIRED,
            "is required"),
        new InvalidEventException.Violation("/metadata", InvalidEventException.Code.TOO_DEEP,
            "nests too deep"))));
    assertThat(a.code()).isEqualTo(ErrorCode.VALIDATION_ERROR);
    assertThat(a.errors()).extracting(ApiException.FieldError::field)
        .containsExactly("/category", "/metadata");
    assertThat(a.errors()).extracting(ApiException.FieldError::code)
        .containsExactly("REQUIRED", "TOO_DEEP");
  }

  @Test
  void map_idempotencyConflict_is409() {
    assertThat(Problems.map(new IdempotencyConflictException(UUID.randomUUID(),
        UUID.randomUUID())).code()).isEqualTo(ErrorCode.IDEMPOTENCY_CONFLICT);
  }

  @Test
  void map_invalidCursor_isValidationErrorOnCursor() {
    ApiException a = Problems.map(new InvalidCursorException("bad"));
    assertThat(a.code()).isEqualTo(ErrorCode.VALIDATION_ERROR);
    assertThat(a.errors().get(0).field()).isEqualTo("cursor");
  }

  @Test
  void map_unknownException_isAFault() {
    assertThat(Problems.map(new IllegalStateException("bug"))).isNull();
  }

  @Test
  void errorCode_types_areStableUrns() {
    assertThat(ErrorCode.RATE_LIMITED.type()).isEqualTo("urn:hyrelog:problem:rate-limited");
    for (ErrorCode c : ErrorCode.values()) {
      assertThat(c.status()).isBetween(400, 599);
    }
  }

  @Test
  void body_restoreRequired_carriesArchiveIds() {
    ApiException a = new ApiException(ErrorCode.RESTORE_REQUIRED, "restore first",
        java.util.List.of(), null, java.util.Map.of("archiveIds", java.util.List.of("a", "b")));
    var body = Problems.body(a, 409, "/v1/exports", "r1");
    assertThat(body.path("code").asText()).isEqualTo("RESTORE_REQUIRED");
    assertThat(body.path("status").asInt()).isEqualTo(409);
    assertThat(body.path("archiveIds").toString()).isEqualTo("[\"a\",\"b\"]");
    assertThat(ErrorCode.RESTORE_REQUIRED.type()).isEqualTo("urn:hyrelog:problem:restore-required");
  }
}
