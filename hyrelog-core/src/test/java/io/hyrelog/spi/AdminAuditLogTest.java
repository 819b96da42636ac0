package io.hyrelog.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hyrelog.spi.AdminAuditLog.Entry;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The checks of an admin audit log entry: a value that no one can change once made. */
class AdminAuditLogTest {
  private static final Instant T0 = Instant.parse("2026-06-01T10:00:00Z");

  private static Entry entry(long id, String outcome, ObjectNode details) {
    return new Entry(id, T0.plusNanos(1_999), "u", "u@example.com", "ADMIN", Optional.empty(),
        "restore_request.list", Optional.empty(), outcome, details, Optional.empty());
  }

  @Test
  void entry_details_copiedInAndOut() {
    ObjectNode d = JsonNodeFactory.instance.objectNode().put("n", 1);
    Entry e = entry(0, Entry.OK, d);
    d.put("n", 2);
    e.details().put("n", 3);
    assertThat(e.details()).isEqualTo(JsonNodeFactory.instance.objectNode().put("n", 1));
  }

  @Test
  void entry_outcomeOrIdOutOfRange_refused() {
    ObjectNode d = JsonNodeFactory.instance.objectNode();
    assertThatThrownBy(() -> entry(0, "MAYBE", d)).hasMessageContaining("OK or REFUSED");
    assertThatThrownBy(() -> entry(-1, Entry.OK, d)).hasMessageContaining("id");
    assertThatThrownBy(() -> entry(0, Entry.OK, null)).hasMessageContaining("details");
  }

  @Test
  void stored_givesTheIdAndMicrosecondTime() {
    Entry e = entry(0, Entry.REFUSED, JsonNodeFactory.instance.objectNode());
    Entry stored = e.stored(42);
    assertThat(stored.id()).isEqualTo(42);
    assertThat(stored.at()).isEqualTo(T0.plusNanos(1_000));
    assertThat(stored.details()).isEqualTo(e.details());
  }
}
