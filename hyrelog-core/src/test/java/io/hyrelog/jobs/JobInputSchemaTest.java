package io.hyrelog.jobs;

import static io.hyrelog.jobs.JobInputSchema.PropertyType.BOOLEAN;
import static io.hyrelog.jobs.JobInputSchema.PropertyType.DATE;
import static io.hyrelog.jobs.JobInputSchema.PropertyType.INSTANT;
import static io.hyrelog.jobs.JobInputSchema.PropertyType.INTEGER;
import static io.hyrelog.jobs.JobInputSchema.PropertyType.STRING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hyrelog.ProblemList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

class JobInputSchemaTest {
  private static final ObjectMapper M = new ObjectMapper();
  private static final JobInputSchema WINDOW = JobInputSchema.builder()
      .required("from", INSTANT).required("to", INSTANT).optional("dryRun", BOOLEAN)
      .optional("limit", INTEGER).optional("day", DATE).optional("note", STRING).build();

  private static JsonNode json(String s) throws Exception {
    return M.readTree(s);
  }

  private static List<String> pointers(ProblemList<JobInputSchema.Violation> v) {
    return v.kept().stream().map(x -> x.pointer() + ":" + x.code()).toList();
  }

  @Test
  void validate_fromToWindow_accepted() throws Exception {
    assertThat(WINDOW.validate(json("{\"from\":\"2026-01-01T00:00:00Z\","
        + "\"to\":\"2026-01-02T00:00:00+01:00\",\"dryRun\":true,\"limit\":5,"
        + "\"day\":\"2026-01-01\",\"note\":\"x\"}")).isEmpty()).isTrue();
  }

  @Test
  void validate_missingRequired_namesEachField() throws Exception {
    assertThat(pointers(WINDOW.validate(json("{}"))))
        .containsExactly("/from:REQUIRED", "/to:REQUIRED");
    assertThat(pointers(WINDOW.validate(json("{\"from\":null,\"to\":\"2026-01-01T00:00:00Z\"}"))))
        .containsExactly("/from:REQUIRED");
  }

  @Test
  void validate_wrongTypes_reportedWithPointers() throws Exception {
    ProblemList<JobInputSchema.Violation> v = WINDOW.validate(json("{\"from\":\"yesterday\","
        + "\"to\":5,\"dryRun\":\"yes\",\"limit\":1.5,\"day\":\"2026-13-01\",\"note\":1}"));
    assertThat(pointers(v)).containsExactly("/from:INVALID_FORMAT", "/to:INVALID_FORMAT",
        "/dryRun:INVALID_TYPE", "/limit:INVALID_TYPE", "/day:INVALID_FORMAT",
        "/note:INVALID_TYPE");
    assertThat(v.kept().get(0).message()).doesNotContain("yesterday");
  }

  @Test
  void validate_instantWithoutOffset_rejected() throws Exception {
    assertThat(pointers(WINDOW.validate(json("{\"from\":\"2026-01-01T00:00:00\","
        + "\"to\":\"2026-01-01T00:00:00Z\"}")))).containsExactly("/from:INVALID_FORMAT");
  }

  @Test
  void validate_unknownField_rejectedWithEscapedPointer() throws Exception {
    assertThat(pointers(WINDOW.validate(json("{\"from\":\"2026-01-01T00:00:00Z\","
        + "\"to\":\"2026-01-01T00:00:00Z\",\"a/b~c\":1}")))).containsExactly("/a~1b~0c:UNKNOWN_FIELD");
  }

  @Test
  void validate_notAnObject_rejected() throws Exception {
    assertThat(pointers(WINDOW.validate(json("[1]")))).containsExactly(":INVALID_TYPE");
    assertThat(JobInputSchema.none().validate(null).isEmpty()).isTrue();
    assertThat(JobInputSchema.none().validate(json("null")).isEmpty()).isTrue();
    assertThat(pointers(JobInputSchema.none().validate(json("{\"x\":1}"))))
        .containsExactly("/x:UNKNOWN_FIELD");
  }

  @Test
  void validate_aMillionUnknownFields_keepsTwentyAndCountsAll() throws Exception {
    StringBuilder in = new StringBuilder("{");
    for (int i = 0; i < 100_000; i++) {
      in.append(i == 0 ? "" : ",").append("\"u").append(i).append("\":1");
    }
    ProblemList<JobInputSchema.Violation> v = WINDOW.validate(json(in.append("}").toString()));
    assertThat(v.kept()).hasSize(ProblemList.DEFAULT_LIMIT);
    assertThat(v.total()).isEqualTo(100_002); // and from, to missing
    assertThat(v.truncated()).isTrue();
    InvalidJobInputException e = new InvalidJobInputException("test", v);
    assertThat(e.violations()).hasSize(20);
    assertThat(e.violationCount()).isEqualTo(100_002);
    assertThat(e.getMessage()).contains("100002 problems").hasSizeLessThan(300);
  }

  @Test
  void toJson_describesTypesFormatsAndRequired() {
    ObjectNode n = WINDOW.toJson();
    assertThat(n.path("type").asText()).isEqualTo("object");
    assertThat(n.path("required").toString()).isEqualTo("[\"from\",\"to\"]");
    assertThat(n.path("properties").path("from").toString())
        .isEqualTo("{\"type\":\"string\",\"format\":\"date-time\"}");
    assertThat(n.path("properties").path("limit").path("type").asText()).isEqualTo("integer");
    assertThat(n.path("additionalProperties").asBoolean(true)).isFalse();
  }

  @Test
  void builder_badDeclarations_rejected() {
    assertThatThrownBy(() -> JobInputSchema.builder().optional("a", STRING).required("a", STRING))
        .hasMessageContaining("declared twice");
    assertThatThrownBy(() -> JobInputSchema.builder().optional("1a", STRING))
        .hasMessageContaining("'1a'");
    assertThatThrownBy(() -> new JobInputSchema(java.util.Map.of(), java.util.Set.of("x")))
        .hasMessageContaining("'x' is not declared");
  }

  @Property
  void validate_anyUnknownName_isRejected(@ForAll @AlphaChars @StringLength(min = 1, max = 20)
      String name) {
    ObjectNode in = M.createObjectNode().put("from", "2026-01-01T00:00:00Z")
        .put("to", "2026-01-01T00:00:00Z");
    in.put(name, "v");
    boolean known = WINDOW.properties().containsKey(name);
    assertThat(WINDOW.validate(in).isEmpty()).isEqualTo(known && name.equals("note"));
  }

  @Property
  void validate_anyInteger_acceptedOnlyAsInteger(@ForAll long n) {
    ObjectNode in = M.createObjectNode().put("from", "2026-01-01T00:00:00Z")
        .put("to", "2026-01-01T00:00:00Z").put("limit", n);
    assertThat(WINDOW.validate(in).isEmpty()).isTrue();
    in.put("note", n);
    assertThat(pointers(WINDOW.validate(in))).containsExactly("/note:INVALID_TYPE");
  }
}
