package io.hyrelog.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hyrelog.testkit.MutableClock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * After an erasure, no trace of the subject's values is left in the hot store: every table of
 * the database is read through SQL (each row cast to text, bytea as hex; bytea columns also
 * decoded as UTF-8) and every file under the data directory (the server's; the PostgreSQL
 * cluster lives elsewhere) is read as bytes, and neither holds the values plain, JSON-escaped,
 * hex, base64 (any alignment) or URL-encoded. The values were first put everywhere the API
 * lets them go: events (actor email and name, personal), an export job filtered by the email
 * and downloaded, the dashboard's event query, the request itself.
 */
class GdprErasureScanIT {
  private static final String EMAIL = "zed.o'brien+audit@example.test";
  private static final String NAME = "Zedediah Quuxley";
  private final MutableClock clock = new MutableClock(Instant.parse("2026-07-01T08:00:00Z"));

  @Test
  void erasure_leavesNoTraceInAnyTableOrFile() throws Exception {
    try (TestServer server = TestServer.start(Map.of(), clock)) {
      TestHttp http = server.http();
      String[] ws = {"Authorization", "Bearer " + server.demo().workspaceKey(), "Content-Type",
          "application/json"};
      String[] co = {"Authorization", "Bearer " + server.demo().companyKey(), "Content-Type",
          "application/json"};
      String actor = "{\"id\":\"u-zed\",\"email\":\"" + EMAIL + "\",\"name\":\"" + NAME + "\"}";
      for (int i = 0; i < 3; i++) {
        TestHttp.Response r = http.post("/v1/events", "{\"category\":\"doc\",\"action\":\"read\","
            + "\"actor\":" + actor + ",\"metadata\":{\"n\":" + i + "}}", ws);
        assertThat(r.status()).as(r.text()).isEqualTo(201);
      }
      assertThat(http.post("/v1/events/batch", "{\"events\":[{\"category\":\"doc\",\"action\":"
          + "\"write\",\"actor\":" + actor + "}]}", ws).status()).isEqualTo(201);
      assertThat(http.post("/v1/events", "{\"category\":\"doc\",\"action\":\"read\",\"actor\":"
          + "{\"id\":\"u-other\",\"email\":\"other@example.test\"}}", ws).status())
          .isEqualTo(201);
      TestHttp.Response export = http.post("/v1/exports", "{\"filters\":{\"actorEmail\":\""
          + EMAIL + "\"}}", co);
      assertThat(export.status()).as(export.text()).isEqualTo(201);
      assertThat(http.get("/v1/exports/" + export.json().path("jobId").asText() + "/download",
          co).text()).contains(NAME);
      assertThat(http.get("/dashboard/events?actorEmail=" + URLEncoder.encode(EMAIL,
          StandardCharsets.UTF_8), server.dashboardUser(server.demo().companyId(), "MEMBER"))
          .status()).isEqualTo(200);
      // Before: the scan finds the values (so it can fail).
      assertThat(traces(server)).isNotEmpty();

      TestHttp.Response filed = http.post("/v1/gdpr/requests", "{\"type\":\"ERASURE\","
          + "\"subject\":{\"actorEmail\":\"" + EMAIL + "\"},\"reason\":\"Art. 17, ticket 9\"}",
          co);
      assertThat(filed.status()).as(filed.text()).isEqualTo(201);
      String id = filed.json().path("id").asText();
      assertThat(http.post("/dashboard/admin/gdpr-requests/" + id + "/approve", "",
          server.dashboardUser(server.demo().companyId(), "HYRELOG_ADMIN")).status())
          .isEqualTo(200);
      clock.advance(Duration.ofMinutes(1));
      TestHttp.Response run = http.post("/ops/jobs/gdpr.erase/run", "{\"region\":\"US\"}",
          "x-internal-token", server.internalToken(), "Content-Type", "application/json");
      assertThat(run.json().path("status").asText()).as(run.text()).isEqualTo("SUCCEEDED");
      JsonNode done = http.get("/v1/gdpr/requests/" + id, co).json();
      assertThat(done.path("status").asText()).as(done.toString()).isEqualTo("COMPLETED");
      assertThat(done.path("result").path("events_erased").asLong()).isEqualTo(4);
      assertThat(done.path("result").path("traces_erased").asLong()).isEqualTo(1);

      assertThat(traces(server)).isEmpty();
      assertThat(server.console()).doesNotContain(EMAIL);
      // The chain still verifies end to end.
      assertThat(http.get("/v1/chains/" + server.demo().workspaceId() + "/verify", ws).json()
          .path("valid").asBoolean()).isTrue();
    }
  }

  /** Where any encoding of the subject's values occurs: "table: column" or a file's path. */
  private static List<String> traces(TestServer server) throws SQLException, IOException {
    Set<String> needles = new LinkedHashSet<>();
    for (String v : List.of(EMAIL, NAME)) {
      needles.addAll(encodings(v));
    }
    List<String> found = new ArrayList<>();
    try (Connection c = server.owner().getConnection(); Statement s = c.createStatement()) {
      List<String[]> tables = new ArrayList<>();
      try (ResultSet rs = s.executeQuery("SELECT table_schema, table_name FROM"
          + " information_schema.tables WHERE table_type = 'BASE TABLE' AND table_schema NOT IN"
          + " ('pg_catalog', 'information_schema')")) {
        while (rs.next()) {
          tables.add(new String[] {rs.getString(1), rs.getString(2)});
        }
      }
      assertThat(tables).extracting(t -> t[1]).contains("events", "event_personal",
          "export_jobs", "gdpr_requests", "admin_audit_log", "job_runs", "idempotency_keys");
      for (String[] t : tables) {
        String name = "\"" + t[0] + "\".\"" + t[1] + "\"";
        List<String> bytea = new ArrayList<>();
        try (ResultSet rs = s.executeQuery("SELECT column_name FROM information_schema.columns"
            + " WHERE table_schema = '" + t[0] + "' AND table_name = '" + t[1]
            + "' AND data_type = 'bytea'")) {
          while (rs.next()) {
            bytea.add(rs.getString(1));
          }
        }
        StringBuilder select = new StringBuilder("SELECT t::text");
        for (String b : bytea) {
          // Decoded as UTF-8 where that is valid text, so values stored as bytes are seen too.
          select.append(", encode(t.\"").append(b).append("\", 'escape')");
        }
        try (ResultSet rs = s.executeQuery(select + " FROM " + name + " t")) {
          while (rs.next()) {
            for (int i = 1; i <= 1 + bytea.size(); i++) {
              String text = rs.getString(i);
              if (text != null && needles.stream().anyMatch(text::contains)) {
                found.add(t[0] + "." + t[1] + (i == 1 ? "" : " (bytea " + bytea.get(i - 2)
                    + ")"));
              }
            }
          }
        }
      }
    }
    try (Stream<Path> files = Files.walk(server.dataDir())) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        String text = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
        for (String n : needles) {
          if (text.contains(new String(n.getBytes(StandardCharsets.UTF_8),
              StandardCharsets.ISO_8859_1))) {
            found.add(f.toString());
            break;
          }
        }
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    return found;
  }

  /** The value plain, JSON-escaped, hex (both cases), URL-encoded and in base64 at any offset. */
  static Set<String> encodings(String v) {
    Set<String> out = new LinkedHashSet<>();
    byte[] b = v.getBytes(StandardCharsets.UTF_8);
    out.add(v);
    out.add(v.replace("\\", "\\\\").replace("\"", "\\\"").replace("/", "\\/"));
    out.add(v.replace("'", "\\u0027"));
    out.add(HexFormat.of().formatHex(b));
    out.add(HexFormat.of().withUpperCase().formatHex(b));
    out.add(URLEncoder.encode(v, StandardCharsets.UTF_8));
    out.add(URLEncoder.encode(v, StandardCharsets.UTF_8).replace("+", "%20"));
    for (Base64.Encoder enc : List.of(Base64.getEncoder(), Base64.getUrlEncoder())) {
      for (int shift = 0; shift < 3; shift++) {
        byte[] shifted = new byte[shift + b.length];
        System.arraycopy(b, 0, shifted, shift, b.length);
        String s = enc.withoutPadding().encodeToString(shifted);
        // Drop the characters that depend on the unknown neighbours.
        int from = shift == 0 ? 0 : (shift * 8 + 5) / 6;
        int to = s.length() - 2;
        if (to > from) {
          out.add(s.substring(from, to));
        }
      }
    }
    return out;
  }
}
