package io.hyrelog.server.internal.exports;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hyrelog.AuditEvent;
import io.hyrelog.Company;
import io.hyrelog.DataSubject;
import io.hyrelog.Digest;
import io.hyrelog.EventJson;
import io.hyrelog.EventScope;
import io.hyrelog.HyrelogException;
import io.hyrelog.PersonalField;
import io.hyrelog.RestoreTier;
import io.hyrelog.Workspace;
import io.hyrelog.export.CsvMode;
import io.hyrelog.export.CsvWriter;
import io.hyrelog.export.EventProofs;
import io.hyrelog.export.JsonlEventWriter;
import io.hyrelog.lifecycle.RestoreConflictException;
import io.hyrelog.lifecycle.RestorePolicy;
import io.hyrelog.lifecycle.RestoreRequest;
import io.hyrelog.personal.SubjectAccess;
import io.hyrelog.server.internal.Json;
import io.hyrelog.server.internal.Region;
import io.hyrelog.server.internal.Regions;
import io.hyrelog.server.internal.Tenancy;
import io.hyrelog.server.internal.signing.Checkpoints;
import io.hyrelog.server.internal.signing.ServerSigning;
import io.hyrelog.spi.ArchiveObject;
import io.hyrelog.spi.ArchiveObjectExistsException;
import io.hyrelog.spi.ArchiveSegment;
import io.hyrelog.spi.ArchiveStore;
import io.hyrelog.spi.EventQuery;
import io.hyrelog.spi.RestoreRequests;
import java.io.BufferedOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The access export of a data subject ({@link SubjectAccess}, GDPR Art. 15 and 20): every event
 * of the subject in the request's scope, archived then hot, each chain in seq order (the
 * order of a {@code HOT_AND_ARCHIVED} export, {@link ExportMerge}), written in one pass to
 * <ul>
 *   <li>{@value #EVENTS}: the JSONL export format, which {@code hyrelog.jar verify --allow-gaps}
 *       checks (every event's hash and, between consecutive events of the subject, the links it
 *       can check);
 *   <li>{@value #PROOFS}, when the server signs checkpoints and keeps Merkle trees: the
 *       proofs companion of {@code docs/format.md} §9.3, one signed checkpoint per chain at the
 *       export's heads and one inclusion proof per event ({@code verify --proofs});
 *   <li>{@value #SUMMARY}: one spreadsheet-safe CSV row per event (time, workspace, category,
 *       action, resource, which personal fields are present and which are erased).
 * </ul>
 *
 * <p>A company-wide request covers every workspace of the company, the company's system chain
 * included (its events record dashboard users and keys acting, so a subject may be in it); a
 * workspace request covers that workspace.
 *
 * <p>Cold archive segments: a segment of a chain in scope that is cold and not restored may hold
 * the subject's events, which only reading it can tell, so each is restored through the restore
 * workflow before anything is written: a request per segment (the cheapest tier the company's
 * plan allows, the policy's default days) filed by {@code gdpr-access:<requestId>} and approved
 * at once (the access request is the company's own legal duty; the restore jobs drive it), or
 * the segment's open request when it has one. The answer is then {@link Waiting}; call again.
 *
 * <p>Storage: the region's archive store (the data directory's archive in embedded mode, the
 * archive bucket otherwise), under {@code gdpr-access/<companyId>/<requestId>/}: {@value #PLAN}
 * (the heads and segments the export is fixed on, written first), the files, then {@value
 * #MANIFEST} (names, sizes and SHA-256 of the files), written last. The store is write-once, so
 * a call after a crash keeps what is there, writes the rest from the same plan, and a call after
 * the manifest answers from it: idempotent per request id. Memory is constant: events stream
 * through temporary files (deleted when the call returns) into the store. Thread-safe.
 */
public final class AccessExports implements SubjectAccess {
  /** The JSONL export. */
  public static final String EVENTS = "events.jsonl";
  /** The proofs companion. */
  public static final String PROOFS = "proofs.jsonl";
  /** The CSV summary. */
  public static final String SUMMARY = "summary.csv";
  static final String PLAN = "plan.json";
  static final String MANIFEST = "manifest.json";
  /** The files a request may have, in the order they are listed. */
  public static final List<String> FILES = List.of(EVENTS, PROOFS, SUMMARY);
  static final String PREFIX = "gdpr-access/";
  /** The requester recorded on the restore requests of an access request. */
  static final String REQUESTER = "gdpr-access:";
  static final String REQUESTER_EMAIL = "gdpr-access@hyrelog.invalid";

  private static final List<String> SUMMARY_HEADER = List.of("timestamp", "recordedAt",
      "workspaceId", "workspaceName", "seq", "eventId", "category", "action", "resourceType",
      "resourceId", "personalPresent", "personalErased");

  private final Regions regions;
  private final Tenancy tenancy;
  private final ArchiveSource archive;
  private final ServerSigning signing;
  private final ExportProofs proofs;
  private final RestorePolicy policy;
  private final Clock clock;

  /**
   * @param archive the archived segments exports read
   * @param signing whether checkpoints can be signed (proofs are written only then)
   * @param checkpoints the server's signed checkpoints
   * @param policy the restore rules (tiers per plan, default days, cost estimates)
   */
  public AccessExports(Regions regions, Tenancy tenancy, ArchiveSource archive,
      ServerSigning signing, Checkpoints checkpoints, RestorePolicy policy, Clock clock) {
    this.regions = Objects.requireNonNull(regions, "regions");
    this.tenancy = Objects.requireNonNull(tenancy, "tenancy");
    this.archive = Objects.requireNonNull(archive, "archive");
    this.signing = Objects.requireNonNull(signing, "signing");
    this.proofs = new ExportProofs(Objects.requireNonNull(checkpoints, "checkpoints"));
    this.policy = Objects.requireNonNull(policy, "policy");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  private static String dir(UUID companyId, UUID requestId) {
    return PREFIX + companyId + "/" + requestId + "/";
  }

  private Company company(UUID companyId) {
    for (Region r : regions.all()) {
      Optional<Company> c = tenancy.company(r.id(), companyId);
      if (c.isPresent()) {
        return c.get();
      }
    }
    throw new HyrelogException("company " + companyId + " is not served here");
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalArgumentException when the scope's workspace is not the company's, or the
   *     request was fulfilled or planned for another scope
   * @throws HyrelogException when the company is not served here, a segment of the plan left
   *     the archive, or the company's plan allows no restore of its cold segments
   * @throws UncheckedIOException when a file cannot be written (nothing is marked done)
   */
  @Override
  public Outcome fulfil(UUID requestId, EventScope scope, DataSubject subject) {
    Objects.requireNonNull(requestId, "requestId");
    Objects.requireNonNull(scope, "scope");
    Objects.requireNonNull(subject, "subject");
    Company company = company(scope.companyId());
    if (scope.isWorkspace() && tenancy.workspaceOf(company, scope.workspaceId()).isEmpty()) {
      throw new IllegalArgumentException("workspace " + scope.workspaceId()
          + " is not a workspace of company " + company.id());
    }
    Region region = regions.of(company);
    ArchiveStore store = region.objects();
    String dir = dir(company.id(), requestId);
    Optional<Manifest> done = Manifest.read(store, dir);
    if (done.isPresent()) {
      Manifest m = done.get();
      if (!Objects.equals(m.scopeWorkspaceId(), scope.workspaceId())) {
        throw new IllegalArgumentException("access request " + requestId
            + " was fulfilled for another scope");
      }
      return new Done(m.events(), m.names());
    }
    Optional<FixedPlan> stored = FixedPlan.read(store, dir);
    FixedPlan fixed;
    if (stored.isPresent()) {
      fixed = stored.get();
    } else {
      SortedMap<UUID, Long> heads = region.jobExportJobs().heads(company.id(),
          scope.workspaceId());
      List<ArchivedSegment> segments = new ArrayList<>();
      ExportPlan probe = plan(company.id(), scope, subject, heads, List.of());
      List<ArchivedSegment> cold = new ArrayList<>();
      for (ArchivedSegment s : archive.segments(company.id())) {
        if (probe.inScope(s)) {
          segments.add(s);
          if (s.coldNotRestored() && !s.expired()) {
            cold.add(s);
          }
        }
      }
      if (!cold.isEmpty()) {
        return new Waiting(restores(company, region, requestId, cold));
      }
      fixed = new FixedPlan(scope.workspaceId(), heads,
          segments.stream().map(ArchivedSegment::id).toList());
      try {
        fixed.write(store, dir);
      } catch (ArchiveObjectExistsException e) {
        fixed = FixedPlan.read(store, dir).orElseThrow(); // a concurrent call fixed it first
      }
    }
    if (!Objects.equals(fixed.scopeWorkspaceId(), scope.workspaceId())) {
      throw new IllegalArgumentException("access request " + requestId
          + " was planned for another scope");
    }
    List<ArchivedSegment> segments = fixedSegments(company.id(), requestId, fixed);
    List<ArchivedSegment> cold = segments.stream()
        .filter(s -> s.coldNotRestored() && !s.expired()).toList();
    if (!cold.isEmpty()) {
      // restored when planned, cold again since: restore again, then write from the same plan
      return new Waiting(restores(company, region, requestId, cold));
    }
    ExportPlan plan = plan(company.id(), scope, subject, fixed.heads(), segments);
    return write(region, requestId, dir, subject, company, plan);
  }

  private static ExportPlan plan(UUID companyId, EventScope scope, DataSubject subject,
      Map<UUID, Long> heads, List<ArchivedSegment> segments) {
    EventQuery.Builder q = EventQuery.builder(scope);
    switch (subject.kind()) {
      case ACTOR_ID -> q.actorId(subject.value());
      case ACTOR_EMAIL -> q.actorEmail(subject.value());
      case METADATA -> { } // matched per event: the store has no metadata filter
    }
    return new ExportPlan(companyId, ExportSource.HOT_AND_ARCHIVED, q.build(), heads, segments,
        Long.MAX_VALUE);
  }

  private List<ArchivedSegment> fixedSegments(UUID companyId, UUID requestId, FixedPlan fixed) {
    Map<UUID, ArchivedSegment> listed = new HashMap<>();
    archive.segments(companyId).forEach(s -> listed.put(s.id(), s));
    List<ArchivedSegment> out = new ArrayList<>();
    for (UUID id : fixed.segmentIds()) {
      ArchivedSegment s = listed.get(id);
      if (s == null) {
        throw new HyrelogException("archive segment " + id + " of access request " + requestId
            + " is no longer in the archive");
      }
      out.add(s);
    }
    return out;
  }

  /** Files (or finds) a restore request per cold segment; returns their ids. */
  private List<UUID> restores(Company company, Region region, UUID requestId,
      List<ArchivedSegment> cold) {
    RestoreRequests requests = region.jobRestores();
    RestoreTier tier = cheapestTier(company);
    List<UUID> ids = new ArrayList<>();
    for (ArchivedSegment s : cold) {
      Optional<RestoreRequest> open = openRequest(requests, company.id(), s.id());
      if (open.isPresent()) {
        ids.add(open.get().id());
        continue;
      }
      Instant now = clock.instant();
      long size = region.jobArchival().segment(s.id()).flatMap(ArchiveSegment::object)
          .map(ArchiveObject::size).orElse(0L);
      RestoreRequest r = RestoreRequest.create(UUID.randomUUID(), company.id(), s.id(), tier,
          policy.defaultDays(), REQUESTER + requestId, REQUESTER_EMAIL,
          policy.estimate(tier, size), now);
      try {
        requests.insert(r);
        ids.add(requests.update(r, r.approve(REQUESTER + requestId, now)).id());
      } catch (RestoreConflictException e) {
        // another caller opened one for the segment meanwhile: wait for that one
        ids.add(openRequest(requests, company.id(), s.id()).orElseThrow(() ->
            new HyrelogException("archive segment " + s.id() + " has a conflicting restore"
                + " request that is no longer open; call again", e)).id());
      }
    }
    return ids;
  }

  private static Optional<RestoreRequest> openRequest(RestoreRequests requests, UUID companyId,
      UUID segmentId) {
    return requests.list(Optional.of(companyId), Optional.empty(), RestoreRequests.MAX_LIMIT)
        .stream().filter(r -> r.segmentId().equals(segmentId) && r.status().open())
        .findFirst();
  }

  private RestoreTier cheapestTier(Company company) {
    Set<RestoreTier> allowed = policy.allowedTiers(tenancy.plan(company).tier());
    for (RestoreTier t : List.of(RestoreTier.BULK, RestoreTier.STANDARD,
        RestoreTier.EXPEDITED)) {
      if (allowed.contains(t)) {
        return t;
      }
    }
    throw new HyrelogException("company " + company.id() + " has cold archive segments but its"
        + " plan allows no restore; an access export cannot read them");
  }

  /** Writes the files from the plan, each unless a crashed call stored it, then the manifest. */
  private Outcome write(Region region, UUID requestId, String dir, DataSubject subject,
      Company company, ExportPlan plan) {
    boolean withProofs = signing.keys().isPresent() && region.store().tree().isPresent();
    List<EventProofs.CheckpointLine> checkpoints = withProofs
        ? proofs.checkpoints(region, company.id(), plan.heads()) : List.of();
    ArchiveStore store = region.objects();
    List<String> names = withProofs ? FILES : List.of(EVENTS, SUMMARY);
    Map<String, Path> temp = new LinkedHashMap<>();
    try {
      for (String name : names) {
        temp.put(name, Files.createTempFile("hyrelog-access-", ".tmp"));
      }
      long events;
      try (OutputStream eventsOut = out(temp.get(EVENTS));
          OutputStream summaryOut = out(temp.get(SUMMARY));
          OutputStream proofsOut = withProofs ? out(temp.get(PROOFS))
              : OutputStream.nullOutputStream()) {
        JsonlEventWriter jsonl = new JsonlEventWriter(eventsOut);
        CsvWriter csv = new CsvWriter(summaryOut, CsvMode.SPREADSHEET_SAFE);
        csv.record(SUMMARY_HEADER);
        EventProofs.Writer proofLines = new EventProofs.Writer(proofsOut);
        for (EventProofs.CheckpointLine c : checkpoints) {
          proofLines.write(c);
        }
        ExportMerge.EventSink proofSink = withProofs ? new ExportProofs.Sink(region,
            company.id(), plan.heads(), "access request " + requestId, proofLines) : e -> { };
        Map<UUID, String> workspaceNames = new HashMap<>();
        long[] n = new long[1];
        try (HotEvents hot = Exports.hot(region.jobExportJobs())) {
          ExportMerge.run(plan, archive, hot, e -> {
            if (!subject.matches(e)) {
              return;
            }
            jsonl.write(e);
            proofSink.accept(e);
            csv.record(summaryRow(e, workspaceNames.computeIfAbsent(e.workspaceId(),
                w -> tenancy.workspaceOf(company, w).map(Workspace::name).orElse(""))));
            n[0]++;
          });
        }
        jsonl.flush();
        csv.flush();
        proofsOut.flush();
        events = n[0];
      }
      List<ManifestFile> files = new ArrayList<>();
      for (String name : names) {
        files.add(put(store, dir + name, temp.get(name)));
      }
      Manifest m = new Manifest(requestId, company.id(), plan.filter().scope().workspaceId(),
          events, files, clock.instant());
      try {
        m.write(store, dir);
      } catch (ArchiveObjectExistsException e) {
        m = Manifest.read(store, dir).orElseThrow(); // a concurrent call finished first
      }
      return new Done(m.events(), m.names());
    } catch (IOException e) {
      throw new UncheckedIOException("access export of request " + requestId + " failed", e);
    } finally {
      for (Path p : temp.values()) {
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          // best effort: the temporary file holds personal data, but failing the call for it
          // would keep nothing safer
        }
      }
    }
  }

  private static OutputStream out(Path p) throws IOException {
    return new BufferedOutputStream(Files.newOutputStream(p), 64 * 1024);
  }

  /** Stores a file, or describes the one a crashed call stored under the key. */
  private static ManifestFile put(ArchiveStore store, String key, Path file) throws IOException {
    String name = key.substring(key.lastIndexOf('/') + 1);
    Optional<ArchiveObject> existing = store.head(key);
    if (existing.isPresent()) {
      return new ManifestFile(name, existing.get().size(), existing.get().sha256());
    }
    try (InputStream in = Files.newInputStream(file)) {
      ArchiveObject o = store.put(key, in);
      return new ManifestFile(name, o.size(), o.sha256());
    } catch (ArchiveObjectExistsException e) {
      ArchiveObject o = store.head(key).orElseThrow(() -> e);
      return new ManifestFile(name, o.size(), o.sha256());
    }
  }

  private static List<String> summaryRow(AuditEvent e, String workspaceName) {
    StringBuilder present = new StringBuilder();
    StringBuilder erased = new StringBuilder();
    for (Map.Entry<String, PersonalField> f : e.personal().entrySet()) {
      StringBuilder to = f.getValue().erased() ? erased : present;
      to.append(to.isEmpty() ? "" : " ").append(f.getKey());
    }
    List<String> row = new ArrayList<>(SUMMARY_HEADER.size());
    row.add(EventJson.formatInstant(e.timestamp()));
    row.add(EventJson.formatInstant(e.recordedAt()));
    row.add(e.workspaceId().toString());
    row.add(workspaceName);
    row.add(Long.toString(e.seq()));
    row.add(e.id().toString());
    row.add(e.category());
    row.add(e.action());
    row.add(e.resource() == null ? null : e.resource().type());
    row.add(e.resource() == null ? null : e.resource().id());
    row.add(present.toString());
    row.add(erased.toString());
    return row;
  }

  @Override
  public Optional<InputStream> open(EventScope scope, UUID requestId, String file)
      throws IOException {
    Objects.requireNonNull(scope, "scope");
    Objects.requireNonNull(requestId, "requestId");
    Objects.requireNonNull(file, "file");
    if (!FILES.contains(file)) {
      return Optional.empty();
    }
    Company company;
    try {
      company = company(scope.companyId());
    } catch (HyrelogException e) {
      return Optional.empty();
    }
    ArchiveStore store = regions.of(company).objects();
    String dir = dir(company.id(), requestId);
    Optional<Manifest> m = Manifest.read(store, dir);
    if (m.isEmpty() || (scope.workspaceId() != null
        && !scope.workspaceId().equals(m.get().scopeWorkspaceId()))) {
      return Optional.empty();
    }
    Optional<ManifestFile> f = m.get().files().stream().filter(x -> x.name().equals(file))
        .findFirst();
    if (f.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new CheckedStream(store.open(dir + file), f.get(),
        "access request " + requestId));
  }

  /** The manifest's description of one stored file. */
  record ManifestFile(String name, long size, Digest sha256) {
    ManifestFile {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(sha256, "sha256");
    }
  }

  /** What {@link #fulfil} wrote: present exactly when the request is done. */
  record Manifest(UUID requestId, UUID companyId, UUID scopeWorkspaceId, long events,
      List<ManifestFile> files, Instant createdAt) {
    Manifest {
      files = List.copyOf(files);
    }

    List<String> names() {
      return files.stream().map(ManifestFile::name).toList();
    }

    void write(ArchiveStore store, String dir) {
      ObjectNode n = Json.object();
      n.put("requestId", requestId.toString());
      n.put("companyId", companyId.toString());
      putUuid(n, "workspaceId", scopeWorkspaceId);
      n.put("events", events);
      ArrayNode list = n.putArray("files");
      files.forEach(f -> list.addObject().put("name", f.name()).put("size", f.size())
          .put("sha256", f.sha256().hex()));
      n.put("createdAt", createdAt.toString());
      putJson(store, dir + MANIFEST, n);
    }

    static Optional<Manifest> read(ArchiveStore store, String dir) {
      return readJson(store, dir + MANIFEST).map(n -> {
        List<ManifestFile> files = new ArrayList<>();
        n.path("files").forEach(f -> files.add(new ManifestFile(f.path("name").asText(),
            f.path("size").asLong(), Digest.parseHex(f.path("sha256").asText()))));
        return new Manifest(UUID.fromString(n.path("requestId").asText()),
            UUID.fromString(n.path("companyId").asText()), uuid(n, "workspaceId"),
            n.path("events").asLong(), files, Instant.parse(n.path("createdAt").asText()));
      });
    }
  }

  /** The heads and segments an access export is fixed on, stored before its first file. */
  record FixedPlan(UUID scopeWorkspaceId, SortedMap<UUID, Long> heads, List<UUID> segmentIds) {
    FixedPlan {
      heads = new TreeMap<>(heads);
      segmentIds = List.copyOf(segmentIds);
    }

    void write(ArchiveStore store, String dir) {
      ObjectNode n = Json.object();
      putUuid(n, "workspaceId", scopeWorkspaceId);
      ObjectNode h = n.putObject("heads");
      heads.forEach((chain, seq) -> h.put(chain.toString(), seq));
      ArrayNode segs = n.putArray("segmentIds");
      segmentIds.forEach(id -> segs.add(id.toString()));
      putJson(store, dir + PLAN, n);
    }

    static Optional<FixedPlan> read(ArchiveStore store, String dir) {
      return readJson(store, dir + PLAN).map(n -> {
        SortedMap<UUID, Long> heads = new TreeMap<>();
        n.path("heads").fields().forEachRemaining(e ->
            heads.put(UUID.fromString(e.getKey()), e.getValue().asLong()));
        List<UUID> segs = new ArrayList<>();
        n.path("segmentIds").forEach(id -> segs.add(UUID.fromString(id.asText())));
        return new FixedPlan(uuid(n, "workspaceId"), heads, segs);
      });
    }
  }

  private static void putUuid(ObjectNode n, String field, UUID id) {
    if (id == null) {
      n.putNull(field);
    } else {
      n.put(field, id.toString());
    }
  }

  private static UUID uuid(JsonNode n, String field) {
    JsonNode v = n.path(field);
    return v.isTextual() ? UUID.fromString(v.asText()) : null;
  }

  private static void putJson(ArchiveStore store, String key, ObjectNode n) {
    try {
      store.put(key, new java.io.ByteArrayInputStream(Json.MAPPER.writeValueAsBytes(n)));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Optional<JsonNode> readJson(ArchiveStore store, String key) {
    if (store.head(key).isEmpty()) {
      return Optional.empty();
    }
    try (InputStream in = store.open(key)) {
      return Optional.of(Json.MAPPER.readTree(in));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + key + " of an access export", e);
    }
  }

  /**
   * A stored file's bytes, checked against the manifest's size and SHA-256 as they are read:
   * the store is not trusted, so a changed file fails at its end instead of being served as
   * whole.
   */
  private static final class CheckedStream extends FilterInputStream {
    private final ManifestFile expected;
    private final String what;
    private final MessageDigest sha;
    private long read;
    private boolean checked;

    CheckedStream(InputStream in, ManifestFile expected, String what) {
      super(in);
      this.expected = expected;
      this.what = what;
      try {
        this.sha = MessageDigest.getInstance("SHA-256");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }

    @Override
    public int read() throws IOException {
      int b = in.read();
      if (b < 0) {
        check();
      } else {
        sha.update((byte) b);
        read++;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = in.read(b, off, len);
      if (n < 0) {
        check();
      } else {
        sha.update(b, off, n);
        read += n;
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      throw new IOException("an access export file is read whole");
    }

    @Override
    public boolean markSupported() {
      return false;
    }

    private void check() throws IOException {
      if (checked) {
        return;
      }
      checked = true;
      if (read != expected.size()
          || !Digest.finish(sha).equals(expected.sha256())) {
        throw new IOException(expected.name() + " of " + what + " does not match its manifest"
            + " (" + read + " bytes read, " + expected.size() + " recorded)");
      }
    }
  }
}
