package io.hyrelog.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.hyrelog.ApiKeyToken;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Logs carry request and trace ids and never a key, a body or a personal value — also when
 * requests fail.
 */
class LoggingIT {

  @Test
  void requests_loggedWithIds_withoutSecretsOrPayloads() {
    String keySecretPart;
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ListAppender<ILoggingEvent> captured = new ListAppender<>();
    captured.start();
    root.addAppender(captured);
    try (TestServer s = TestServer.start()) {
      String key = s.demo().workspaceKey();
      // Keys may be logged by their public prefix only; never the rest.
      keySecretPart = key.substring(ApiKeyToken.parse(key).displayPrefix().length());
      s.http().post("/v1/events", "{\"category\":\"user\",\"action\":\"login\","
          + "\"actor\":{\"email\":\"secret.person@example.com\"}}", "Authorization",
          "Bearer " + key, "Content-Type", "application/json", "X-Trace-Id", "trace-log-1");
      s.http().post("/v1/events", "{\"category\":\"user\",\"category\":\"dup\"}",
          "Authorization", "Bearer " + key, "Content-Type", "application/json");
      String wrongKey = key.substring(0, key.length() - 8) + "abcdefgh";
      s.http().get("/v1/events?actorEmail=secret.person@example.com", "Authorization",
          "Bearer " + wrongKey);
      s.http().post("/v1/workspaces/" + s.demo().workspaceId() + "/keys", null,
          "Authorization", "Bearer " + s.demo().companyKey());
    } finally {
      root.detachAppender(captured);
    }
    List<ILoggingEvent> events = captured.list;
    List<ILoggingEvent> access = events.stream()
        .filter(e -> e.getLoggerName().equals("io.hyrelog.server.access")).toList();
    assertThat(access).hasSizeGreaterThanOrEqualTo(4);
    assertThat(access).allSatisfy(e -> assertThat(e.getMDCPropertyMap()).containsKey("requestId")
        .containsKey("traceId"));
    assertThat(access).anySatisfy(e -> assertThat(e.getMDCPropertyMap().get("traceId"))
        .isEqualTo("trace-log-1"));
    assertThat(events).anySatisfy(e -> assertThat(e.getLoggerName())
        .isEqualTo("io.hyrelog.server.audit"));
    for (ILoggingEvent e : events) {
      String all = e.getFormattedMessage() + " " + e.getMDCPropertyMap()
          + (e.getThrowableProxy() == null ? "" : e.getThrowableProxy().getMessage());
      assertThat(all).doesNotContain("secret.person").doesNotContain(keySecretPart)
          .doesNotContain("_abcdefgh");
      assertThat(all).doesNotContainPattern("hlk_[a-z]{2}_(ws|co)_[0-9A-Za-z]{32}");
    }
  }
}
