package io.hyrelog.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hyrelog.AuditEvent;
import io.hyrelog.DataSubject;
import io.hyrelog.EventJson;
import io.hyrelog.Jcs;
import io.hyrelog.MalformedEventException;
import io.hyrelog.integrity.ChainVerifier;
import io.hyrelog.spi.SubjectKey;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The sealed-value vectors of {@code docs/format.md} §11 ({@code golden/v1/subject-seal.json},
 * written by the independent Python reference {@code subject_seal_reference.py} from event 1 of
 * {@code chain.jsonl}), recomputed with {@link SubjectSeal}; and what opening does with missing
 * keys and changed bytes.
 */
class SubjectSealVectorsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private JsonNode vectors;
  private ObjectNode line;
  private AuditEvent event;
  private List<SubjectKey> keys;

  private static byte[] resource(String name) throws IOException {
    try (InputStream in = SubjectSealVectorsTest.class.getResourceAsStream("/golden/v1/"
        + name)) {
      assertThat(in).as("resource golden/v1/%s", name).isNotNull();
      return in.readAllBytes();
    }
  }

  @BeforeEach
  void load() throws IOException {
    vectors = JSON.readTree(resource("subject-seal.json"));
    String first = new String(resource("chain.jsonl"), StandardCharsets.UTF_8).split("\n")[0];
    line = (ObjectNode) JSON.readTree(first);
    event = EventJson.fromTree(line);
    keys = new ArrayList<>();
    for (JsonNode k : vectors.get("keys")) {
      keys.add(new SubjectKey(UUID.fromString(k.get("id").textValue()),
          HexFormat.of().parseHex(k.get("material").textValue())));
    }
  }

  private Function<UUID, Optional<SubjectKey>> lookup(List<SubjectKey> available) {
    return id -> available.stream().filter(k -> k.id().equals(id)).findFirst();
  }

  private ObjectNode sealedLine() throws IOException {
    return (ObjectNode) JSON.readTree(vectors.get("sealedLine").textValue());
  }

  @Test
  void seal_goldenEvent_matchesTheReferenceVectors() throws IOException {
    assertThat(HexFormat.of().formatHex(SubjectSeal.eventKey(keys, event.chainId(),
        event.seq()))).isEqualTo(vectors.get("eventKey").textValue());
    for (Map.Entry<String, JsonNode> f : vectors.get("fields").properties()) {
      assertThat(new String(SubjectSeal.aad(event.chainId(), event.seq(), f.getKey()),
          StandardCharsets.UTF_8)).isEqualTo(f.getValue().get("aad").textValue());
    }
    // Any key order in: the same line out (keys are ordered by id). Compared canonically:
    // Jackson's number node types differ between a parsed and a built tree.
    byte[] expected = Jcs.canonicalize(sealedLine());
    assertThat(Jcs.canonicalize(SubjectSeal.seal(event, keys))).isEqualTo(expected);
    assertThat(Jcs.canonicalize(SubjectSeal.seal(event, List.of(keys.get(2), keys.get(0),
        keys.get(1))))).isEqualTo(expected);
  }

  @Test
  void reference_goldenSubjects_matchTheReferenceVectors() {
    byte[] pepper = HexFormat.of().parseHex(vectors.get("pepper").textValue());
    JsonNode refs = vectors.get("references");
    assertThat(HexFormat.of().formatHex(SubjectSeal.reference(pepper,
        DataSubject.actorId("user_42")))).isEqualTo(refs.get("actor-id:user_42").textValue());
    assertThat(HexFormat.of().formatHex(SubjectSeal.reference(pepper,
        DataSubject.actorEmail("ada@example.com"))))
        .isEqualTo(refs.get("actor-email:ada@example.com").textValue());
    assertThat(HexFormat.of().formatHex(SubjectSeal.reference(pepper,
        DataSubject.metadata("ssn", "078-05-1120"))))
        .isEqualTo(refs.get("metadata:/metadata/ssn=078-05-1120").textValue());
  }

  @Test
  void subjects_goldenEvent_actorIdEmailAndPersonalMetadata() {
    assertThat(SubjectSeal.subjects(event)).containsExactlyInAnyOrder(
        DataSubject.actorId("user_42"), DataSubject.actorEmail("ada@example.com"),
        DataSubject.metadata("ssn", "078-05-1120"));
  }

  @Test
  void sealedLine_verifiesWithoutKeysAndReadsAsErased() throws IOException {
    ChainVerifier v = ChainVerifier.create();
    assertThat(v.accept(sealedLine(), 1)).isTrue();
    assertThat(v.finish().ok()).isTrue();
    assertThat(EventJson.fromTree(sealedLine())).isEqualTo(event.erasePersonalData());
  }

  @Test
  void open_allKeys_theEventAsAppended() throws IOException {
    assertThat(EventJson.fromTree(SubjectSeal.open(sealedLine(), lookup(keys))))
        .isEqualTo(event);
  }

  @Test
  void open_oneKeyDestroyed_everyPersonalFieldErased() throws IOException {
    AuditEvent opened = EventJson.fromTree(SubjectSeal.open(sealedLine(),
        lookup(keys.subList(0, 2))));
    assertThat(opened).isEqualTo(event.erasePersonalData());
    assertThat(opened.hash()).isEqualTo(event.hash());
  }

  @Test
  void open_changedCiphertextSwappedFieldsOrOtherKey_refusedNamingTheField()
      throws IOException {
    ObjectNode flipped = sealedLine();
    ObjectNode entry = (ObjectNode) flipped.get("personal").get("/context/ip");
    byte[] b = Base64.getDecoder().decode(entry.get("sealed").textValue());
    b[3] ^= 0x01;
    entry.put("sealed", Base64.getEncoder().encodeToString(b));
    assertThatThrownBy(() -> SubjectSeal.open(flipped, lookup(keys)))
        .isInstanceOf(SealedValueException.class).hasMessageContaining("/context/ip")
        .hasMessageContaining("seq 1");

    // A ciphertext moved to another field does not open there (the pointer is in the AAD).
    ObjectNode swapped = sealedLine();
    ObjectNode p = (ObjectNode) swapped.get("personal");
    JsonNode name = p.get("/actor/name").get("sealed");
    ((ObjectNode) p.get("/actor/name")).set("sealed", p.get("/actor/email").get("sealed"));
    ((ObjectNode) p.get("/actor/email")).set("sealed", name);
    assertThatThrownBy(() -> SubjectSeal.open(swapped, lookup(keys)))
        .isInstanceOf(SealedValueException.class);

    // Another key under the same id opens nothing.
    List<SubjectKey> wrong = new ArrayList<>(keys);
    wrong.set(0, new SubjectKey(keys.get(0).id(), new byte[SubjectKey.BYTES]));
    assertThatThrownBy(() -> SubjectSeal.open(sealedLine(), lookup(wrong)))
        .isInstanceOf(SealedValueException.class)
        .hasMessageNotContaining("ada@example.com");
  }

  @Test
  void readSealedForm_badShapes_malformedNamingTheField() throws IOException {
    assertMalformed(l -> l.remove("subjectKeys"), "/subjectKeys");
    assertMalformed(l -> l.putArray("subjectKeys"), "/subjectKeys");
    assertMalformed(l -> ((com.fasterxml.jackson.databind.node.ArrayNode) l.get("subjectKeys"))
        .insert(0, "01936f6e-7a00-4000-8000-0000000000ff"), "/subjectKeys/1");
    assertMalformed(l -> ((com.fasterxml.jackson.databind.node.ArrayNode) l.get("subjectKeys"))
        .set(0, "NOT-A-UUID"), "/subjectKeys/0");
    assertMalformed(l -> ((ObjectNode) l.get("personal").get("/actor/email"))
        .put("sealed", "not base64!"), "/personal/~1actor~1email/sealed");
    assertMalformed(l -> ((ObjectNode) l.get("personal").get("/actor/email"))
        .put("sealed", "AAAA"), "/personal/~1actor~1email/sealed");
    assertMalformed(l -> ((ObjectNode) l.get("personal").get("/actor/email"))
        .put("salt", "00112233445566778899aabbccddeeff"), "/personal/~1actor~1email");
    assertMalformed(l -> ((ObjectNode) l.get("actor")).put("email", "ada@example.com"),
        "/personal/~1actor~1email");
    // subjectKeys without a sealed value
    ObjectNode plain = line.deepCopy();
    plain.putArray("subjectKeys").add("01936f6e-7a00-4000-8000-0000000000a1");
    assertThatThrownBy(() -> EventJson.fromTree(plain))
        .isInstanceOfSatisfying(MalformedEventException.class,
            e -> assertThat(e.getMessage()).contains("/subjectKeys"));
  }

  private void assertMalformed(java.util.function.Consumer<ObjectNode> change, String at)
      throws IOException {
    ObjectNode l = sealedLine();
    change.accept(l);
    assertThatThrownBy(() -> EventJson.fromTree(l)).isInstanceOf(MalformedEventException.class)
        .hasMessageContaining(at);
  }
}
