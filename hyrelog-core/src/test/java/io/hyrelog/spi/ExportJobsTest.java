package io.hyrelog.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hyrelog.spi.ExportJobs.Job;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The checks of an export job value, which every {@link ExportJobs} stores as it is. */
class ExportJobsTest {
  private static final UUID ID = UUID.fromString("0190ffff-0000-7000-8000-000000000001");
  private static final UUID LOW = UUID.fromString("10000000-0000-7000-8000-000000000001");
  private static final UUID HIGH = UUID.fromString("f0000000-0000-7000-8000-000000000002");
  private static final Instant T0 = Instant.parse("2026-11-26T12:00:00Z");

  private static Job job(String source, String format, String filters, Long limit,
      Map<UUID, Long> heads, String status, String error) {
    return new Job(ID, ID, null, ID, null, source, format, filters, limit, heads, List.of(),
        status, 0, 0, false, 0, T0, null, null, error);
  }

  @Test
  void job_valid_headsInChainOrderAndCopied() {
    Map<UUID, Long> heads = new HashMap<>(Map.of(HIGH, 3L, LOW, 7L));
    Job j = job("HOT", "CSV_SAFE", "{\"category\":\"user\"}", null, heads, "PENDING", null);
    heads.put(UUID.randomUUID(), 1L);
    assertThat(j.heads().keySet()).containsExactly(LOW, HIGH);
    assertThatThrownBy(() -> j.heads().put(LOW, 1L))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void job_unknownSourceFormatOrStatus_refusedNamingTheField() {
    assertThatThrownBy(() -> job("COLD", "CSV", "{}", null, Map.of(), "PENDING", null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("source");
    assertThatThrownBy(() -> job("HOT", "XML", "{}", null, Map.of(), "PENDING", null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("format");
    assertThatThrownBy(() -> job("HOT", "CSV", "{}", null, Map.of(), "DONE", null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("status");
  }

  @Test
  void job_requester_exactlyOneOfKeyAndDashboardUser() {
    assertThatThrownBy(() -> new Job(ID, ID, null, null, null, "HOT", "CSV", "{}", null,
        Map.of(), List.of(), "PENDING", 0, 0, false, 0, T0, null, null, null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("keyId");
    assertThatThrownBy(() -> new Job(ID, ID, null, ID, "dashboard:u", "HOT", "CSV", "{}", null,
        Map.of(), List.of(), "PENDING", 0, 0, false, 0, T0, null, null, null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("requestedBy");
    assertThatThrownBy(() -> new Job(ID, ID, null, null, "x".repeat(201), "HOT", "CSV", "{}",
        null, Map.of(), List.of(), "PENDING", 0, 0, false, 0, T0, null, null, null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("200");
    assertThat(new Job(ID, ID, null, null, "dashboard:u", "HOT", "CSV", "{}", null, Map.of(),
        List.of(), "PENDING", 0, 0, false, 0, T0, null, null, null).requestedBy())
        .isEqualTo("dashboard:u");
  }

  @Test
  void job_filtersNotAJsonObject_refused() {
    assertThatThrownBy(() -> job("HOT", "CSV", "[1]", null, Map.of(), "PENDING", null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("filters");
    assertThatThrownBy(() -> job("HOT", "CSV", "{", null, Map.of(), "PENDING", null))
        .isInstanceOf(io.hyrelog.HyrelogException.class);
  }

  @Test
  void job_limitHeadsAndErrorDisagreeing_refused() {
    assertThatThrownBy(() -> job("HOT", "CSV", "{}", 0L, Map.of(), "PENDING", null))
        .hasMessageContaining("rowLimit");
    assertThatThrownBy(() -> job("HOT", "CSV", "{}", null, Map.of(LOW, 0L), "PENDING", null))
        .hasMessageContaining("head of chain " + LOW);
    assertThatThrownBy(() -> job("HOT", "CSV", "{}", null, Map.of(), "FAILED", null))
        .hasMessageContaining("error");
    assertThatThrownBy(() -> job("HOT", "CSV", "{}", null, Map.of(), "COMPLETED", "boom"))
        .hasMessageContaining("error");
  }
}
