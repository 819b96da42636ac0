package io.hyrelog.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hyrelog.AuditEvent;
import io.hyrelog.DataRegion;
import io.hyrelog.log.EventLog;
import io.hyrelog.EventScope;
import io.hyrelog.WorkspaceRef;
import io.hyrelog.EventJson;
import io.hyrelog.integrity.ChainCheckpoint;
import io.hyrelog.integrity.ChainVerifier;
import io.hyrelog.integrity.FailureReason;
import io.hyrelog.integrity.IntegrityFailure;
import io.hyrelog.integrity.VerificationReport;
import io.hyrelog.spi.ErasureRequest;
import io.hyrelog.IdSource;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Every single mutation of a valid exported chain is detected, at the right seq: the first seq
 * that cannot be verified. The chain is verified as an auditor would: complete, against a
 * checkpoint of its head.
 */
class ChainMutationPropertiesTest {
  private static final int N = 12;
  private static final WorkspaceRef WS = SampleEvents.workspace(11, DataRegion.US);
  private static final WorkspaceRef OTHER = SampleEvents.workspace(12, DataRegion.US);
  private static final List<ObjectNode> LINES;
  private static final ObjectNode FOREIGN;
  private static final ChainCheckpoint CHECKPOINT;

  static {
    MutableClock clock = new MutableClock(Instant.parse("2026-11-26T12:00:00Z"));
    InMemoryEventStore store = new InMemoryEventStore();
    EventLog log = EventLog.builder(store).clock(clock).idSource(IdSource.seeded(clock, 5))
        .build();
    SampleEvents samples = new SampleEvents(5);
    for (int i = 0; i < N; i++) {
      log.append(WS, samples.next(clock.instant().minusSeconds(100 - i)));
    }
    log.append(OTHER, samples.next(null));
    // Two events of one actor erased, so mutations also hit erased personal fields.
    AuditEvent third;
    try (Stream<AuditEvent> s = store.read(EventScope.of(WS), 3, 3)) {
      third = s.findFirst().orElseThrow();
    }
    store.erase(new ErasureRequest(EventScope.of(WS), third.actor().id(), null));
    try (Stream<AuditEvent> s = store.read(EventScope.of(WS), 1, N)) {
      LINES = s.map(EventJson::toTree).collect(Collectors.toList());
    }
    try (Stream<AuditEvent> s = store.read(EventScope.of(OTHER), 1, 1)) {
      FOREIGN = EventJson.toTree(s.findFirst().orElseThrow());
    }
    CHECKPOINT = log.checkpoint("audit.example.com", EventScope.of(WS));
  }

  private static List<ObjectNode> copy() {
    List<ObjectNode> out = new ArrayList<>();
    LINES.forEach(l -> out.add(l.deepCopy()));
    return out;
  }

  private static VerificationReport verify(List<ObjectNode> lines) {
    ChainVerifier v = ChainVerifier.builder().checkpoint(CHECKPOINT).requireCompleteChains()
        .build();
    for (int i = 0; i < lines.size(); i++) {
      if (!v.accept(lines.get(i), i + 1)) {
        break;
      }
    }
    return v.finish();
  }

  private static IntegrityFailure failure(List<ObjectNode> lines) {
    VerificationReport r = verify(lines);
    assertThat(r.ok()).as("mutation went undetected").isFalse();
    return r.failure().orElseThrow();
  }

  @net.jqwik.api.Example
  void unmutatedExport_verifies() {
    VerificationReport r = verify(copy());
    assertThat(r.ok()).as("%s", r.failure()).isTrue();
    assertThat(r.checkpointsChecked()).isEqualTo(1);
    assertThat(LINES.get(2).get("personal").toString()).contains("\"erased\":true");
  }

  /** Every leaf (every field, nested ones included), changed to another valid-looking value. */
  @Property(tries = 400, seed = "2")
  void changingAnyField_isDetectedAtThatSeq(@ForAll @IntRange(min = 0, max = N - 1) int line,
      @ForAll @IntRange(min = 0, max = 10_000) int pick, @ForAll long seed) {
    List<ObjectNode> lines = copy();
    List<String> leaves = new ArrayList<>();
    collectLeaves(lines.get(line), "", leaves);
    String path = leaves.get(pick % leaves.size());
    change(lines.get(line), path, new Random(seed));
    IntegrityFailure f = failure(lines);
    if (line == 0 && (path.equals("/seq") || path.equals("/workspaceId"))) {
      return; // the first line's own chain position is what changed; detection is enough
    }
    assertThat(f.seq()).as("%s changed on line %d: %s", path, line + 1, f)
        .isEqualTo(line + 1);
  }

  @Property(tries = 200, seed = "3")
  void removingAnyField_isDetectedAtThatSeq(@ForAll @IntRange(min = 0, max = N - 1) int line,
      @ForAll @IntRange(min = 0, max = 10_000) int pick) {
    List<ObjectNode> lines = copy();
    List<String> fields = new ArrayList<>();
    collectFields(lines.get(line), "", fields);
    String path = fields.get(pick % fields.size());
    remove(lines.get(line), path);
    IntegrityFailure f = failure(lines);
    if (line == 0 && (path.equals("/seq") || path.equals("/workspaceId"))) {
      return;
    }
    assertThat(f.seq()).as("%s removed on line %d: %s", path, line + 1, f).isEqualTo(line + 1);
  }

  @Property(tries = 60, seed = "4")
  void deletingAnEvent_isDetectedAtItsSeq(@ForAll @IntRange(min = 0, max = N - 1) int line) {
    List<ObjectNode> lines = copy();
    lines.remove(line);
    assertThat(failure(lines).seq()).isEqualTo(line + 1);
  }

  @Property(tries = 60, seed = "5")
  void truncatingARange_isDetectedAtItsFirstSeq(
      @ForAll @IntRange(min = 0, max = N - 1) int from, @ForAll @IntRange(min = 1, max = N) int n) {
    List<ObjectNode> lines = copy();
    int to = Math.min(N, from + n);
    lines.subList(from, to).clear();
    assertThat(failure(lines).seq()).isEqualTo(from + 1);
  }

  @Property(tries = 60, seed = "6")
  void duplicatingAnEvent_isDetectedAtItsSeq(@ForAll @IntRange(min = 0, max = N - 1) int line) {
    List<ObjectNode> lines = copy();
    lines.add(line + 1, lines.get(line).deepCopy());
    IntegrityFailure f = failure(lines);
    assertThat(f.reason()).isEqualTo(FailureReason.DUPLICATE);
    assertThat(f.seq()).isEqualTo(line + 1);
  }

  @Property(tries = 60, seed = "7")
  void swappingTwoEvents_isDetectedAtTheFirstSeqOutOfPlace(
      @ForAll @IntRange(min = 0, max = N - 2) int a, @ForAll @IntRange(min = 1, max = N - 1) int d) {
    int b = Math.min(N - 1, a + d);
    List<ObjectNode> lines = copy();
    ObjectNode tmp = lines.get(a);
    lines.set(a, lines.get(b));
    lines.set(b, tmp);
    assertThat(failure(lines).seq()).isEqualTo(a + 1);
  }

  @Property(tries = 60, seed = "8")
  void insertingAnEvent_isDetected(@ForAll @IntRange(min = 0, max = N) int at,
      @ForAll @IntRange(min = 0, max = 2) int kind, @ForAll @IntRange(min = 0, max = N - 1) int src) {
    List<ObjectNode> lines = copy();
    ObjectNode inserted;
    long expectedSeq;
    if (kind == 0) {
      inserted = FOREIGN.deepCopy(); // a genuine event of another chain
      expectedSeq = 1;
    } else if (kind == 1) {
      inserted = lines.get(src).deepCopy(); // a replay of an event of this chain
      expectedSeq = at <= src ? at + 1 : src + 1;
    } else {
      // A forged event claiming the next seq, correctly linked and hashed. (Appended after the
      // checkpointed head it would be indistinguishable from a later genuine event: only a
      // newer checkpoint can tell, so it is inserted before the end.)
      at = Math.min(at, N - 1);
      inserted = lines.get(Math.max(0, at - 1)).deepCopy();
      inserted.put("seq", at + 1);
      inserted.put("action", "forged");
      inserted.put("prevHash", at == 0 ? io.hyrelog.Digest.ZERO.hex()
          : lines.get(at - 1).get("hash").textValue());
      inserted.remove("personal");
      inserted.remove("actor");
      inserted.remove("context");
      inserted.put("hash", io.hyrelog.EventHashing.hash(inserted).hex());
      expectedSeq = at + 1;
    }
    lines.add(at, inserted);
    IntegrityFailure f = failure(lines);
    if (kind == 0) {
      assertThat(f.reason()).isEqualTo(FailureReason.WRONG_CHAIN);
    } else {
      assertThat(f.seq()).as("%s", f).isEqualTo(expectedSeq);
    }
  }

  @Property(tries = 30, seed = "9")
  void erasingAnySubset_keepsTheChainVerifying(@ForAll long seed) {
    Random r = new Random(seed);
    List<ObjectNode> lines = new ArrayList<>();
    for (ObjectNode l : LINES) {
      AuditEvent e = EventJson.fromTree(l);
      lines.add(EventJson.toTree(r.nextBoolean() ? e.erasePersonalData() : e));
    }
    VerificationReport rep = verify(lines);
    assertThat(rep.ok()).as("%s", rep.failure()).isTrue();
  }

  private static void collectLeaves(JsonNode n, String at, List<String> out) {
    if (n.isContainerNode() && n.size() > 0) {
      if (n.isObject()) {
        for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> f = it.next();
          collectLeaves(f.getValue(), at + "/" + escape(f.getKey()), out);
        }
      } else {
        for (int i = 0; i < n.size(); i++) {
          collectLeaves(n.get(i), at + "/" + i, out);
        }
      }
    } else {
      out.add(at);
    }
  }

  private static void collectFields(JsonNode n, String at, List<String> out) {
    if (n.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> f = it.next();
        String p = at + "/" + escape(f.getKey());
        out.add(p);
        collectFields(f.getValue(), p, out);
      }
    } else if (n.isArray()) {
      for (int i = 0; i < n.size(); i++) {
        out.add(at + "/" + i);
        collectFields(n.get(i), at + "/" + i, out);
      }
    }
  }

  private static String escape(String key) {
    return key.replace("~", "~0").replace("/", "~1");
  }

  private static String lastKey(String path) {
    return path.substring(path.lastIndexOf('/') + 1).replace("~1", "/").replace("~0", "~");
  }

  private static JsonNode parentOf(ObjectNode root, String path) {
    String parent = path.substring(0, path.lastIndexOf('/'));
    return parent.isEmpty() ? root : root.at(parent);
  }

  private static void remove(ObjectNode root, String path) {
    JsonNode parent = parentOf(root, path);
    if (parent instanceof ObjectNode o) {
      o.remove(lastKey(path));
    } else {
      ((ArrayNode) parent).remove(Integer.parseInt(lastKey(path)));
    }
  }

  /** Replaces the leaf at {@code path} with a different value of the same shape. */
  private static void change(ObjectNode root, String path, Random r) {
    JsonNode parent = parentOf(root, path);
    JsonNode old = root.at(path);
    JsonNode replacement;
    com.fasterxml.jackson.databind.node.JsonNodeFactory f =
        com.fasterxml.jackson.databind.node.JsonNodeFactory.instance;
    if (old.isTextual()) {
      String s = old.textValue();
      if (s.matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
          || s.matches("[0-9a-f]+")) {
        int i = r.nextInt(s.length());
        while (s.charAt(i) == '-') {
          i = r.nextInt(s.length());
        }
        char c = s.charAt(i) == 'a' ? 'b' : 'a';
        replacement = f.textNode(s.substring(0, i) + c + s.substring(i + 1));
      } else if (path.equals("/region")) {
        replacement = f.textNode(s.equals("EU") ? "US" : "EU");
      } else if (path.equals("/timestamp") || path.equals("/recordedAt")) {
        char d = s.charAt(25) == '0' ? '1' : '0';
        replacement = f.textNode(s.substring(0, 25) + d + "Z");
      } else {
        replacement = f.textNode(s + (char) ('a' + r.nextInt(26)));
      }
    } else if (old.isIntegralNumber()) {
      replacement = f.numberNode(old.longValue() + 1 + r.nextInt(3));
    } else if (old.isNumber()) {
      replacement = f.numberNode(old.doubleValue() + 0.25);
    } else if (old.isBoolean()) {
      replacement = f.booleanNode(!old.booleanValue());
    } else if (old.isNull()) {
      replacement = f.textNode("x");
    } else {
      replacement = f.textNode("was-empty-container");
    }
    if (parent instanceof ObjectNode o) {
      o.set(lastKey(path), replacement);
    } else {
      ((ArrayNode) parent).set(Integer.parseInt(lastKey(path)), replacement);
    }
  }
}
