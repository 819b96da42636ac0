package io.hyrelog.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hyrelog.Actor;
import io.hyrelog.AuditEvent;
import io.hyrelog.DataRegion;
import io.hyrelog.DataSubject;
import io.hyrelog.Digest;
import io.hyrelog.EventScope;
import io.hyrelog.IdSource;
import io.hyrelog.Metadata;
import io.hyrelog.NewEvent;
import io.hyrelog.PersonalDataPolicy;
import io.hyrelog.Plan;
import io.hyrelog.PlanTier;
import io.hyrelog.RequestContext;
import io.hyrelog.WorkspaceRef;
import io.hyrelog.archive.Archival;
import io.hyrelog.archive.ArchiveIntegrityException;
import io.hyrelog.export.JsonlEventReader;
import io.hyrelog.integrity.ChainVerifier;
import io.hyrelog.log.EventLog;
import io.hyrelog.spi.ArchiveSegment;
import io.hyrelog.spi.ArchiveStore;
import io.hyrelog.spi.SubjectKeyring;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Crypto-shredding of archived personal values end to end ({@code docs/format.md} §11): events
 * of known subjects are archived with subject keys, read back equal, then subjects are erased by
 * destroying their keys. The segment objects are never rewritten and still verify; the erased
 * subjects' fields read as erased, everything else as before. Runs on the in-memory ports with
 * the local directory store, and on PostgreSQL with the local directory and S3-protocol stores.
 */
public abstract class SubjectKeyArchivalScenarios extends StorageContract {
  private static final Instant START = Instant.parse("2026-01-10T08:00:00Z");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ADA_EMAIL = "ada.lovelace@example.com";
  private static final String ADA_SSN = "078-05-1120";
  private static final String BOB_EMAIL = "bob.babbage@example.com";

  private final Plan plan = Plan.defaults(PlanTier.GROWTH);
  private final UUID company = UUID.nameUUIDFromBytes(new byte[] {'k', 'c'});
  private final WorkspaceRef a = new WorkspaceRef(company,
      UUID.nameUUIDFromBytes(new byte[] {'k', 'a'}), DataRegion.EU);
  private final WorkspaceRef b = new WorkspaceRef(company,
      UUID.nameUUIDFromBytes(new byte[] {'k', 'b'}), DataRegion.EU);
  private ArchiveStore objects;
  private SubjectKeyring keys;
  private EventLog personal;
  /** e1 Ada in a, e2 Bob in a naming Ada's SSN, e3 Ada in b, e4 no subject in a. */
  private final List<AuditEvent> appended = new ArrayList<>();

  @Override
  protected Instant start() {
    return START;
  }

  /** A fresh, empty archive store on {@code clock}. */
  protected abstract ArchiveStore newStore(Clock clock) throws Exception;

  /** A fresh, empty subject key store on {@code clock}. */
  protected abstract SubjectKeyring newKeys(Clock clock) throws Exception;

  /** The stored bytes of {@code key}, read around the store. */
  protected abstract byte[] bytes(String key) throws Exception;

  /** Replaces the bytes of {@code key} behind the store's back (as an attacker would). */
  protected abstract void overwrite(String key, byte[] bytes) throws Exception;

  /**
   * Every stored file or object of the archive store, read around the store (sidecars,
   * temporary and restore marker files included).
   */
  protected abstract List<byte[]> everyStoredFile() throws Exception;

  @BeforeEach
  void setUpSubjects() throws Exception {
    objects = newStore(clock);
    keys = newKeys(clock);
    personal = EventLog.builder(ports.events()).clock(clock).idSource(IdSource.seeded(clock, 7))
        .personalData(PersonalDataPolicy.defaults().withMetadataKeys("ssn")).build();
    appended.add(append(a, new Actor("user_ada", ADA_EMAIL, "admin", "Ada Lovelace"), ADA_SSN,
        "203.0.113.7"));
    appended.add(append(a, new Actor("user_bob", BOB_EMAIL, "member", "Bob Babbage"), ADA_SSN,
        "203.0.113.8"));
    appended.add(append(b, new Actor("user_ada", ADA_EMAIL, "admin", "Ada Lovelace"), null,
        "203.0.113.9"));
    appended.add(append(a, null, null, "198.51.100.4"));
  }

  @AfterEach
  void closeStore() throws Exception {
    if (objects instanceof AutoCloseable c) {
      c.close();
    }
  }

  private AuditEvent append(WorkspaceRef ws, Actor actor, String ssn, String ip) {
    ObjectNode meta = JSON.createObjectNode().put("attempt", 1);
    if (ssn != null) {
      meta.put("ssn", ssn);
    }
    NewEvent.Builder e = NewEvent.builder("user", "login").metadata(Metadata.of(meta))
        .context(new RequestContext("trace-1", ip, "Mozilla/5.0"));
    if (actor != null) {
      e.actor(actor);
    }
    AuditEvent out = personal.append(ws, e.build()).event();
    clock.advance(Duration.ofMinutes(3));
    return out;
  }

  private Archival archival() {
    return Archival.create(ports.events(), ports.archive(), objects,
        IdSource.seeded(clock, 11), clock);
  }

  /** Archives and purges the day of the events (they are past GROWTH's hot window). */
  private List<ArchiveSegment> archiveAll(Archival archival) {
    Instant asOf = START.plus(Duration.ofDays(92));
    clock.set(asOf);
    archival.markRetention(company, plan, asOf);
    Archival.Outcome out = archival.archive(company);
    assertThat(out.errors()).isEmpty();
    assertThat(out.eventsArchived()).isEqualTo(appended.size());
    assertThat(out.rowsPurged()).isEqualTo(appended.size());
    return ports.archive().segments(company);
  }

  private List<AuditEvent> read(Archival archival, WorkspaceRef ws) {
    try (Stream<AuditEvent> s = archival.readChain(EventScope.of(ws), 1, Long.MAX_VALUE)) {
      return s.toList();
    }
  }

  private List<AuditEvent> readAll(Archival archival) {
    List<AuditEvent> out = new ArrayList<>();
    out.addAll(read(archival, a));
    out.addAll(read(archival, b));
    out.sort((x, y) -> x.recordedAt().compareTo(y.recordedAt()));
    return out;
  }

  private static byte[] gunzip(byte[] gz) {
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] gzip(byte[] plain) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(plain);
    }
    return out.toByteArray();
  }

  private List<ObjectNode> lines(ArchiveSegment seg) throws Exception {
    List<ObjectNode> out = new ArrayList<>();
    for (String line : new String(gunzip(bytes(seg.key())), StandardCharsets.UTF_8).split("\n")) {
      out.add((ObjectNode) JSON.readTree(line));
    }
    return out;
  }

  /** Every event of every segment verifies from its raw lines, without any key. */
  private void assertSegmentsVerify(List<ArchiveSegment> segments) throws Exception {
    for (ArchiveSegment s : segments) {
      ChainVerifier v = ChainVerifier.create();
      try (JsonlEventReader r = new JsonlEventReader(new ByteArrayInputStream(
          gunzip(bytes(s.key()))))) {
        for (JsonlEventReader.Line line : r) {
          assertThat(v.accept(line.tree(), line.number())).as(line.toString()).isTrue();
        }
      }
      assertThat(v.finish().ok()).isTrue();
      archival().verify(s);
    }
  }

  /** Each chain verifies end to end, read across the boundary with keys. */
  private void assertChainsVerify(Archival archival) {
    for (WorkspaceRef ws : List.of(a, b)) {
      ChainVerifier v = ChainVerifier.builder().requireCompleteChains()
          .expectChains(List.of(ws.workspaceId())).build();
      read(archival, ws).forEach(e -> assertThat(v.accept(e)).isTrue());
      assertThat(v.finish().ok()).isTrue();
      assertThat(archival.verifyChain(EventScope.of(ws), true).ok()).isTrue();
    }
  }

  /**
   * Archived with subject keys, events read back equal to the hot ones.
   *
   * @throws Exception when the store fails
   */
  @Test
  public void archive_withSubjectKeys_sealsValuesAndReadsBackEqual() throws Exception {
    Archival archival = archival().withSubjectKeys(keys);
    List<ArchiveSegment> segments = archiveAll(archival);
    assertThat(readAll(archival)).containsExactlyElementsOf(appended);
    assertSegmentsVerify(segments);
    assertChainsVerify(archival);
    // The stored lines hold the commitments and ciphertexts, not the values of subjects' events.
    Map<String, ObjectNode> byId = new HashMap<>();
    for (ArchiveSegment s : segments) {
      lines(s).forEach(l -> byId.put(l.get("id").textValue(), l));
    }
    ObjectNode e1 = byId.get(appended.get(0).id().toString());
    assertThat(e1.get("subjectKeys")).hasSize(3); // actor id, actor email, ssn
    assertThat(e1.get("personal").get("/actor/email").get("sealed").isTextual()).isTrue();
    assertThat(e1.get("actor").has("email")).isFalse();
    assertThat(e1.get("metadata").has("ssn")).isFalse();
    // Ada's SSN subject is shared by e1 and e2: one key, named by both.
    assertThat(byId.get(appended.get(1).id().toString()).get("subjectKeys").toString())
        .contains(commonKey(e1, byId.get(appended.get(1).id().toString())));
    // An event without subjects stays as stored: nothing can select it for erasure.
    ObjectNode e4 = byId.get(appended.get(3).id().toString());
    assertThat(e4.has("subjectKeys")).isFalse();
    assertThat(e4.get("context").get("ip").textValue()).isEqualTo("198.51.100.4");
  }

  private static String commonKey(ObjectNode x, ObjectNode y) {
    List<String> xs = new ArrayList<>();
    x.get("subjectKeys").forEach(k -> xs.add(k.textValue()));
    List<String> common = new ArrayList<>();
    y.get("subjectKeys").forEach(k -> {
      if (xs.contains(k.textValue())) {
        common.add(k.textValue());
      }
    });
    assertThat(common).hasSize(1);
    return common.get(0);
  }

  /**
   * A workspace destruction erases the subject in that workspace only.
   *
   * @throws Exception when the store fails
   */
  @Test
  public void destroy_workspaceScope_erasesThatWorkspacesEventsOfTheSubjectOnly()
      throws Exception {
    Archival archival = archival().withSubjectKeys(keys);
    List<ArchiveSegment> segments = archiveAll(archival);
    Map<String, String> before = snapshot(segments);

    assertThat(keys.destroy(EventScope.of(a), DataSubject.actorEmail(ADA_EMAIL))).isEqualTo(1);

    List<AuditEvent> after = readAll(archival);
    // e1: every personal field erased (email, name, IP, user agent, SSN), commitments kept.
    assertThat(after.get(0)).isEqualTo(appended.get(0).erasePersonalData());
    assertThat(after.get(0).personal()).allSatisfy((p, f) -> assertThat(f.erased()).isTrue());
    // e2 (Bob, naming Ada's SSN: another subject), e3 (Ada in workspace b), e4 unchanged.
    assertThat(after.subList(1, 4)).containsExactlyElementsOf(appended.subList(1, 4));
    assertThat(snapshot(segments)).isEqualTo(before);
    assertSegmentsVerify(segments);
    assertChainsVerify(archival);
  }

  /**
   * A company-wide destruction erases the subject in every workspace.
   *
   * @throws Exception when the store fails
   */
  @Test
  public void destroy_companyScope_erasesTheSubjectInEveryWorkspace() throws Exception {
    Archival archival = archival().withSubjectKeys(keys);
    List<ArchiveSegment> segments = archiveAll(archival);
    Map<String, String> before = snapshot(segments);

    assertThat(keys.destroy(EventScope.company(company), DataSubject.actorId("user_ada")))
        .isEqualTo(2);

    List<AuditEvent> after = readAll(archival);
    assertThat(after.get(0)).isEqualTo(appended.get(0).erasePersonalData());
    assertThat(after.get(1)).isEqualTo(appended.get(1));
    assertThat(after.get(2)).isEqualTo(appended.get(2).erasePersonalData());
    assertThat(after.get(3)).isEqualTo(appended.get(3));
    assertThat(snapshot(segments)).isEqualTo(before);
    assertSegmentsVerify(segments);
    assertChainsVerify(archival);
  }

  /**
   * Destroying one of an event's two subjects erases all its personal fields.
   *
   * @throws Exception when the store fails
   */
  @Test
  public void destroy_oneOfTwoSubjectsOfAnEvent_erasesTheWholeEvent() throws Exception {
    Archival archival = archival().withSubjectKeys(keys);
    archiveAll(archival);

    // Ada's SSN is the second subject of Bob's event e2: erasing it erases e2 entirely.
    keys.destroy(EventScope.company(company), DataSubject.metadata("ssn", ADA_SSN));

    List<AuditEvent> after = readAll(archival);
    assertThat(after.get(0)).isEqualTo(appended.get(0).erasePersonalData());
    assertThat(after.get(1)).isEqualTo(appended.get(1).erasePersonalData());
    assertThat(after.get(1).actor().email()).isNull();
    assertThat(after.get(2)).isEqualTo(appended.get(2)); // no SSN in e3
    assertChainsVerify(archival);
  }

  /**
   * After destruction no stored object holds the subject's values in any encoding.
   *
   * @throws Exception when the store fails
   */
  @Test
  public void destroy_thenScanTheStore_findsTheSubjectsValuesInNoEncoding() throws Exception {
    Archival archival = archival().withSubjectKeys(keys);
    List<ArchiveSegment> segments = archiveAll(archival);
    keys.destroy(EventScope.company(company), DataSubject.actorEmail(ADA_EMAIL));

    List<String> values = List.of(ADA_EMAIL, "Ada Lovelace", ADA_SSN, "203.0.113.7",
        "203.0.113.9");
    List<byte[]> files = everyStoredFile();
    assertThat(files).hasSizeGreaterThanOrEqualTo(segments.size());
    for (byte[] raw : files) {
      List<byte[]> forms = new ArrayList<>(List.of(raw));
      if (raw.length > 2 && raw[0] == (byte) 0x1f && raw[1] == (byte) 0x8b) {
        forms.add(gunzip(raw));
      }
      for (byte[] form : forms) {
        String text = new String(form, StandardCharsets.ISO_8859_1);
        for (String v : values) {
          for (String enc : encodings(v)) {
            assertThat(text).doesNotContain(enc);
          }
        }
      }
    }
    // The ciphertexts are there; the keys that would open them are not.
    ObjectNode e1 = lines(segments.get(0)).stream()
        .filter(l -> l.get("id").textValue().equals(appended.get(0).id().toString()))
        .findFirst().orElseThrow();
    assertThat(e1.get("personal").get("/actor/email").has("sealed")).isTrue();
    List<UUID> ids = new ArrayList<>();
    e1.get("subjectKeys").forEach(k -> ids.add(UUID.fromString(k.textValue())));
    assertThat(ids.stream().filter(id -> keys.key(EventScope.of(a), id).isEmpty())).hasSize(1);
  }

  /** A value as UTF-8, JSON-escaped, hex (both cases), base64 and base64url, UTF-16. */
  private static List<String> encodings(String v) {
    byte[] utf8 = v.getBytes(StandardCharsets.UTF_8);
    return List.of(new String(utf8, StandardCharsets.ISO_8859_1),
        JSON.valueToTree(v).toString(), HexFormat.of().formatHex(utf8),
        HexFormat.of().withUpperCase().formatHex(utf8),
        Base64.getEncoder().withoutPadding().encodeToString(utf8),
        Base64.getUrlEncoder().withoutPadding().encodeToString(utf8),
        new String(v.getBytes(StandardCharsets.UTF_16BE), StandardCharsets.ISO_8859_1));
  }

  /**
   * Events of a subject erased before archival are written erased.
   *
   * @throws Exception when the store fails
   */
  @Test
  public void archive_afterTheSubjectsErasure_writesItsEventsErased() throws Exception {
    // The keys are destroyed while the events are still hot (before archival writes them).
    keys.destroy(EventScope.company(company), DataSubject.actorEmail(ADA_EMAIL));
    Archival archival = archival().withSubjectKeys(keys);
    List<ArchiveSegment> segments = archiveAll(archival);

    List<AuditEvent> after = readAll(archival);
    assertThat(after.get(0)).isEqualTo(appended.get(0).erasePersonalData());
    assertThat(after.get(2)).isEqualTo(appended.get(2).erasePersonalData());
    assertThat(after.get(1)).isEqualTo(appended.get(1));
    String stored = segments.stream().map(s -> {
      try {
        return new String(gunzip(bytes(s.key())), StandardCharsets.UTF_8);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }).collect(Collectors.joining());
    assertThat(stored).doesNotContain(ADA_EMAIL).contains("\"erased\":true");
    assertSegmentsVerify(segments);
  }

  /**
   * A segment written before subject keys existed stays readable.
   *
   * @throws Exception when the store fails
   */
  @Test
  public void oldSegmentWithoutSubjectKeys_staysReadable() throws Exception {
    List<ArchiveSegment> segments = archiveAll(archival()); // written without subject keys
    Archival archival = archival().withSubjectKeys(keys);
    assertThat(readAll(archival)).containsExactlyElementsOf(appended);
    assertThat(new String(gunzip(bytes(segments.get(0).key())), StandardCharsets.UTF_8))
        .contains(ADA_EMAIL).doesNotContain("subjectKeys");
    assertSegmentsVerify(segments);
  }

  /**
   * A sealed segment read without a keyring shows its values as erased.
   *
   * @throws Exception when the store fails
   */
  @Test
  public void sealedSegment_readWithoutSubjectKeys_showsValuesAsErased() throws Exception {
    archiveAll(archival().withSubjectKeys(keys));
    List<AuditEvent> plain = readAll(archival());
    assertThat(plain.get(0)).isEqualTo(appended.get(0).erasePersonalData());
    assertThat(plain.get(3)).isEqualTo(appended.get(3));
  }

  /**
   * A tampered ciphertext fails the read but not the chain's verification.
   *
   * @throws Exception when the store fails
   */
  @Test
  public void tamperedCiphertext_failsTheReadButNotTheChain() throws Exception {
    Archival archival = archival().withSubjectKeys(keys);
    ArchiveSegment seg = archiveAll(archival).get(0);
    List<ObjectNode> lines = lines(seg);
    ObjectNode target = lines.stream().filter(l -> l.has("subjectKeys")).findFirst()
        .orElseThrow();
    ObjectNode entry = (ObjectNode) target.get("personal").get("/actor/email");
    byte[] sealed = Base64.getDecoder().decode(entry.get("sealed").textValue());
    sealed[sealed.length / 2] ^= 1;
    entry.put("sealed", Base64.getEncoder().encodeToString(sealed));
    StringBuilder text = new StringBuilder();
    lines.forEach(l -> text.append(l).append('\n'));
    overwrite(seg.key(), gzip(text.toString().getBytes(StandardCharsets.UTF_8)));

    // The chain in the object still verifies: sealed values are outside the hash.
    ChainVerifier v = ChainVerifier.create();
    try (JsonlEventReader r = new JsonlEventReader(new ByteArrayInputStream(
        text.toString().getBytes(StandardCharsets.UTF_8)))) {
      for (JsonlEventReader.Line line : r) {
        assertThat(v.accept(line.tree(), line.number())).isTrue();
      }
    }
    assertThat(v.finish().ok()).isTrue();
    // Opening the value finds the change (AES-GCM), naming the field, never the value.
    UUID ws = UUID.fromString(target.get("workspaceId").textValue());
    WorkspaceRef ref = ws.equals(a.workspaceId()) ? a : b;
    assertThatThrownBy(() -> read(archival, ref))
        .isInstanceOfSatisfying(ArchiveIntegrityException.class, e -> assertThat(e.problem())
            .isEqualTo(ArchiveIntegrityException.Problem.SEALED_VALUE_INVALID))
        .hasMessageContaining("/actor/email").hasMessageNotContaining(ADA_EMAIL);
    // The object's recorded SHA-256 finds it too.
    assertThatThrownBy(() -> archival.verify(seg))
        .isInstanceOfSatisfying(ArchiveIntegrityException.class, e -> assertThat(e.problem())
            .isEqualTo(ArchiveIntegrityException.Problem.SHA256_MISMATCH));
  }

  /** Each segment object's SHA-256 of its stored bytes, by key. */
  private Map<String, String> snapshot(List<ArchiveSegment> segments) throws Exception {
    Map<String, String> out = new TreeMap<>();
    for (ArchiveSegment s : segments) {
      out.put(s.key(), Digest.sha256(bytes(s.key())).hex());
    }
    return out;
  }
}
