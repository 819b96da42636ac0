package io.hyrelog.server.internal;

import java.nio.ByteBuffer;
import java.util.function.BooleanSupplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.EofException;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's own error responses — requests it rejects before routing (malformed URI, URL or
 * headers too long) and connections cut while a request arrives — as problem+json instead of
 * Jetty's HTML page. A request cut off while the server shuts down is answered 503.
 */
public final class JettyErrors implements Request.Handler {
  private final BooleanSupplier closing;

  public JettyErrors(BooleanSupplier closing) {
    this.closing = closing;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    Object s = request.getAttribute(ErrorHandler.ERROR_STATUS);
    int status = s instanceof Integer i ? i : response.getStatus();
    Object cause = request.getAttribute(ErrorHandler.ERROR_EXCEPTION);
    ErrorCode code;
    String detail;
    if (closing.getAsBoolean()) {
      code = ErrorCode.SERVICE_UNAVAILABLE;
      detail = "the server is shutting down; retry on another instance";
    } else if (cause instanceof EofException) {
      code = ErrorCode.VALIDATION_ERROR;
      detail = "the request ended before it was complete";
    } else {
      code = switch (status) {
        case 413 -> ErrorCode.PAYLOAD_TOO_LARGE;
        case 414, 431 -> ErrorCode.VALIDATION_ERROR;
        case 503 -> ErrorCode.SERVICE_UNAVAILABLE;
        default -> status >= 500 ? ErrorCode.INTERNAL_ERROR : ErrorCode.VALIDATION_ERROR;
      };
      detail = switch (status) {
        case 414 -> "the URL is too long";
        case 431 -> "the request headers are too large";
        default -> "the request is not valid HTTP or its URL is malformed";
      };
    }
    int sent = code == ErrorCode.VALIDATION_ERROR && status >= 400 && status < 500 ? status
        : code.status();
    byte[] bytes;
    try {
      bytes = Json.MAPPER.writeValueAsBytes(
          Problems.body(new ApiException(code, detail), sent, null, null));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    response.setStatus(sent);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/problem+json");
    if (code == ErrorCode.SERVICE_UNAVAILABLE) {
      response.getHeaders().put(HttpHeader.RETRY_AFTER, "1");
    }
    response.write(true, ByteBuffer.wrap(bytes), callback);
    return true;
  }
}
