package io.hyrelog.server.internal.exports;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hyrelog.AuditEvent;
import io.hyrelog.DataRegion;
import io.hyrelog.EventScope;
import io.hyrelog.HyrelogException;
import io.hyrelog.Plan;
import io.hyrelog.export.CsvEventWriter;
import io.hyrelog.export.CsvMode;
import io.hyrelog.export.EventProofs;
import io.hyrelog.export.JsonlEventWriter;
import io.hyrelog.server.internal.ApiException;
import io.hyrelog.server.internal.ErrorCode;
import io.hyrelog.server.internal.Json;
import io.hyrelog.server.internal.PagedEventStore;
import io.hyrelog.server.internal.PagedStream;
import io.hyrelog.server.internal.Reader;
import io.hyrelog.server.internal.Metrics;
import io.hyrelog.server.internal.Regions;
import io.hyrelog.server.internal.Tenancy;
import io.hyrelog.server.internal.signing.Checkpoints;
import io.hyrelog.server.internal.signing.ServerSigning;
import io.hyrelog.spi.EventQuery;
import io.hyrelog.IdSource;
import io.hyrelog.spi.ExportJobs;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SortedMap;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Export jobs: creation with plan gating and a snapshot of chain heads, status, and writing a
 * job's export to any {@link OutputStream} (the HTTP download, or a load driver without HTTP).
 * Thread-safe.
 */
public final class Exports {

  private final Regions regions;
  private final Tenancy tenancy;
  private final Metrics metrics;
  private final Clock clock;
  private final ArchiveSource archive;
  private final IdSource ids;
  private final ServerSigning signing;
  private final ExportProofs proofs;

  /**
   * @param regions the served regions (their export tables)
   * @param archive archived events ({@link ArchiveSource#NONE} until archival is wired)
   * @param signing the server's signing, for the checkpoints of exports with proofs
   * @param checkpoints the signed checkpoints of the server
   */
  public Exports(Regions regions, Tenancy tenancy, Metrics metrics, Clock clock,
      ArchiveSource archive, ServerSigning signing, Checkpoints checkpoints) {
    this.signing = signing;
    this.proofs = new ExportProofs(checkpoints);
    this.regions = regions;
    this.tenancy = tenancy;
    this.metrics = metrics;
    this.clock = clock;
    this.archive = archive;
    this.ids = IdSource.secure(clock);
  }

  private ExportJobs db(Reader p) {
    return regions.of(p.company()).exportJobs();
  }

  /**
   * Creates a job, or refuses with the problem the request deserves; writes nothing then.
   *
   * @param keyId the key that creates it, or null for a dashboard user
   * @param requestedBy the dashboard user who creates it, exactly when {@code keyId} is null
   */
  ExportJobs.Job create(Reader p, ExportRequest r, UUID keyId, String requestedBy) {
    Plan plan = p.plan();
    if (r.proofs()) {
      signing.require(); // 503 before anything is planned when checkpoints cannot be signed
    }
    if (!plan.streamingExportsEnabled()) {
      throw new ApiException(ErrorCode.PLAN_RESTRICTED, "exports are not part of the "
          + plan.tier() + " plan; upgrade to STARTER or above");
    }
    if (r.source().readsArchive() && plan.archiveRetentionDays().isEmpty()) {
      throw new ApiException(ErrorCode.PLAN_RESTRICTED, "the " + plan.tier() + " plan has no"
          + " archive; export with source HOT");
    }
    ExportRequest.Filters f = r.filters();
    UUID workspace = null;
    if (f.workspaceId() != null) {
      if (!p.reads(f.workspaceId())
          || tenancy.workspaceOf(p.company(), f.workspaceId()).isEmpty()) {
        throw ApiException.notFound("workspace");
      }
      workspace = f.workspaceId();
    }
    if (f.projectId() != null) {
      var project = tenancy.projectOf(p.company(), f.projectId());
      if (project.isEmpty() || !p.reads(project.get().workspaceId())) {
        throw ApiException.notFound("project");
      }
    }
    Instant now = clock.instant();
    if (r.source().readsArchive() && f.from() != null) {
      Instant oldest = now.minus(Duration.ofDays(plan.archiveRetentionDays().getAsInt()));
      if (f.from().isBefore(oldest)) {
        throw new ApiException(ErrorCode.RETENTION_WINDOW_EXCEEDED, "from is before the "
            + plan.archiveRetentionDays().getAsInt() + "-day archive retention of the "
            + plan.tier() + " plan; archived events that old are no longer kept");
      }
    }
    OptionalLong max = plan.maxExportRows();
    if (r.limit() != null && max.isPresent() && r.limit() > max.getAsLong()) {
      throw new ApiException(ErrorCode.PLAN_LIMIT_EXCEEDED, "limit is above the "
          + max.getAsLong() + " rows an export may hold on the " + plan.tier() + " plan");
    }
    UUID scopeWorkspace = p.workspace().orElse(null);
    ExportJobs db = db(p);
    SortedMap<UUID, Long> heads = db.heads(p.companyId(),
        scopeWorkspace != null ? scopeWorkspace : workspace);
    EventQuery filter = filter(p.scope(), f);
    if (r.limit() == null && max.isPresent() && r.source() != ExportSource.ARCHIVED) {
      long n = db.countUpTo(filter, heads, max.getAsLong() + 1);
      if (n > max.getAsLong()) {
        throw new ApiException(ErrorCode.PLAN_LIMIT_EXCEEDED, "more than " + max.getAsLong()
            + " events match, the most an export may hold on the " + plan.tier() + " plan;"
            + " narrow the filters (from/to, workspaceId, category ...) or pass a limit");
      }
    }
    List<UUID> segmentIds = new ArrayList<>();
    if (r.source().readsArchive()) {
      ExportPlan probe = new ExportPlan(p.companyId(), r.source(), filter, heads, List.of(),
          Long.MAX_VALUE);
      List<String> cold = new ArrayList<>();
      for (ArchivedSegment seg : archive.segments(p.companyId())) {
        if (probe.inScope(seg)) {
          segmentIds.add(seg.id());
          if (seg.coldNotRestored() && probe.mayMatch(seg)) {
            cold.add(seg.id().toString());
          }
        }
      }
      if (!cold.isEmpty()) {
        throw restoreRequired(cold);
      }
    }
    Long limit = r.limit() != null ? r.limit() : max.isPresent() ? max.getAsLong() : null;
    ExportJobs.Job job = new ExportJobs.Job(ids.newEventId(), p.companyId(),
        scopeWorkspace, keyId, requestedBy, r.source().name(), ExportFormat.stored(r.format(), r.csvSafe(), r.proofs()),
        f.toJson().toString(), limit, heads, segmentIds, "PENDING", 0, 0, false, 0, now, null,
        null, null);
    db.insert(job);
    metrics.exportCreated(job.source(), r.format().name());
    return job;
  }

  private static ApiException restoreRequired(List<String> archiveIds) {
    return new ApiException(ErrorCode.RESTORE_REQUIRED, archiveIds.size() + " archive"
        + " segment(s) this export needs are in cold storage; restore them (archiveIds) and"
        + " create the export again", List.of(), null, Map.of("archiveIds", archiveIds));
  }

  private static EventQuery filter(EventScope scope, ExportRequest.Filters f) {
    return EventQuery.builder(scope).from(f.from()).to(f.to()).category(f.category())
        .action(f.action()).workspaceId(f.workspaceId()).projectId(f.projectId())
        .actorId(f.actorId()).actorEmail(f.actorEmail()).build();
  }

  /** The job if the caller may see it: same company, and a workspace key's own workspace. */
  Optional<ExportJobs.Job> find(Reader p, UUID id) {
    return db(p).find(p.companyId(), id).filter(j -> p.workspace().isEmpty()
        || p.workspace().get().equals(j.scopeWorkspaceId()));
  }

  /**
   * What {@code job} reads. Fails with RESTORE_REQUIRED when a segment it needs has gone to
   * the cold tier since, and when one is no longer in the archive.
   */
  ExportPlan plan(ExportJobs.Job job) {
    ExportRequest.Filters f;
    try {
      f = ExportRequest.Filters.fromJson(Json.MAPPER.readTree(job.filters()));
    } catch (JsonProcessingException e) {
      throw new HyrelogException("export job " + job.id() + " has unreadable filters", e);
    }
    EventScope scope = job.scopeWorkspaceId() == null ? EventScope.company(job.companyId())
        : EventScope.workspace(job.companyId(), job.scopeWorkspaceId());
    ExportSource source = ExportSource.valueOf(job.source());
    List<ArchivedSegment> segments = new ArrayList<>();
    if (source.readsArchive() && !job.segmentIds().isEmpty()) {
      Map<UUID, ArchivedSegment> listed = new HashMap<>();
      archive.segments(job.companyId()).forEach(seg -> listed.put(seg.id(), seg));
      for (UUID id : job.segmentIds()) {
        ArchivedSegment seg = listed.get(id);
        if (seg == null) {
          throw new HyrelogException("archive segment " + id + " of export " + job.id()
              + " is no longer in the archive (past archive retention?)");
        }
        segments.add(seg);
      }
    }
    ExportPlan plan = new ExportPlan(job.companyId(), source, filter(scope, f), job.heads(),
        segments, job.rowLimit() == null ? Long.MAX_VALUE : job.rowLimit());
    List<String> cold = new ArrayList<>();
    for (ArchivedSegment seg : segments) {
      if (seg.coldNotRestored() && plan.mayMatch(seg)) {
        cold.add(seg.id().toString());
      }
    }
    if (!cold.isEmpty()) {
      throw restoreRequired(cold);
    }
    return plan;
  }

  /** The outcome of one download. */
  public record Written(long rows, long bytes, boolean truncated) {}

  /**
   * Writes the export of a job to {@code out}, without HTTP (load drivers, tools): the same
   * bytes a download gets. Does not close {@code out}.
   *
   * @throws IOException when {@code out} fails
   * @throws HyrelogException when the job does not exist or cannot be read
   */
  public Written write(DataRegion region, UUID companyId, UUID jobId, OutputStream out)
      throws IOException {
    ExportJobs db = regions.get(region).exportJobs();
    ExportJobs.Job job = db.find(companyId, jobId).orElseThrow(() ->
        new HyrelogException("no export job " + jobId + " of company " + companyId));
    return write(db, job, plan(job), out);
  }

  /**
   * Writes the export of {@code job} (as {@link #plan} says) to {@code out} in the job's
   * format, recording RUNNING, then COMPLETED or FAILED with rows and bytes. Does not close
   * {@code out}. Constant memory.
   *
   * @throws IOException when {@code out} fails (the client went away)
   */
  Written write(Reader p, ExportJobs.Job job, ExportPlan plan, OutputStream out)
      throws IOException {
    return write(db(p), job, plan, out);
  }

  private Written write(ExportJobs db, ExportJobs.Job job, ExportPlan plan,
      OutputStream out) throws IOException {
    db.started(job.id(), clock.instant());
    CountingStream counted = new CountingStream(out);
    ExportMerge.Result result;
    try (HotEvents hot = plan.source() == ExportSource.ARCHIVED ? null : hot(db)) {
      if (ExportFormat.ofStored(job.format()) == ExportFormat.CSV) {
        CsvEventWriter w = new CsvEventWriter(counted, ExportFormat.csvSafe(job.format())
            ? CsvMode.SPREADSHEET_SAFE : CsvMode.VERBATIM);
        result = ExportMerge.run(plan, archive, hot, w::write);
        w.flush();
      } else {
        JsonlEventWriter w = new JsonlEventWriter(counted);
        result = ExportMerge.run(plan, archive, hot, w::write);
        w.flush();
      }
    } catch (IOException | RuntimeException e) {
      String why = e instanceof IOException ? "the client went away (" + e.getClass()
          .getSimpleName() + ")" : e.getMessage();
      try {
        db.finished(job.id(), 0, counted.count, false, clock.instant(), why == null
            ? e.getClass().getSimpleName() : why);
      } catch (RuntimeException again) {
        e.addSuppressed(again);
      }
      metrics.exportDownloaded(0, true);
      throw e;
    }
    db.finished(job.id(), result.rows(), counted.count, result.truncated(),
        clock.instant(), null);
    metrics.exportDownloaded(result.rows(), false);
    return new Written(result.rows(), counted.count, result.truncated());
  }

  /**
   * The hot events of an export, read in windows of {@value #WINDOW} seqs, each in a short
   * transaction of its own: a slow client holds no database connection while it reads, and
   * memory stays that of one window. Hot rows of a chain are contiguous from its first unpurged
   * seq, so a window that does not continue where the previous one ended means a purge ran
   * during the download: it fails (the connection is aborted) instead of skipping rows.
   */
  static HotEvents hot(ExportJobs db) {
    return new HotEvents() {
      @Override
      public OptionalLong firstSeq(UUID chain, long after, long upTo) {
        try (ExportJobs.HotSnapshot snap = db.snapshot()) {
          return snap.firstSeq(chain, after, upTo);
        }
      }

      @Override
      public Stream<AuditEvent> read(UUID chain, long after, long upTo, EventQuery filter,
          boolean continuous) {
        return PagedStream.of(new Windows(db, chain, after, upTo, filter, continuous));
      }

      @Override
      public void close() {
        // every window closed its own transaction
      }
    };
  }

  private static final int WINDOW = 256;

  /** The matching events of one chain, window by window. */
  private static final class Windows implements Supplier<List<AuditEvent>> {
    private final ExportJobs db;
    private final UUID chain;
    private final long upTo;
    private final EventQuery filter;
    private long after;
    private boolean started;

    Windows(ExportJobs db, UUID chain, long after, long upTo, EventQuery filter,
        boolean continuous) {
      this.db = db;
      this.chain = chain;
      this.after = after;
      this.upTo = upTo;
      this.filter = filter;
      this.started = continuous;
    }

    @Override
    public List<AuditEvent> get() {
      if (after >= upTo) {
        return null;
      }
      long end = upTo - after <= WINDOW ? upTo : after + WINDOW;
      List<AuditEvent> window;
      try (ExportJobs.HotSnapshot snap = db.snapshot()) {
        OptionalLong first = snap.firstSeq(chain, after, end);
        if (started && (first.isEmpty() || first.getAsLong() != after + 1)) {
          throw new PagedEventStore.ChainPurgedException(chain, after + 1);
        }
        started |= first.isPresent();
        try (Stream<AuditEvent> s = snap.read(chain, after, end, filter)) {
          window = s.toList();
        }
      }
      after = end;
      return window;
    }
  }

  /**
   * The signed checkpoints of a job with proofs, one per chain of its snapshot: taken before
   * the proofs' first byte, so a refusal (503 without signing, 409 while a chain's tree is being
   * back-filled or when it does not verify) is a problem, not a cut-off download.
   */
  List<EventProofs.CheckpointLine> proofCheckpoints(Reader p, ExportJobs.Job job) {
    return proofs.checkpoints(regions.of(p.company()), job);
  }

  /**
   * Writes the proofs companion of {@code job} to {@code out}: the {@code checkpoints}, then one
   * proof line per event {@link #write} exports, in the same order (the same plan, read again).
   * Does not change the job's status or counts. Does not close {@code out}. Constant memory.
   *
   * @throws IOException when {@code out} fails (the client went away)
   */
  long writeProofs(Reader p, ExportJobs.Job job, ExportPlan plan,
      List<EventProofs.CheckpointLine> checkpoints, OutputStream out) throws IOException {
    ExportJobs db = db(p);
    EventProofs.Writer w = new EventProofs.Writer(out);
    for (EventProofs.CheckpointLine c : checkpoints) {
      w.write(c);
    }
    try (HotEvents hot = plan.source() == ExportSource.ARCHIVED ? null : hot(db)) {
      ExportMerge.run(plan, archive, hot, new ExportProofs.Sink(regions.of(p.company()), job,
          w));
    }
    out.flush();
    return w.proofs();
  }

  /** The job as the API shows it. */
  static ObjectNode toJson(ExportJobs.Job j) {
    ObjectNode n = Json.object();
    n.put("jobId", j.id().toString());
    n.put("status", j.status());
    n.put("source", j.source());
    n.put("format", ExportFormat.ofStored(j.format()).name());
    n.put("csvSafe", ExportFormat.csvSafe(j.format()));
    n.put("proofs", ExportFormat.proofs(j.format()));
    try {
      n.set("filters", Json.MAPPER.readTree(j.filters()));
    } catch (JsonProcessingException e) {
      throw new HyrelogException("export job " + j.id() + " has unreadable filters", e);
    }
    if (j.rowLimit() == null) {
      n.putNull("limit");
    } else {
      n.put("limit", j.rowLimit());
    }
    ArrayNode snap = n.putArray("snapshot");
    j.heads().forEach((ws, seq) -> snap.addObject().put("workspaceId", ws.toString())
        .put("headSeq", seq));
    ArrayNode segs = n.putArray("archiveIds");
    j.segmentIds().forEach(id -> segs.add(id.toString()));
    n.put("rowsExported", j.rowsExported());
    n.put("bytes", j.bytes());
    n.put("truncated", j.truncated());
    n.put("downloads", j.downloads());
    n.put("createdAt", j.createdAt().toString());
    Json.putTime(n, "startedAt", j.startedAt());
    Json.putTime(n, "finishedAt", j.finishedAt());
    if (j.error() == null) {
      n.putNull("error");
    } else {
      n.put("error", j.error());
    }
    n.put("download", "/v1/exports/" + j.id() + "/download");
    if (ExportFormat.proofs(j.format())) {
      n.put("proofsDownload", "/v1/exports/" + j.id() + "/proofs");
    } else {
      n.putNull("proofsDownload");
    }
    return n;
  }


  /** Counts bytes on their way to the client. */
  private static final class CountingStream extends FilterOutputStream {
    long count;

    CountingStream(OutputStream out) {
      super(out);
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      count += len;
    }

    @Override
    public void close() throws IOException {
      flush(); // the caller owns the underlying stream
    }
  }
}
