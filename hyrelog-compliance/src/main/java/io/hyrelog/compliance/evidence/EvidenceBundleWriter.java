package io.hyrelog.compliance.evidence;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hyrelog.AuditEvent;
import io.hyrelog.Digest;
import io.hyrelog.export.EventProofs;
import io.hyrelog.export.JsonlEventWriter;
import io.hyrelog.tlog.TileSource;
import java.util.HashMap;
import java.util.function.Function;
import io.hyrelog.files.FileMode;
import io.hyrelog.files.StagedFile;
import io.hyrelog.integrity.ChainCheckpoint;
import io.hyrelog.integrity.ChainRange;
import io.hyrelog.integrity.ChainVerifier;
import io.hyrelog.integrity.SignedNote;
import io.hyrelog.integrity.VerificationReport;
import io.hyrelog.integrity.NoteSigner;
import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes an evidence package in constant memory: the events are streamed from an iterator into
 * {@code events.jsonl} (the core JSONL export format) while each file's size and SHA-256 are
 * computed and every event is re-hashed and linked, then one signed checkpoint per chain
 * {@code checkpoints/<workspaceId>.note}, {@code verification-report.json} and last {@code
 * manifest.json}; then the detached signature {@code <bundleId>.sig} beside the zip.
 *
 * <p>Each chain's events must be one contiguous seq range (a period's events, see {@link
 * PeriodEvents}); its checkpoint is the chain's signed checkpoint at the range's last seq: size
 * that seq, the Merkle root over seqs 1..size (from {@link CheckpointRoots}), and head the hash
 * of the bundle's last event of the chain. Events that do not verify (a bad hash, a gap, a
 * broken link) fail the export: a bundle is written only when it will verify.
 *
 * <p>Files are written to temporary names and moved into place, the signature last; an existing
 * package is never overwritten. The package holds personal data: directories are created
 * {@code 0700} and files {@code 0600}, each with its permissions from the start. A writer is immutable and thread-safe; build one per bundle.
 */
public final class EvidenceBundleWriter {
  /** Entry names in the order they are written. */
  public static final String EVENTS = "events.jsonl";
  /** The directory of the chains' checkpoints. */
  public static final String CHECKPOINTS = "checkpoints/";
  /**
   * Each event's inclusion proof in its chain's checkpoint, one proof line per event in the
   * order of {@link #EVENTS} ({@code docs/format.md} §9.3; no checkpoint lines: the bundle's are
   * under {@link #CHECKPOINTS}); only in bundles written with proofs.
   */
  public static final String PROOFS = "proofs.jsonl";
  /** The report of the package's own verification. */
  public static final String REPORT = "verification-report.json";

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final UUID bundleId;
  private final UUID companyId;
  private final Instant from;
  private final Instant to;
  private final Instant createdAt;
  private final String namespace;
  private final CheckpointRoots roots;
  private final NoteSigner signer;
  private final Function<UUID, TileSource> tiles;

  private EvidenceBundleWriter(Builder b) {
    this.tiles = b.tiles;
    this.bundleId = b.bundleId;
    this.companyId = b.companyId;
    this.from = b.from;
    this.to = b.to;
    this.createdAt = b.createdAt;
    this.namespace = b.namespace;
    this.roots = b.roots;
    this.signer = b.signer;
  }

  /**
   * Starts the writer of one bundle.
   *
   * @param bundleId the bundle's id
   * @param companyId the company whose events it holds
   * @param from the period's start, inclusive
   * @param to the period's end, exclusive
   * @return a new builder
   */
  public static Builder builder(UUID bundleId, UUID companyId, Instant from, Instant to) {
    return new Builder(bundleId, companyId, from, to);
  }

  /**
   * The package file name of a bundle.
   *
   * @param bundleId the bundle's id
   * @return {@code <bundleId>.zip}
   */
  public static String packageName(UUID bundleId) {
    return bundleId + ".zip";
  }

  /**
   * The detached signature's file name.
   *
   * @param bundleId the bundle's id
   * @return {@code <bundleId>.sig}
   */
  public static String signatureName(UUID bundleId) {
    return bundleId + ".sig";
  }

  /**
   * The countersign note's file name.
   *
   * @param bundleId the bundle's id
   * @return {@code <bundleId>.countersign}
   */
  public static String countersignName(UUID bundleId) {
    return bundleId + ".countersign";
  }

  /**
   * Writes the package and its signature into {@code directory}.
   *
   * @param events the period's events; consumed once, never held
   * @param directory where to write; it must exist
   * @return the bundle's description
   * @throws EvidenceException when a file cannot be written or already exists
   */
  public EvidenceBundle write(Iterator<AuditEvent> events, Path directory) {
    Path zip = directory.resolve(packageName(bundleId));
    Path sig = directory.resolve(signatureName(bundleId));
    if (Files.exists(zip) || Files.exists(sig)) {
      throw new EvidenceException("evidence package " + zip + " already exists; a bundle is"
          + " written once");
    }
    try {
      FileMode.PRIVATE.createDirectories(directory);
      EvidenceManifest manifest;
      try (StagedFile staged = StagedFile.create(zip, FileMode.PRIVATE)) {
        try (OutputStream file = new BufferedOutputStream(staged.outputStream(), 1 << 16);
            ZipOutputStream z = new ZipOutputStream(file)) {
          manifest = writeEntries(z, events);
        }
        staged.publish();
      }
      Digest manifestSha = Digest.sha256(manifest.toBytes());
      StagedFile.writeNew(sig, EvidenceSignatures.sign(signer, bundleId, manifestSha).format()
          .getBytes(StandardCharsets.UTF_8), FileMode.PRIVATE);
      return new EvidenceBundle(bundleId, zip, sig, manifest, manifestSha,
          signer.verifier().verifierKey());
    } catch (FileAlreadyExistsException e) {
      throw new EvidenceException("evidence package " + zip + " already exists", e);
    } catch (IOException e) {
      throw new EvidenceException("cannot write evidence package " + zip + ": " + e, e);
    }
  }

  private EvidenceManifest writeEntries(ZipOutputStream z, Iterator<AuditEvent> events)
      throws IOException {
    List<BundleFile> files = new ArrayList<>();
    ChainVerifier verifier = ChainVerifier.create();
    boolean verifying = true;
    Entry e = open(z, EVENTS);
    JsonlEventWriter w = new JsonlEventWriter(e);
    BundleProofs proofs = tiles == null ? null : new BundleProofs(tiles);
    while (events.hasNext()) {
      AuditEvent ev = events.next();
      if (!ev.companyId().equals(companyId)) {
        throw new EvidenceException("event of another company in the bundle of company "
            + companyId);
      }
      w.write(ev);
      if (proofs != null) {
        proofs.event(ev);
      }
      if (verifying) {
        verifying = verifier.accept(ev);
      }
    }
    w.flush();
    files.add(e.finish());
    VerificationReport report = verifier.finish();
    if (!report.ok()) {
      throw new EvidenceException("the events of bundle " + bundleId + " do not verify ("
          + report.failure().orElseThrow() + "); verify the chain before exporting evidence");
    }
    Map<UUID, ChainRange> chains = new TreeMap<>();
    report.chains().forEach(c -> chains.put(c.chainId(), c));
    Map<UUID, ChainCheckpoint> checkpoints = new HashMap<>();
    for (ChainRange c : chains.values()) {
      ChainCheckpoint cp = new ChainCheckpoint(namespace, c.chainId(), c.lastSeq(),
          roots.root(c.chainId(), c.lastSeq()), c.headHash());
      checkpoints.put(c.chainId(), cp);
      String body = cp.toCheckpoint().body();
      Entry n = open(z, CHECKPOINTS + c.chainId() + ".note");
      n.write(new SignedNote(body, List.of(signer.sign(body))).format()
          .getBytes(StandardCharsets.UTF_8));
      files.add(n.finish());
    }
    if (proofs != null) {
      Entry p = open(z, PROOFS);
      proofs.write(report.chains(), checkpoints, new EventProofs.Writer(p));
      files.add(p.finish());
    }
    Entry r = open(z, REPORT);
    r.write(report(report, w.count()));
    files.add(r.finish());
    EvidenceManifest manifest = new EvidenceManifest(bundleId, companyId, from, to, createdAt,
        w.count(), files);
    Entry m = open(z, EvidenceManifest.ENTRY);
    m.write(manifest.toBytes());
    m.finish();
    return manifest;
  }

  private byte[] report(VerificationReport r, long events) throws JsonProcessingException {
    ObjectNode n = MAPPER.createObjectNode();
    n.put("bundle_id", bundleId.toString());
    n.put("valid", r.ok());
    n.put("events", events);
    n.put("checkpoints_included", r.chains().size());
    ArrayNode chains = n.putArray("chains");
    for (ChainRange c : r.chains()) {
      chains.addObject().put("workspace_id", c.chainId().toString())
          .put("first_seq", c.firstSeq()).put("last_seq", c.lastSeq())
          .put("count", c.count()).put("gaps", c.gaps())
          .put("first_prev_hash", c.firstPrevHash().hex())
          .put("head_hash", c.headHash().hex());
    }
    r.failure().ifPresentOrElse(f -> n.putObject("failure").put("workspace_id",
        String.valueOf(f.chainId())).put("seq", f.seq()).put("reason", f.reason().name())
        .put("detail", f.detail()), () -> n.putNull("failure"));
    n.put("verified_at", createdAt.toString());
    return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(n);
  }

  private Entry open(ZipOutputStream z, String name) throws IOException {
    ZipEntry ze = new ZipEntry(name);
    ze.setTime(createdAt.toEpochMilli());
    z.putNextEntry(ze);
    return new Entry(z, name);
  }

  /** One zip entry being written: counts and hashes what passes, never closes the zip. */
  private static final class Entry extends FilterOutputStream {
    private final ZipOutputStream zip;
    private final String name;
    private final MessageDigest sha = Digest.newSha256();
    private long size;

    Entry(ZipOutputStream zip, String name) {
      super(zip);
      this.zip = zip;
      this.name = name;
    }

    @Override
    public void write(int b) throws IOException {
      zip.write(b);
      sha.update((byte) b);
      size++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      zip.write(b, off, len);
      sha.update(b, off, len);
      size += len;
    }

    BundleFile finish() throws IOException {
      zip.closeEntry();
      return new BundleFile(name, size, Digest.finish(sha));
    }
  }

  /** Settings of one bundle. */
  public static final class Builder {
    private final UUID bundleId;
    private final UUID companyId;
    private final Instant from;
    private final Instant to;
    private Instant createdAt;
    private String namespace;
    private CheckpointRoots roots;
    private NoteSigner signer;
    private Function<UUID, TileSource> tiles;

    private Builder(UUID bundleId, UUID companyId, Instant from, Instant to) {
      this.bundleId = Objects.requireNonNull(bundleId, "bundleId");
      this.companyId = Objects.requireNonNull(companyId, "companyId");
      this.from = Objects.requireNonNull(from, "from");
      this.to = Objects.requireNonNull(to, "to");
      if (!from.isBefore(to)) {
        throw new IllegalArgumentException("from (" + from + ") must be before to (" + to + ")");
      }
    }

    /**
     * When the bundle is written (required; from the caller's clock).
     *
     * @param t the time
     * @return this builder
     */
    public Builder createdAt(Instant t) {
      this.createdAt = Objects.requireNonNull(t, "createdAt");
      return this;
    }

    /**
     * How each chain's checkpoint is made (required): the log namespace of its origin ({@code
     * <namespace>/chains/<workspaceId>}, as the server's published checkpoints), which must be
     * the signer's key name (verifiers accept a checkpoint only in its signer's log), and the
     * Merkle roots over seqs 1..size.
     *
     * @param namespace the log namespace
     * @param roots the Merkle roots
     * @return this builder
     */
    public Builder checkpoints(String namespace, CheckpointRoots roots) {
      // Validated by the checkpoint format itself.
      new ChainCheckpoint(namespace, new UUID(0, 0), 0, Digest.ZERO, Digest.ZERO);
      this.namespace = namespace;
      this.roots = Objects.requireNonNull(roots, "roots");
      return this;
    }

    /**
     * Puts each event's inclusion proof in its chain's checkpoint into the bundle ({@link
     * #PROOFS}), computed from the chains' stored tiles, which must cover each chain up to the
     * bundle's last seq of it. Every proof is checked against the checkpoint's root and the
     * events' hashes before the bundle is signed.
     *
     * @param tiles each chain's tiles, by workspace id
     * @return this builder
     */
    public Builder proofs(Function<UUID, TileSource> tiles) {
      this.tiles = Objects.requireNonNull(tiles, "tiles");
      return this;
    }

    /**
     * The key of the detached signature (required).
     *
     * @param s the signer
     * @return this builder
     */
    public Builder signer(NoteSigner s) {
      this.signer = Objects.requireNonNull(s, "signer");
      return this;
    }

    /**
     * Builds the writer.
     *
     * @return the writer
     * @throws IllegalStateException when a required setting is missing
     */
    public EvidenceBundleWriter build() {
      if (createdAt == null) {
        throw new IllegalStateException("createdAt is required");
      }
      if (signer == null) {
        throw new IllegalStateException("signer is required");
      }
      if (roots == null) {
        throw new IllegalStateException("checkpoints (namespace and roots) are required");
      }
      if (!namespace.equals(signer.verifier().name())) {
        throw new IllegalStateException("the checkpoint namespace '" + namespace + "' is not"
            + " the signer's key name '" + signer.verifier().name() + "': a chain checkpoint's"
            + " origin is <signer name>/chains/<workspaceId>, or no verifier accepts it");
      }
      return new EvidenceBundleWriter(this);
    }
  }
}
