package io.hyrelog.compliance.evidence;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hyrelog.AuditEvent;
import io.hyrelog.Digest;
import io.hyrelog.export.JsonlEventWriter;
import io.hyrelog.integrity.ChainRange;
import io.hyrelog.integrity.ChainVerifier;
import io.hyrelog.integrity.SignedNote;
import io.hyrelog.integrity.VerificationReport;
import io.hyrelog.spi.NoteSigner;
import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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
 * computed, then {@code checkpoints/<workspaceId>.note}, {@code verification-report.json} and
 * last {@code manifest.json}; then the detached signature {@code <bundleId>.sig} beside the zip.
 *
 * <p>Files are written to temporary names and moved into place, the signature last; an existing
 * package is never overwritten. A writer is immutable and thread-safe; build one per bundle.
 */
public final class EvidenceBundleWriter {
  /** Entry names in the order they are written. */
  public static final String EVENTS = "events.jsonl";
  public static final String CHECKPOINTS = "checkpoints/";
  public static final String REPORT = "verification-report.json";

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final UUID bundleId;
  private final UUID companyId;
  private final Instant from;
  private final Instant to;
  private final Instant createdAt;
  private final Map<UUID, SignedNote> checkpoints;
  private final NoteSigner signer;

  private EvidenceBundleWriter(Builder b) {
    this.bundleId = b.bundleId;
    this.companyId = b.companyId;
    this.from = b.from;
    this.to = b.to;
    this.createdAt = b.createdAt;
    this.checkpoints = new TreeMap<>(b.checkpoints);
    this.signer = b.signer;
  }

  public static Builder builder(UUID bundleId, UUID companyId, Instant from, Instant to) {
    return new Builder(bundleId, companyId, from, to);
  }

  /** The package file name of a bundle. */
  public static String packageName(UUID bundleId) {
    return bundleId + ".zip";
  }

  /** The detached signature's file name. */
  public static String signatureName(UUID bundleId) {
    return bundleId + ".sig";
  }

  /** The countersign note's file name. */
  public static String countersignName(UUID bundleId) {
    return bundleId + ".countersign";
  }

  /**
   * Writes the package and its signature into {@code directory}.
   *
   * @param events the period's events; consumed once, never held
   * @throws EvidenceException when a file cannot be written or already exists
   */
  public EvidenceBundle write(Iterator<AuditEvent> events, Path directory) {
    Path zip = directory.resolve(packageName(bundleId));
    Path sig = directory.resolve(signatureName(bundleId));
    if (Files.exists(zip) || Files.exists(sig)) {
      throw new EvidenceException("evidence package " + zip + " already exists; a bundle is"
          + " written once");
    }
    Path tmpZip = directory.resolve(packageName(bundleId) + ".tmp");
    Path tmpSig = directory.resolve(signatureName(bundleId) + ".tmp");
    try {
      Files.createDirectories(directory);
      EvidenceManifest manifest;
      try (OutputStream file = new BufferedOutputStream(Files.newOutputStream(tmpZip), 1 << 16);
          ZipOutputStream z = new ZipOutputStream(file)) {
        manifest = writeEntries(z, events);
      }
      Digest manifestSha = Digest.sha256(manifest.toBytes());
      Files.move(tmpZip, zip, StandardCopyOption.ATOMIC_MOVE);
      Files.writeString(tmpSig, EvidenceSignatures.sign(signer, bundleId, manifestSha).format(),
          StandardCharsets.UTF_8);
      Files.move(tmpSig, sig, StandardCopyOption.ATOMIC_MOVE);
      return new EvidenceBundle(bundleId, zip, sig, manifest, manifestSha,
          signer.verifier().verifierKey());
    } catch (FileAlreadyExistsException e) {
      throw new EvidenceException("evidence package " + zip + " already exists", e);
    } catch (IOException e) {
      throw new EvidenceException("cannot write evidence package " + zip + ": " + e, e);
    } finally {
      try {
        Files.deleteIfExists(tmpZip);
        Files.deleteIfExists(tmpSig);
      } catch (IOException ignored) {
        // a leftover temporary file is overwritten by no one and harmless
      }
    }
  }

  private EvidenceManifest writeEntries(ZipOutputStream z, Iterator<AuditEvent> events)
      throws IOException {
    List<BundleFile> files = new ArrayList<>();
    ChainVerifier verifier = ChainVerifier.builder().allowGaps().build();
    boolean verifying = true;
    Entry e = open(z, EVENTS);
    JsonlEventWriter w = new JsonlEventWriter(e);
    while (events.hasNext()) {
      AuditEvent ev = events.next();
      if (!ev.companyId().equals(companyId)) {
        throw new EvidenceException("event of another company in the bundle of company "
            + companyId);
      }
      w.write(ev);
      if (verifying) {
        verifying = verifier.accept(ev);
      }
    }
    w.flush();
    files.add(e.finish());
    for (Map.Entry<UUID, SignedNote> cp : checkpoints.entrySet()) {
      Entry c = open(z, CHECKPOINTS + cp.getKey() + ".note");
      c.write(cp.getValue().format().getBytes(StandardCharsets.UTF_8));
      files.add(c.finish());
    }
    Entry r = open(z, REPORT);
    r.write(report(verifier.finish(), w.count()));
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
    n.put("checkpoints_included", checkpoints.size());
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
    private final Map<UUID, SignedNote> checkpoints = new TreeMap<>();
    private NoteSigner signer;

    private Builder(UUID bundleId, UUID companyId, Instant from, Instant to) {
      this.bundleId = Objects.requireNonNull(bundleId, "bundleId");
      this.companyId = Objects.requireNonNull(companyId, "companyId");
      this.from = Objects.requireNonNull(from, "from");
      this.to = Objects.requireNonNull(to, "to");
      if (!from.isBefore(to)) {
        throw new IllegalArgumentException("from (" + from + ") must be before to (" + to + ")");
      }
    }

    /** When the bundle is written (required; from the caller's clock). */
    public Builder createdAt(Instant t) {
      this.createdAt = Objects.requireNonNull(t, "createdAt");
      return this;
    }

    /** A signed checkpoint of a workspace chain, included as {@code checkpoints/<id>.note}. */
    public Builder checkpoint(UUID workspaceId, SignedNote note) {
      Objects.requireNonNull(workspaceId, "workspaceId");
      Objects.requireNonNull(note, "note");
      if (checkpoints.putIfAbsent(workspaceId, note) != null) {
        throw new IllegalArgumentException("checkpoint of workspace " + workspaceId
            + " given twice");
      }
      return this;
    }

    /** The key of the detached signature (required). */
    public Builder signer(NoteSigner s) {
      this.signer = Objects.requireNonNull(s, "signer");
      return this;
    }

    public EvidenceBundleWriter build() {
      if (createdAt == null) {
        throw new IllegalStateException("createdAt is required");
      }
      if (signer == null) {
        throw new IllegalStateException("signer is required");
      }
      return new EvidenceBundleWriter(this);
    }
  }
}
