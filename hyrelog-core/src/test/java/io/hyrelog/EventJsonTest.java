package io.hyrelog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class EventJsonTest {
  private final AuditEvent event = TestChains.chain(TestChains.WS, 2, 5).get(1);

  @Test
  void toTree_fromTree_roundTrips() {
    assertThat(EventJson.fromTree(EventJson.toTree(event))).isEqualTo(event);
    AuditEvent erased = event.erasePersonalData();
    assertThat(EventJson.fromTree(EventJson.toTree(erased))).isEqualTo(erased);
  }

  @Test
  void toTree_usesApiFieldNamesAndOmitsAbsentFields() {
    ObjectNode t = EventJson.toTree(event);
    assertThat(t.fieldNames()).toIterable().containsExactly("v", "id", "seq", "prevHash",
        "hash", "companyId", "workspaceId", "region", "timestamp", "recordedAt", "category",
        "action", "actor", "resource", "metadata", "context", "personal");
    assertThat(t.get("timestamp").textValue()).matches(
        "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z");
    assertThat(t.get("personal").get("/actor/email").get("salt").textValue()).hasSize(32);
  }

  private static void assertRejected(AuditEvent e, String field, Consumer<ObjectNode> mutate) {
    ObjectNode t = EventJson.toTree(e);
    mutate.accept(t);
    assertThatThrownBy(() -> EventJson.fromTree(t))
        .isInstanceOf(MalformedEventException.class)
        .satisfies(ex -> assertThat(((MalformedEventException) ex).field()).isEqualTo(field));
  }

  @Test
  void fromTree_strict_rejectsWhatTheFormatDoesNotCover() {
    assertRejected(event, "", t -> t.put("extra", 1));
    assertRejected(event, "/actor", t -> ((ObjectNode) t.get("actor")).put("admin", true));
    assertRejected(event, "/v", t -> t.put("v", 2));
    assertRejected(event, "/seq", t -> t.put("seq", 0));
    assertRejected(event, "/seq", t -> t.put("seq", "2"));
    assertRejected(event, "/id", t -> t.put("id", event.id().toString().toUpperCase()));
    assertRejected(event, "/hash", t -> t.put("hash", "abc"));
    assertRejected(event, "/prevHash", t -> t.putNull("prevHash"));
    assertRejected(event, "/timestamp", t -> t.put("timestamp", "2026-11-26T12:00:00Z"));
    assertRejected(event, "/timestamp", t -> t.put("timestamp", "2026-02-30T12:00:00.000000Z"));
    assertRejected(event, "/metadata", t -> t.remove("metadata"));
    assertRejected(event, "/region", t -> t.put("region", "MARS"));
    assertRejected(event, "/category", t -> t.put("category", 5));
    assertRejected(event, "/personal/~1actor~1email/salt",
        t -> ((ObjectNode) t.get("personal").get("/actor/email")).remove("salt"));
    assertRejected(event, "/personal/~1bogus",
        t -> ((ObjectNode) t.get("personal")).set("/bogus",
            t.get("personal").get("/actor/email")));
  }

  @Test
  void formatInstant_parseInstant_roundTripAndAreFixedWidth() {
    for (String s : new String[] {"0001-01-01T00:00:00.000000Z", "9999-12-31T23:59:59.999999Z",
        "2026-11-26T12:00:00.000001Z", "1969-12-31T23:59:59.500000Z"}) {
      Instant t = EventJson.parseInstant(s);
      assertThat(EventJson.formatInstant(t)).isEqualTo(s);
    }
    assertThatThrownBy(() -> EventJson.parseInstant("2026-11-26 12:00:00.000000Z"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
