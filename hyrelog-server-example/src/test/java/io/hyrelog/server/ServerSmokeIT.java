package io.hyrelog.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("process")
class ServerSmokeIT {
  @Test
  void start_embeddedDefault_servesRoot() {
    try (TestServer s = TestServer.startEmbedded()) {
      TestHttp.Response r = s.http().get("/");
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.json().path("service").asText()).isEqualTo("hyrelog-api");
      assertThat(s.console()).contains(s.demo().workspaceKey());
    }
  }
}
