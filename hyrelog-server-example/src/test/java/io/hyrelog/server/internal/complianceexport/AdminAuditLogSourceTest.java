package io.hyrelog.server.internal.complianceexport;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hyrelog.export.CsvMode;
import io.hyrelog.storage.postgres.PostgresAdminAuditLog;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Known answers of the {@code admin_audit_log} record formats. */
class AdminAuditLogSourceTest {
  private static final UUID COMPANY = UUID.fromString("0190dddd-0000-7000-8000-000000000001");
  private static final List<PostgresAdminAuditLog.Entry> ENTRIES = List.of(
      new PostgresAdminAuditLog.Entry(7, Instant.parse("2026-03-01T10:00:00Z"), "user-1",
          "ada@example.com", "ADMIN", Optional.of(COMPANY), "restore_request.create",
          Optional.of("archive_segment:a,b"), "OK", json("{\"tier\": \"STANDARD\", \"days\": 7}"),
          Optional.of("req-1")),
      new PostgresAdminAuditLog.Entry(9, Instant.parse("2026-03-01T10:00:01.5Z"), "user-2",
          "bob \"b\"@example.com", "MEMBER", Optional.of(COMPANY), "restore_request.list",
          Optional.empty(), "REFUSED", json("{\"code\": \"FORBIDDEN\"}"), Optional.empty()));

  private static ObjectNode json(String object) {
    try {
      return (ObjectNode) new ObjectMapper().readTree(object);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String write(List<PostgresAdminAuditLog.Entry> entries, String format)
      throws IOException {
    return write(entries, format, CsvMode.VERBATIM);
  }

  private static String write(List<PostgresAdminAuditLog.Entry> entries, String format,
      CsvMode csv) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    AdminAuditLogSource.write(entries.iterator(), format, csv, out);
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void write_csvSpreadsheetSafe_formulaCellQuoted() throws IOException {
    List<PostgresAdminAuditLog.Entry> formula = List.of(new PostgresAdminAuditLog.Entry(3,
        Instant.parse("2026-03-01T10:00:00Z"), "=cmd|' /C calc'!A0", "ada@example.com",
        "ADMIN", Optional.of(COMPANY), "restore_request.create", Optional.empty(), "OK", json("{}"),
        Optional.empty()));
    assertThat(write(formula, "csv", CsvMode.SPREADSHEET_SAFE))
        .contains(",'=cmd|' /C calc'!A0,");
    assertThat(write(formula, "csv")).contains(",=cmd|' /C calc'!A0,");
  }

  @Test
  void write_jsonl_oneCanonicalObjectPerEntryWithEveryField() throws IOException {
    assertThat(write(ENTRIES, "jsonl")).isEqualTo(
        "{\"action\":\"restore_request.create\",\"actorEmail\":\"ada@example.com\","
        + "\"actorRole\":\"ADMIN\",\"actorUserId\":\"user-1\","
        + "\"at\":\"2026-03-01T10:00:00.000000Z\",\"companyId\":\"" + COMPANY + "\","
        + "\"details\":{\"days\":7,\"tier\":\"STANDARD\"},\"id\":7,\"outcome\":\"OK\","
        + "\"requestId\":\"req-1\",\"target\":\"archive_segment:a,b\"}\n"
        + "{\"action\":\"restore_request.list\",\"actorEmail\":\"bob \\\"b\\\"@example.com\","
        + "\"actorRole\":\"MEMBER\",\"actorUserId\":\"user-2\","
        + "\"at\":\"2026-03-01T10:00:01.500000Z\",\"companyId\":\"" + COMPANY + "\","
        + "\"details\":{\"code\":\"FORBIDDEN\"},\"id\":9,\"outcome\":\"REFUSED\","
        + "\"requestId\":null,\"target\":null}\n");
  }

  @Test
  void write_csv_headerThenRfc4180Records() throws IOException {
    assertThat(write(ENTRIES, "csv")).isEqualTo(
        "id,at,actorUserId,actorEmail,actorRole,companyId,action,target,outcome,details,"
        + "requestId\r\n"
        + "7,2026-03-01T10:00:00.000000Z,user-1,ada@example.com,ADMIN," + COMPANY
        + ",restore_request.create,\"archive_segment:a,b\",OK,"
        + "\"{\"\"days\"\":7,\"\"tier\"\":\"\"STANDARD\"\"}\",req-1\r\n"
        + "9,2026-03-01T10:00:01.500000Z,user-2,\"bob \"\"b\"\"@example.com\",MEMBER," + COMPANY
        + ",restore_request.list,,REFUSED,\"{\"\"code\"\":\"\"FORBIDDEN\"\"}\",\r\n");
  }

  @Test
  void write_noEntries_jsonlEmptyCsvHeaderOnly() throws IOException {
    assertThat(write(Collections.emptyList(), "jsonl")).isEmpty();
    assertThat(write(Collections.emptyList(), "csv")).isEqualTo(
        String.join(",", AdminAuditLogSource.COLUMNS) + "\r\n");
  }
}
