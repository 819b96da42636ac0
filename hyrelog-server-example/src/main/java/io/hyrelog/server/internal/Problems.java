package io.hyrelog.server.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hyrelog.InvalidEventException;
import io.hyrelog.ProblemList;
import io.hyrelog.archive.ColdSegmentException;
import io.hyrelog.net.OutboundRefusedException;
import io.hyrelog.spi.AppendOutcomeUnknownException;
import io.hyrelog.spi.IdempotencyConflictException;
import io.hyrelog.spi.InvalidCursorException;
import io.hyrelog.spi.StoreOverloadedException;
import io.javalin.http.Context;
import io.hyrelog.storage.postgres.PostgresStorageException;
import io.javalin.http.HttpResponseException;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one exception mapper: every failure becomes an RFC 9457 {@code application/problem+json}. */
public final class Problems {
  private static final Logger LOG = LoggerFactory.getLogger(Problems.class);
  /** What a client is told to wait when the database cannot be reached. */
  static final Duration UNAVAILABLE_RETRY = Duration.ofSeconds(5);
  /** Longest detail, field, code or message in a problem body. */
  static final int MAX_STRING = 1024;

  private Problems() {}

  /** Maps any exception to an {@link ApiException}. */
  public static ApiException map(Throwable t) {
    if (t instanceof ApiException a) {
      return a;
    }
    if (t instanceof InvalidEventException e) {
      ProblemList<ApiException.FieldError> errors = new ProblemList<>();
      for (InvalidEventException.Violation v : e.violations()) {
        errors.add(new ApiException.FieldError(v.field(), v.code().name(),
            v.field() + " " + v.message()));
      }
      errors.addUnreported(e.violationCount() - e.violations().size());
      return ApiException.invalid(errors, "fields");
    }
    if (t instanceof IdempotencyConflictException) {
      return new ApiException(ErrorCode.IDEMPOTENCY_CONFLICT, "this idempotency key was used"
          + " with a different request; use a new key for a new event");
    }
    if (t instanceof StoreOverloadedException e) {
      return new ApiException(ErrorCode.SERVICE_UNAVAILABLE, "the event store is at capacity"
          + " or the database is slow; nothing of this request was stored, retry after the"
          + " given delay", List.of(), e.retryAfter());
    }
    if (t instanceof AppendOutcomeUnknownException e) {
      return new ApiException(ErrorCode.APPEND_OUTCOME_UNKNOWN, "the database did not confirm"
          + " the append, so it may or may not be stored (wholly or not at all); send it again"
          + " with the same idempotency key to find out", List.of(), e.retryAfter());
    }
    if (t instanceof PagedEventStore.ChainPurgedException) {
      return new ApiException(ErrorCode.SERVICE_UNAVAILABLE, "the chain was archived while it"
          + " was being read; ask again", List.of(), Duration.ofSeconds(1));
    }
    if (storeUnavailable(t)) {
      return new ApiException(ErrorCode.SERVICE_UNAVAILABLE, "the database is unavailable or"
          + " did not answer in time; retry after the given delay", List.of(),
          UNAVAILABLE_RETRY);
    }
    if (t instanceof ColdSegmentException e) {
      return new ApiException(ErrorCode.RESTORE_REQUIRED, e.segmentIds().size() + " archive"
          + " segment(s) holding these events are in cold storage; restore them (archiveIds)"
          + " and ask again", List.of(), null, java.util.Map.of("archiveIds",
              e.segmentIds().stream().map(Object::toString).toList()));
    }
    if (t instanceof OutboundRefusedException e) {
      // Only a webhook endpoint's URL is checked against the outbound policy.
      return ApiException.validation("/url", e.refusal().name(), e.getMessage());
    }
    if (t instanceof InvalidCursorException) {
      return ApiException.validation("cursor", "INVALID_CURSOR",
          "cursor is not one this API returned; start again without it");
    }
    if (t instanceof HttpResponseException h) {
      ErrorCode code = switch (h.getStatus()) {
        case 404 -> ErrorCode.NOT_FOUND;
        case 405 -> ErrorCode.METHOD_NOT_ALLOWED;
        case 413 -> ErrorCode.PAYLOAD_TOO_LARGE;
        case 415 -> ErrorCode.UNSUPPORTED_MEDIA_TYPE;
        case 503 -> ErrorCode.SERVICE_UNAVAILABLE;
        default -> h.getStatus() >= 500 ? ErrorCode.INTERNAL_ERROR : ErrorCode.VALIDATION_ERROR;
      };
      return new ApiException(code, switch (code) {
        case NOT_FOUND -> "no such route; see /openapi.json";
        case METHOD_NOT_ALLOWED -> "this route does not accept that method; see /openapi.json";
        case PAYLOAD_TOO_LARGE -> "the request body is larger than the limit";
        default -> code.title();
      });
    }
    return null;
  }

  /**
   * Whether {@code t} (or a cause) says the database could not be reached or did not answer
   * in time ({@link PostgresStorageException#unavailable(Throwable)}: no pooled connection
   * within the pool timeout, a lost or refused connection, a server shutting down or out of
   * connections, a statement or socket timeout). Such failures are transient: 503, never 500.
   */
  static boolean storeUnavailable(Throwable t) {
    return PostgresStorageException.unavailable(t);
  }

  /** The RFC 9457 body of {@code a}; {@code instance} and {@code requestId} may be null. */
  static ObjectNode body(ApiException a, int status, String instance, String requestId) {
    ObjectNode body = Json.object();
    body.put("type", a.code().type());
    body.put("title", a.code().title());
    body.put("status", status);
    body.put("detail", clip(a.getMessage()));
    if (instance != null) {
      body.put("instance", instance);
    }
    body.put("code", a.code().name());
    if (requestId != null) {
      body.put("requestId", requestId);
    }
    a.extensions().forEach((name, values) -> {
      ArrayNode arr = body.putArray(name);
      values.forEach(arr::add);
    });
    if (!a.errors().isEmpty()) {
      ArrayNode errs = body.putArray("errors");
      for (ApiException.FieldError f : a.errors()) {
        errs.addObject().put("field", clip(f.field())).put("code", clip(f.code()))
            .put("message", clip(f.message()));
      }
      body.put("errorCount", a.errorCount());
      body.put("errorsTruncated", a.errorCount() > a.errors().size());
    }
    return body;
  }

  /**
   * A string of a problem body cut to {@value #MAX_STRING} characters: with at most {@link
   * ProblemList#DEFAULT_LIMIT} errors, no problem body grows with the input.
   */
  private static String clip(String s) {
    return s == null || s.length() <= MAX_STRING ? s : s.substring(0, MAX_STRING) + "…";
  }

  /** Writes {@code t} as a problem response. Unknown exceptions are logged once, as faults. */
  public static void write(Context ctx, Throwable t) {
    ApiException a = map(t);
    if (a == null) {
      LOG.error("request {} {} failed", ctx.method(), ctx.path(), t);
      a = new ApiException(ErrorCode.INTERNAL_ERROR, "an internal error occurred; report the"
          + " request id to the operator");
    }
    Object rid = ctx.attribute(RequestPipeline.REQUEST_ID);
    ObjectNode body = body(a, a.code().status(), ctx.path(), rid == null ? null : rid.toString());
    if (a.retryAfter() != null) {
      long s = Math.max(1, (a.retryAfter().toMillis() + 999) / 1000);
      ctx.header("Retry-After", Long.toString(s));
    }
    if (a.code() == ErrorCode.PAYLOAD_TOO_LARGE) {
      // The body was not read: the connection closes after this response. Saying so keeps a
      // client from sending its next request on it (and losing it to the close).
      ctx.header("Connection", "close");
    }
    Json.send(ctx, a.code().status(), body);
    ctx.contentType("application/problem+json");
  }
}
