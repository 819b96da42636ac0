package io.hyrelog.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hyrelog.Actor;
import io.hyrelog.AuditEvent;
import io.hyrelog.DataRegion;
import io.hyrelog.DataSubject;
import io.hyrelog.EventScope;
import io.hyrelog.Metadata;
import io.hyrelog.NewEvent;
import io.hyrelog.PersonalDataPolicy;
import io.hyrelog.Workspace;
import io.hyrelog.WorkspaceRef;
import io.hyrelog.export.EventProofs;
import io.hyrelog.export.JsonlEventReader;
import io.hyrelog.integrity.ChainCheckpoint;
import io.hyrelog.integrity.ChainVerifier;
import io.hyrelog.integrity.NoteVerifier;
import io.hyrelog.integrity.VerificationReport;
import io.hyrelog.log.EventLog;
import io.hyrelog.personal.SubjectAccess;
import io.hyrelog.spi.ErasureRequest;
import io.hyrelog.storage.postgres.PostgresEventStore;
import io.hyrelog.testkit.MutableClock;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The access export of a data subject ({@link SubjectAccess}) through the real server on a
 * virtual clock: a company with three workspaces whose events sit in a cold archive segment
 * (day 0), a readable one (day 60) and the hot store (day 100). The first call files restore
 * requests through the restore workflow and waits; once the restore jobs completed them, the
 * export holds exactly the subject's events, verifies as the CLI's {@code verify --allow-gaps}
 * does (its {@link ChainVerifier}) and with every event's inclusion proof in a checkpoint that
 * the server's public key signed, and keeps its files idempotently per request id. Downloads
 * over HTTP are scoped to the company.
 *
 * <p>{@code hyrelog.jar} itself is built after this module (its own tests need this server), so
 * the CLI's verifier classes run here in-process; {@code docs/cli.md} shows the command.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SubjectAccessIT {
  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
  private static final MutableClock CLOCK = new MutableClock(T0);
  private static final DataSubject ANA = DataSubject.actorId("u-ana");
  private static final String INJECTION = "=HYPERLINK(\"http://evil.test\",\"x\")";

  private static TestServer server;
  private static TestHttp http;
  private static DemoCredentials demo;
  private static UUID company;
  private static UUID w1;
  private static UUID w2;
  private static UUID w3;
  private static String w2Key;
  private static PostgresEventStore libraryStore;
  /** Ana's events (actor id u-ana), by id. */
  private static final Set<String> anaIds = new HashSet<>();
  private static final Set<String> otherIds = new HashSet<>();
  private static final Set<String> customerIds = new HashSet<>();
  private static String anaOldId;
  private static String injectionId;

  @BeforeAll
  static void start() {
    server = TestServer.start(Map.of(), CLOCK);
    http = server.http();
    demo = server.demo();
    company = demo.companyId();
    w1 = demo.workspaceId();
    w2 = workspace("Second");
    w3 = workspace("Third");
    JsonNode key = ok(http.post("/v1/workspaces/" + w2 + "/keys", "{}", "Authorization",
        "Bearer " + demo.companyKey(), "Content-Type", "application/json"), 201);
    w2Key = key.path("key").asText();
    libraryStore = PostgresEventStore.builder(server.owner()).requireDurableCommits(false)
        .build();

    // day 0: archived, then cold
    List<String> day0 = post(demo.workspaceKey(), ana("ana@x.test", null),
        ana("ana@x.test", null), other());
    anaIds.addAll(day0.subList(0, 2));
    otherIds.add(day0.get(2));
    anaIds.addAll(post(w2Key, ana("ana@x.test", null)));
    otherIds.addAll(post(w2Key, other()));
    customerIds.add(append(w3, "cust-7", true));
    otherIds.add(append(w3, "cust-8", true));
    otherIds.add(append(w3, "cust-7", false)); // the key is not declared personal here
    // day 60: archived, readable
    CLOCK.set(T0.plus(Duration.ofDays(60)));
    List<String> day60 = post(demo.workspaceKey(), ana("ana@x.test", INJECTION));
    injectionId = day60.get(0);
    anaIds.addAll(day60);
    anaIds.addAll(post(w2Key, ana("ana@x.test", null)));
    otherIds.addAll(post(w2Key, other()));
    archive(T0.plus(Duration.ofDays(91))); // day 0 only
    // day 100: hot
    CLOCK.set(T0.plus(Duration.ofDays(100)));
    anaIds.addAll(post(demo.workspaceKey(), ana("ana@x.test", null)));
    List<String> old = post(demo.workspaceKey(), ana("ana-old@x.test", null));
    anaOldId = old.get(0);
    anaIds.addAll(old);
    otherIds.addAll(post(demo.workspaceKey(), other()));
    customerIds.add(append(w3, "cust-7", true));
    archive(T0.plus(Duration.ofDays(160))); // day 60 only
    Instant cold = T0.plus(Duration.ofDays(272));
    CLOCK.set(cold);
    assertThat(run("archive.cold_mark").path("segments_marked_cold").asInt()).isEqualTo(1);
    // An erasure of one of Ana's addresses (hot): that field shows as erased in her export.
    assertThat(libraryStore.erase(new ErasureRequest(EventScope.company(company), null,
        "ana-old@x.test"))).isEqualTo(1);
  }

  @AfterAll
  static void stop() {
    if (libraryStore != null) {
      libraryStore.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private static String last;

  private static UUID workspace(String name) {
    JsonNode w = ok(http.post("/dashboard/admin/companies/" + demo.companyId() + "/workspaces",
        "{\"name\":\"" + name + "\"}", server.dashboardUser(null, "HYRELOG_ADMIN")), 201);
    return UUID.fromString(w.path("id").asText());
  }

  private static String ana(String email, String resourceId) {
    return "{\"category\":\"user\",\"action\":\"login\",\"actor\":{\"id\":\"u-ana\","
        + "\"email\":\"" + email + "\"}" + (resourceId == null ? "" : ",\"resource\":{\"type\":"
        + "\"doc\",\"id\":" + com.fasterxml.jackson.databind.node.TextNode.valueOf(resourceId).toString() + "}") + "}";
  }

  private static String other() {
    return "{\"category\":\"user\",\"action\":\"login\",\"actor\":{\"id\":\"u-bob\","
        + "\"email\":\"bob@x.test\"},\"metadata\":{\"note\":\"u-ana\"}}";
  }

  /** Appends events over HTTP; returns their ids (the last one also in {@link #last}). */
  private static List<String> post(String key, String... events) {
    JsonNode r = ok(http.post("/v1/events/batch", "{\"events\":[" + String.join(",", events)
        + "]}", "Authorization", "Bearer " + key, "Content-Type", "application/json"), 201);
    List<String> ids = new ArrayList<>();
    r.path("data").forEach(e -> ids.add(e.path("id").asText()));
    last = ids.get(ids.size() - 1);
    return ids;
  }

  /**
   * Appends through the library with {@code customer} declared personal (or not): the server's
   * HTTP ingestion keeps the default policy, which declares no metadata key.
   */
  private static String append(UUID workspace, String customer, boolean personal) {
    PersonalDataPolicy policy = personal
        ? PersonalDataPolicy.defaults().withMetadataKeys("customer")
        : PersonalDataPolicy.defaults();
    EventLog log = EventLog.builder(libraryStore).clock(CLOCK).personalData(policy).build();
    return log.append(new WorkspaceRef(company, workspace, DataRegion.US),
        NewEvent.builder("billing", "invoice.sent").actor(new Actor("u-carl", null, null, null))
            .metadata(Metadata.parse("{\"customer\":\"" + customer + "\"}")).build())
        .event().id().toString();
  }

  private static void archive(Instant asOf) {
    CLOCK.set(asOf);
    assertThat(run("retention.mark").path("events_marked").asLong()).isPositive();
    JsonNode a = run("archive.run");
    assertThat(a.path("segments_verified").asInt()).as(a.toString()).isEqualTo(1);
  }

  private static JsonNode run(String job) {
    TestHttp.Response r = http.post("/ops/jobs/" + job + "/run", "{\"asOf\":\""
        + CLOCK.instant() + "\",\"region\":\"US\"}", "x-internal-token", server.internalToken(),
        "Content-Type", "application/json");
    assertThat(r.status()).as(r.text()).isEqualTo(201);
    assertThat(r.json().path("status").asText()).as(r.text()).isEqualTo("SUCCEEDED");
    return r.json().path("result");
  }

  private static JsonNode ok(TestHttp.Response r, int status) {
    assertThat(r.status()).as(r.text()).isEqualTo(status);
    return r.json();
  }

  private static SubjectAccess access() {
    return server.server().subjectAccess();
  }

  /** Fulfils the request, driving the restore jobs while it waits. */
  private static SubjectAccess.Done done(UUID request, EventScope scope, DataSubject subject) {
    for (int i = 0; i < 3; i++) {
      SubjectAccess.Outcome o = access().fulfil(request, scope, subject);
      if (o instanceof SubjectAccess.Done d) {
        return d;
      }
      restore();
    }
    throw new AssertionError("still waiting for restores");
  }

  private static void restore() {
    run("restore.initiate");
    CLOCK.advance(Duration.ofMinutes(6)); // the local store's BULK restore takes 5 minutes
    run("restore.check");
  }

  private static byte[] file(EventScope scope, UUID request, String name) {
    try (InputStream in = access().open(scope, request, name).orElseThrow()) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The events of an export, checked as {@code hyrelog.jar verify --allow-gaps} checks them. */
  private static List<AuditEvent> verified(byte[] jsonl) {
    ChainVerifier v = ChainVerifier.builder().allowGaps().build();
    List<AuditEvent> out = new ArrayList<>();
    try (JsonlEventReader r = new JsonlEventReader(new ByteArrayInputStream(jsonl))) {
      for (JsonlEventReader.Line line : r) {
        assertThat(v.accept(line.tree(), line.number())).as("line " + line.number()).isTrue();
        out.add(line.event());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    VerificationReport report = v.finish();
    assertThat(report.ok()).as(report.toString()).isTrue();
    return out;
  }

  private static Set<String> ids(List<AuditEvent> events) {
    Set<String> out = new HashSet<>();
    events.forEach(e -> out.add(e.id().toString()));
    return out;
  }

  @Test
  @Order(1)
  void fulfil_coldSegment_waitsForRestoresThenWritesTheSubjectsVerifiableExport()
      throws Exception {
    UUID request = UUID.randomUUID();
    EventScope scope = EventScope.company(company);
    SubjectAccess.Outcome first = access().fulfil(request, scope, ANA);
    assertThat(first).isInstanceOf(SubjectAccess.Waiting.class);
    List<UUID> restores = ((SubjectAccess.Waiting) first).restoreRequests();
    assertThat(restores).hasSize(1);
    // Asking again files nothing new: it waits for the same restore.
    assertThat(access().fulfil(request, scope, ANA))
        .isEqualTo(new SubjectAccess.Waiting(restores));
    JsonNode r = ok(http.get("/dashboard/restore-requests/" + restores.get(0),
        server.dashboardUser(company, "ADMIN")), 200);
    assertThat(r.path("status").asText()).isEqualTo("APPROVED");
    assertThat(r.path("requestedBy").path("userId").asText()).isEqualTo("gdpr-access:" + request);
    assertThat(r.path("tier").asText()).isEqualTo("BULK");
    assertThat(access().open(scope, request, "events.jsonl")).isEmpty();

    run("restore.initiate");
    assertThat(access().fulfil(request, scope, ANA)).isInstanceOf(SubjectAccess.Waiting.class);
    CLOCK.advance(Duration.ofMinutes(6));
    assertThat(run("restore.check").path("completed").asInt()).isEqualTo(1);

    SubjectAccess.Outcome second = access().fulfil(request, scope, ANA);
    assertThat(second).isEqualTo(new SubjectAccess.Done(anaIds.size(),
        List.of("events.jsonl", "proofs.jsonl", "summary.csv")));
    byte[] jsonl = file(scope, request, "events.jsonl");
    List<AuditEvent> events = verified(jsonl);
    assertThat(ids(events)).isEqualTo(anaIds).doesNotContainAnyElementsOf(otherIds);
    Set<UUID> chains = new HashSet<>();
    events.forEach(e -> chains.add(e.workspaceId()));
    assertThat(chains).containsExactlyInAnyOrder(w1, w2);
    Map<UUID, Long> lastSeq = new HashMap<>();
    for (AuditEvent e : events) { // each chain in seq order, archived and hot together
      assertThat(e.seq()).isGreaterThan(lastSeq.getOrDefault(e.workspaceId(), 0L));
      lastSeq.put(e.workspaceId(), e.seq());
    }
    AuditEvent erased = events.stream().filter(e -> e.id().toString().equals(anaOldId))
        .findFirst().orElseThrow();
    assertThat(erased.actor().email()).isNull();
    assertThat(erased.personal().get("/actor/email").erased()).isTrue();

    // Every event is in the tree of its chain's checkpoint, signed by the server's key.
    List<NoteVerifier> keys = new ArrayList<>();
    for (JsonNode k : http.get("/v1/signing-keys").json().path("data")) {
      keys.add(NoteVerifier.parse(k.path("verifierKey").asText()));
    }
    try (EventProofs.Reader proofs = new EventProofs.Reader(new ByteArrayInputStream(
        file(scope, request, "proofs.jsonl")))) {
      Map<UUID, ChainCheckpoint> cps = new HashMap<>();
      for (EventProofs.CheckpointLine c : proofs.checkpoints()) {
        cps.put(c.workspaceId(), ChainCheckpoint.verifyNote(c.note(), keys));
      }
      for (AuditEvent e : events) {
        EventProofs.ProofLine line = proofs.next();
        assertThat(EventProofs.check(cps.get(e.workspaceId()), e.workspaceId(), e.seq(),
            e.hash(), line, proofs.lineNumber())).as("seq " + e.seq()).isEmpty();
      }
      assertThat(proofs.next()).isNull();
    }

    // The summary: a header and one row per event, formulas defused.
    List<List<String>> rows = Csv.parse(new String(file(scope, request, "summary.csv"),
        StandardCharsets.UTF_8));
    assertThat(rows.get(0)).containsExactly("timestamp", "recordedAt", "workspaceId",
        "workspaceName", "seq", "eventId", "category", "action", "resourceType", "resourceId",
        "personalPresent", "personalErased");
    assertThat(rows).hasSize(events.size() + 1);
    Map<String, List<String>> byId = new HashMap<>();
    rows.subList(1, rows.size()).forEach(row -> byId.put(row.get(5), row));
    assertThat(byId.keySet()).isEqualTo(anaIds);
    assertThat(byId.get(injectionId).get(9)).isEqualTo("'" + INJECTION);
    assertThat(byId.get(anaOldId).get(10)).doesNotContain("/actor/email");
    assertThat(byId.get(anaOldId).get(11)).contains("/actor/email");
    assertThat(byId.get(injectionId).get(10)).contains("/actor/email");
    assertThat(byId.get(injectionId).get(11)).isEmpty();
    assertThat(rows.subList(1, rows.size())).filteredOn(row -> row.get(2).equals(w2.toString()))
        .isNotEmpty().allMatch(row -> row.get(3).equals("Second"));

    // Idempotent: a new event of Ana changes nothing of this request; a new request sees it.
    post(demo.workspaceKey(), ana("ana@x.test", null));
    assertThat(access().fulfil(request, scope, ANA)).isEqualTo(second);
    assertThat(file(scope, request, "events.jsonl")).isEqualTo(jsonl);
    anaIds.add(last);
    SubjectAccess.Done again = done(UUID.randomUUID(), scope, ANA);
    assertThat(again.events()).isEqualTo(anaIds.size());
  }

  @Test
  @Order(2)
  void fulfil_byEmailAndByPersonalMetadata_onlyThatSubjectsEvents() {
    EventScope scope = EventScope.company(company);
    UUID byEmail = UUID.randomUUID();
    SubjectAccess.Done d = done(byEmail, scope, DataSubject.actorEmail("ana@x.test"));
    Set<String> expected = new HashSet<>(anaIds);
    expected.remove(anaOldId); // erased: that address is no longer anywhere
    assertThat(ids(verified(file(scope, byEmail, "events.jsonl")))).isEqualTo(expected);
    assertThat(d.events()).isEqualTo(expected.size());
    UUID erased = UUID.randomUUID();
    assertThat(done(erased, scope, DataSubject.actorEmail("ana-old@x.test")).events()).isZero();
    assertThat(file(scope, erased, "events.jsonl")).isEmpty();
    assertThat(new String(file(scope, erased, "summary.csv"), StandardCharsets.UTF_8))
        .startsWith("timestamp,").hasLineCount(1);

    UUID byCustomer = UUID.randomUUID();
    done(byCustomer, scope, DataSubject.metadata("customer", "cust-7"));
    List<AuditEvent> events = verified(file(scope, byCustomer, "events.jsonl"));
    assertThat(ids(events)).isEqualTo(customerIds);
    assertThat(events).allMatch(e -> e.workspaceId().equals(w3));
  }

  @Test
  @Order(3)
  void fulfil_scopes_companyIncludesTheSystemChainAndAWorkspaceOnlyItself() {
    // The dashboard user who created the workspaces acted in the company's system chain.
    EventScope scope = EventScope.company(company);
    UUID staff = UUID.randomUUID();
    done(staff, scope, DataSubject.actorEmail("someone@example.com"));
    List<AuditEvent> events = verified(file(scope, staff, "events.jsonl"));
    assertThat(events).isNotEmpty()
        .allMatch(e -> e.workspaceId().equals(Workspace.systemId(company)));

    EventScope second = EventScope.workspace(company, w2);
    UUID inW2 = UUID.randomUUID();
    done(inW2, second, ANA);
    assertThat(verified(file(second, inW2, "events.jsonl")))
        .isNotEmpty().allMatch(e -> e.workspaceId().equals(w2));
    // A workspace of another company (or none) is refused, writing nothing.
    UUID stranger = UUID.randomUUID();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> access().fulfil(stranger,
        EventScope.workspace(company, server.newTenant().workspaceId()), ANA))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a workspace");
    assertThat(openable(EventScope.company(company), stranger)).isFalse();
    // Another workspace's scope does not open it; the company's does.
    assertThat(openable(EventScope.workspace(company, w1), inW2)).isFalse();
    assertThat(openable(EventScope.company(company), inW2)).isTrue();
  }

  private static boolean openable(EventScope scope, UUID request) {
    try {
      return access().open(scope, request, "events.jsonl").isPresent();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  @Order(4)
  void downloads_companyScoped_otherCompaniesAndUnknownFilesNotFound() throws Exception {
    EventScope scope = EventScope.company(company);
    UUID request = UUID.randomUUID();
    done(request, scope, ANA);
    byte[] jsonl = file(scope, request, "events.jsonl");
    String path = "/v1/gdpr/requests/" + request + "/files/";
    TestHttp.Response r = http.get(path + "events.jsonl", "Authorization",
        "Bearer " + demo.companyKey());
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    assertThat(r.body()).isEqualTo(jsonl);
    assertThat(r.header("Content-Type")).startsWith("application/x-ndjson");
    assertThat(r.header("Cache-Control")).isEqualTo("no-store");
    TestHttp.Response csv = http.get(path + "summary.csv", "Authorization",
        "Bearer " + demo.companyKey());
    assertThat(csv.header("Content-Type")).startsWith("text/csv");
    assertThat(csv.body()).isEqualTo(file(scope, request, "summary.csv"));

    DemoCredentials other = server.newTenant();
    assertThat(openable(EventScope.company(other.companyId()), request)).isFalse();
    TestHttp.problem(http.get(path + "events.jsonl", "Authorization",
        "Bearer " + other.companyKey()), 404, "NOT_FOUND", null);
    for (String unknown : List.of("plan.json", "manifest.json", "events.csv", "..%2Fplan.json")) {
      TestHttp.problem(http.get(path + unknown, "Authorization", "Bearer "
          + demo.companyKey()), 404, "NOT_FOUND", null);
    }
    TestHttp.problem(http.get("/v1/gdpr/requests/" + UUID.randomUUID() + "/files/events.jsonl",
        "Authorization", "Bearer " + demo.companyKey()), 404, "NOT_FOUND", null);
    TestHttp.problem(http.get("/v1/gdpr/requests/not-a-uuid/files/events.jsonl",
        "Authorization", "Bearer " + demo.companyKey()), 404, "NOT_FOUND", null);
    TestHttp.problem(http.get(path + "events.jsonl", "Authorization",
        "Bearer " + demo.workspaceKey()), 403, "FORBIDDEN", null);
    TestHttp.problem(http.get(path + "events.jsonl"), 401, "UNAUTHORIZED", null);

    String dash = "/dashboard/gdpr-requests/" + request + "/files/";
    TestHttp.Response d = http.get(dash + "proofs.jsonl", server.dashboardUser(company,
        "MEMBER"));
    assertThat(d.status()).as(d.text()).isEqualTo(200);
    assertThat(d.body()).isEqualTo(file(scope, request, "proofs.jsonl"));
    JsonNode audit = server.auditEntry(d);
    assertThat(audit.path("action").asText()).isEqualTo("gdpr_request.download");
    assertThat(audit.path("target").asText()).isEqualTo("gdpr_request:" + request);
    TestHttp.Response elsewhere = http.get(dash + "events.jsonl",
        server.dashboardUser(other.companyId(), "MEMBER"));
    TestHttp.problem(elsewhere, 404, "NOT_FOUND", null);
    assertThat(server.auditEntry(elsewhere).path("outcome").asText()).isEqualTo("REFUSED");
  }

  @Test
  @Order(5)
  void fulfil_afterACrashBetweenFiles_writesTheRestFromTheSamePlan() throws Exception {
    EventScope scope = EventScope.company(company);
    UUID request = UUID.randomUUID();
    SubjectAccess.Done d = done(request, scope, ANA);
    byte[] jsonl = file(scope, request, "events.jsonl");
    byte[] csv = file(scope, request, "summary.csv");
    // As if the process died after writing events.jsonl: no summary, no manifest.
    for (String name : List.of("summary.csv", "manifest.json", "proofs.jsonl")) {
      Files.delete(stored(request, name));
    }
    assertThat(openable(scope, request)).isFalse();
    post(demo.workspaceKey(), ana("ana@x.test", null)); // after the plan: not in this export
    anaIds.add(last);
    assertThat(access().fulfil(request, scope, ANA)).isEqualTo(d);
    assertThat(file(scope, request, "events.jsonl")).isEqualTo(jsonl);
    assertThat(file(scope, request, "summary.csv")).isEqualTo(csv);
    // A stored file changed behind the manifest's back is not served as whole.
    Files.write(stored(request, "summary.csv"), "tampered\r\n".getBytes(StandardCharsets.UTF_8));
    try (InputStream in = access().open(scope, request, "summary.csv").orElseThrow()) {
      org.assertj.core.api.Assertions.assertThatThrownBy(in::readAllBytes)
          .isInstanceOf(IOException.class).hasMessageContaining("does not match its manifest");
    }
  }

  private static Path stored(UUID request, String name) throws IOException {
    try (Stream<Path> files = Files.walk(server.dataDir())) {
      return files.filter(p -> p.endsWith(Path.of(request.toString(), name))).findFirst()
          .orElseThrow(() -> new AssertionError("no stored " + name));
    }
  }

  /** An RFC 4180 reader for the summary (quoted fields, doubled quotes, CRLF records). */
  private static final class Csv {
    static List<List<String>> parse(String text) {
      List<List<String>> rows = new ArrayList<>();
      List<String> row = new ArrayList<>();
      StringBuilder cell = new StringBuilder();
      boolean quoted = false;
      for (int i = 0; i < text.length(); i++) {
        char c = text.charAt(i);
        if (quoted) {
          if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
            cell.append('"');
            i++;
          } else if (c == '"') {
            quoted = false;
          } else {
            cell.append(c);
          }
        } else if (c == '"') {
          quoted = true;
        } else if (c == ',') {
          row.add(cell.toString());
          cell.setLength(0);
        } else if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
          row.add(cell.toString());
          cell.setLength(0);
          rows.add(row);
          row = new ArrayList<>();
          i++;
        } else {
          cell.append(c);
        }
      }
      return rows;
    }
  }
}
