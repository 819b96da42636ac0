package io.hyrelog.compliance.evidence;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hyrelog.EventScope;
import io.hyrelog.IdSource;
import io.hyrelog.archive.Archival;
import io.hyrelog.compliance.SigningKeys;
import io.hyrelog.compliance.evidence.InvalidCountersignatureException.Reason;
import io.hyrelog.files.FileMode;
import io.hyrelog.files.StagedFile;
import io.hyrelog.integrity.NoteSignature;
import io.hyrelog.integrity.NoteVerifier;
import io.hyrelog.integrity.SignedNote;
import io.hyrelog.spi.ArchiveStore;
import io.hyrelog.spi.ChainTree;
import io.hyrelog.tlog.TileSource;
import java.util.function.Function;
import io.hyrelog.spi.ExportJobs;
import io.hyrelog.spi.SnapshotCatalog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.TreeSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SortedMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The evidence bundles of many companies in one directory: {@link #export} writes a signed
 * bundle of a company's events of a period (with, as asked, its vault copy, KMS envelope and
 * external WORM upload), {@link #countersign} adds a countersignature by another key (dual
 * control), {@link #verify} checks a bundle as an auditor would, and {@link #requireQuota}
 * bounds the disk a company's bundles take.
 *
 * <p>Layout: a company's bundles live under {@code <directory>/<companyId>/<bundleId>/} (the
 * package {@code <bundleId>.zip} or, once sealed in an envelope, only the envelope and {@code
 * <bundleId>.zip.enc}; the signature {@code <bundleId>.sig}; the countersign note {@code
 * <bundleId>.countersign}; the export record {@code export.json}). Every operation is scoped to
 * one company and names a bundle by id only, so no caller reaches another path; {@link
 * #parsePackagePath} accepts the forms callers give. Vault copies go to {@code <vault
 * directory>/<companyId>/} or, in a store vault, under the key prefix {@code <companyId>/}.
 *
 * <p>Failures are {@link EvidenceException}s: {@link EvidenceNotFoundException}, {@link
 * EvidenceConflictException}, {@link InvalidCountersignatureException}, {@link
 * EvidenceQuotaExceededException}, and the plain class for a failed write or delivery. Immutable
 * and thread-safe; countersignatures of one bundle are added one at a time within this
 * instance.
 */
public final class EvidenceBundles {
  /** The export record's name in a bundle's directory. */
  public static final String EXPORT_RECORD = "export.json";
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String UUID_TEXT =
      "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
  private static final Pattern PACKAGE = Pattern.compile(
      "(?:(" + UUID_TEXT + ")/)?(" + UUID_TEXT + ")(\\.zip)?");

  private final Path directory;
  private final SigningKeys keys;
  private final String namespace;
  private final List<NoteVerifier> countersigners;
  private final Optional<AesKeyWrapper> masterKey;
  private final Optional<URI> wormEndpoint;
  private final Optional<URI> kmsEndpoint;
  private final ExternalEndpoints external;
  private final Optional<Path> vaultDirectory;
  private final Optional<ArchiveStore> vaultStore;
  private final Consumer<EvidenceVault.StoreBuilder> vaultSettings;
  private final Duration vaultRetention;
  private final Optional<ExportJobs> heads;
  private final Optional<Archival> archival;
  private final Optional<ChainTree> tree;
  private final Optional<SnapshotCatalog> periods;
  private final Clock clock;
  private final IdSource ids;
  private final SecureRandom random;
  private final EvidenceVerifier verifier;
  private final Map<UUID, Object> locks = new ConcurrentHashMap<>();

  private EvidenceBundles(Builder b) {
    this.directory = b.directory;
    this.keys = b.keys;
    this.namespace = b.namespace;
    this.countersigners = List.copyOf(b.countersigners);
    this.masterKey = b.masterKey;
    this.wormEndpoint = b.wormEndpoint;
    this.kmsEndpoint = b.kmsEndpoint;
    this.external = b.external;
    this.vaultDirectory = b.vaultDirectory;
    this.vaultStore = b.vaultStore;
    this.vaultSettings = b.vaultSettings;
    this.vaultRetention = b.vaultRetention;
    this.heads = b.heads;
    this.archival = b.archival;
    this.tree = b.tree;
    this.periods = b.periods;
    this.clock = b.clock;
    this.ids = b.ids != null ? b.ids : IdSource.secure(b.clock);
    this.random = b.random;
    this.verifier = new EvidenceVerifier(keys.verifiers(), countersigners);
  }

  /**
   * A builder of the bundles kept under {@code directory}.
   *
   * @param directory the directory holding every company's bundles
   * @return a new builder
   * @throws NullPointerException when {@code directory} is null
   */
  public static Builder builder(Path directory) {
    return new Builder(directory);
  }

  /**
   * The options of an export that asks for everything configured: the vault copy when a vault
   * is, the envelope when a master key is, the external WORM and KMS steps when their endpoints
   * are; external failures do not fail the export.
   *
   * @return the options of a full export
   */
  public EvidenceExporter.Options defaultOptions() {
    return new EvidenceExporter.Options(vaultDirectory.isPresent() || vaultStore.isPresent(),
        masterKey.isPresent(), wormEndpoint.isPresent(), kmsEndpoint.isPresent(), false);
  }

  /**
   * Exports the company's events recorded in {@code [from, to)} (of one workspace, or of all)
   * into a new signed bundle, streamed chain by chain in constant memory, and records the
   * result as {@code export.json} beside it.
   *
   * @param companyId the company
   * @param from the period's start, inclusive
   * @param to the period's end, exclusive
   * @param workspaceIdOrNull one workspace of the company, or {@code null} for all
   * @param options what to do besides writing and signing the package
   * @return the bundle as recorded in its {@code export.json}
   * @throws IllegalArgumentException when an option asks for something not configured (nothing
   *     is written)
   * @throws IllegalStateException when the builder was given no chains to read
   * @throws EvidenceException when a step fails (an external one in strict mode); what was
   *     written before stays
   */
  public ExportedBundle export(UUID companyId, Instant from, Instant to,
      UUID workspaceIdOrNull, EvidenceExporter.Options options) {
    Objects.requireNonNull(companyId, "companyId");
    Objects.requireNonNull(options, "options");
    if (heads.isEmpty() || archival.isEmpty()) {
      throw new IllegalStateException("exports read chains: EvidenceBundles.builder(...)"
          + ".chains(heads, archival)");
    }
    EvidenceExporter exporter = new EvidenceExporter(keys.active(), clock,
        vault(companyId), masterKey.map(k -> k), wormEndpoint, kmsEndpoint,
        external, random);
    exporter.check(options);
    UUID bundleId = ids.newEventId();
    Path dir = companyDirectory(companyId).resolve(bundleId.toString());
    SortedMap<UUID, Long> chains = heads.get().heads(companyId, workspaceIdOrNull);
    // Chain after chain, each opened when the previous one is used up and read only to the
    // period's end (constant memory).
    List<PeriodEvents.Chain> parts = new ArrayList<>();
    for (Map.Entry<UUID, Long> h : chains.entrySet()) {
      chain(EventScope.workspace(companyId, h.getKey()), h.getValue(), from, to)
          .ifPresent(parts::add);
    }
    try (PeriodEvents events = PeriodEvents.ofChains(from, to, parts)) {
      EvidenceExporter.Result r = exporter.export(EvidenceExporter.Request.of(bundleId,
          companyId, namespace, events), options, dir, tree.<Function<UUID, TileSource>>map(
              t -> ws -> t.source(EventScope.workspace(companyId, ws))).orElse(null));
      ExportedBundle out = new ExportedBundle(companyId, r, report(r.vaultCopyPath()),
          report(r.vaultWormLockPath()), report(r.vaultEnvelopePath()));
      try {
        StagedFile.writeNew(dir.resolve(EXPORT_RECORD), MAPPER.writerWithDefaultPrettyPrinter()
            .writeValueAsBytes(out.toJson()), FileMode.PRIVATE);
      } catch (IOException e) {
        throw new EvidenceException("cannot record the export of bundle " + bundleId, e);
      }
      return out;
    }
  }

  /**
   * How to read one chain for a period: from the period's first seq with the stored tree's
   * roots when the tree covers the chain's head (empty when the chain has no event in the
   * period), else from seq 1, computing the roots.
   */
  private Optional<PeriodEvents.Chain> chain(EventScope chain, long head, Instant from,
      Instant to) {
    Archival reader = archival.get();
    if (tree.isPresent() && tree.get().size(chain) >= head) {
      UUID ws = chain.workspaceId();
      OptionalLong scan = periods.get().purgedScanStart(ws, from);
      OptionalLong start = scan.isPresent() ? scan : periods.get().periodRange(ws, from, to)
          .map(r -> OptionalLong.of(r.fromSeq())).orElse(OptionalLong.empty());
      if (start.isEmpty()) {
        return Optional.empty();
      }
      // Expired seqs are gone: a period of them holds only what was kept (often nothing).
      long first = Math.max(start.getAsLong(), reader.firstRetainedSeq(chain));
      if (first > head) {
        return Optional.empty();
      }
      return Optional.of(new PeriodEvents.Chain(first, () -> reader.readChain(chain, first,
          head), Optional.of(tree.get().source(chain))));
    }
    long retained = reader.firstRetainedSeq(chain);
    if (retained > 1) {
      throw new EvidenceException("seqs 1.." + (retained - 1) + " of chain "
          + chain.workspaceId() + " expired (archive retention); a bundle of it needs the"
          + " chain's stored Merkle tiles, which are still being back-filled: export again later");
    }
    return Optional.of(new PeriodEvents.Chain(1, () -> reader.readChain(chain, 1, head)));
  }

  /**
   * Verifies a bundle of the company: the package (opened from its envelope with the master key
   * when only the envelope is kept), its signature by one of the signing keys, and its
   * countersign note. A missing package or signature is reported in the result, not thrown.
   *
   * @param companyId the company
   * @param bundleId the bundle
   * @param requireCountersign whether a valid countersignature is required
   * @return the verification's fields and problems
   * @throws EvidenceConflictException when only an envelope is kept that the master key cannot
   *     open
   */
  public EvidenceVerification verify(UUID companyId, UUID bundleId,
      boolean requireCountersign) {
    Path dir = bundleDirectory(companyId, bundleId);
    try (Opened pkg = open(dir, bundleId)) {
      return verifier.verify(pkg.path(),
          dir.resolve(EvidenceBundleWriter.signatureName(bundleId)),
          dir.resolve(EvidenceBundleWriter.countersignName(bundleId)), requireCountersign);
    }
  }

  /**
   * Adds a countersignature line to the bundle's countersign note (one signature per key) after
   * checking that the package verifies and that the line is a valid signature over the bundle's
   * note by a configured countersigner key other than the bundle's own signing keys; copies the
   * note into the bundle's vault copy when it has one and the signature is new.
   *
   * @param companyId the company
   * @param bundleId the bundle
   * @param signer the key name the line must carry
   * @param keyIdHex the key id the line must carry, 8 lowercase hex digits
   * @param line one signed-note signature line over the bundle's note
   * @return the note's path and counts, whether the signature was new, and its vault copy
   * @throws EvidenceNotFoundException when the company has no such bundle
   * @throws EvidenceConflictException when the package does not verify or cannot be opened
   * @throws InvalidCountersignatureException when the line is refused (nothing is written)
   */
  public Countersigned countersign(UUID companyId, UUID bundleId, String signer,
      String keyIdHex, String line) {
    Objects.requireNonNull(signer, "signer");
    Objects.requireNonNull(keyIdHex, "keyIdHex");
    Objects.requireNonNull(line, "line");
    Path dir = bundleDirectory(companyId, bundleId);
    Path zip = dir.resolve(EvidenceBundleWriter.packageName(bundleId));
    if (!Files.isRegularFile(zip) && !Files.isRegularFile(envelope(dir, bundleId))) {
      throw new EvidenceNotFoundException("no evidence package " + bundleId);
    }
    synchronized (locks.computeIfAbsent(bundleId, k -> new Object())) {
      try (Opened opened = open(dir, bundleId)) {
        return countersign(companyId, bundleId, dir, opened.path(), signer, keyIdHex, line);
      }
    }
  }

  private Countersigned countersign(UUID companyId, UUID id, Path dir, Path pkg, String signer,
      String keyIdHex, String line) {
    Path sigFile = dir.resolve(EvidenceBundleWriter.signatureName(id));
    Path csFile = dir.resolve(EvidenceBundleWriter.countersignName(id));
    EvidenceVerification v = verifier.verify(pkg, sigFile, csFile, false);
    if (!v.manifestValid() || !v.signatureValid()) {
      throw new EvidenceConflictException("the package does not verify ("
          + String.join("; ", v.problems()) + "); it cannot be countersigned");
    }
    String text;
    try {
      text = SignedNote.parse(Files.readString(sigFile)).text();
    } catch (IOException e) {
      throw new EvidenceException("cannot read the signature of bundle " + id, e);
    }
    NoteSignature sig;
    try {
      sig = EvidenceSignatures.parseLine(text, line);
    } catch (EvidenceException e) {
      throw new InvalidCountersignatureException(Reason.MALFORMED_LINE, e.getMessage());
    }
    if (!sig.keyName().equals(signer)) {
      throw new InvalidCountersignatureException(Reason.SIGNER_MISMATCH, "signer does not"
          + " match the key name on the countersignature line");
    }
    if (!String.format("%08x", sig.keyId()).equals(keyIdHex)) {
      throw new InvalidCountersignatureException(Reason.KEY_ID_MISMATCH, "the key id does not"
          + " match the key id on the countersignature line (8 lowercase hex digits)");
    }
    if (keys.verifiers().stream().anyMatch(own -> own.name().equals(signer)
        && own.keyId() == sig.keyId())) {
      throw new InvalidCountersignatureException(Reason.SAME_SIGNER, "the bundle's own signing"
          + " key cannot countersign it: dual control needs another key");
    }
    NoteVerifier key = countersigners.stream().filter(k -> k.name().equals(signer)
        && k.keyId() == sig.keyId()).findFirst().orElseThrow(() ->
        new InvalidCountersignatureException(Reason.UNKNOWN_KEY, "the key is not a configured"
            + " countersigner key"));
    if (!key.verify(text, sig)) {
      throw new InvalidCountersignatureException(Reason.SIGNATURE_MISMATCH, "the"
          + " countersignature does not verify over this package's bundle id and manifest"
          + " digest");
    }
    try {
      SignedNote existing = Files.exists(csFile)
          ? SignedNote.parse(Files.readString(csFile)) : null;
      SignedNote next = EvidenceSignatures.append(text, existing, sig);
      boolean added = existing == null
          || next.signatures().size() > existing.signatures().size();
      StagedFile.writeReplacing(csFile, next.format().getBytes(StandardCharsets.UTF_8),
          FileMode.PRIVATE);
      int count = verifier.verify(pkg, sigFile, csFile, true).countersignCount();
      Optional<String> vault = vaultCopy(dir, id);
      Optional<String> vaultNote = Optional.empty();
      if (vault.isPresent() && added) {
        Optional<EvidenceVault> companyVault = vault(companyId);
        if (companyVault.isPresent()) {
          vaultNote = report(Optional.of(companyVault.get().add(vault.get(), csFile,
              csFile.getFileName() + "." + next.signatures().size())));
        }
      }
      return new Countersigned(id, id + "/" + csFile.getFileName(), added,
          next.signatures().size(), count, vaultNote);
    } catch (IOException e) {
      throw new EvidenceException("cannot write the countersign note of bundle " + id, e);
    }
  }

  /**
   * Refuses a new bundle when the company's bundles, with their directory vault copies (a store
   * vault is not on this disk), already take {@code quotaBytes} or more. The check comes before
   * an export, so the quota is exceeded by at most one bundle.
   *
   * @param companyId the company
   * @param quotaBytes the bytes the company's bundles may take
   * @throws EvidenceQuotaExceededException when they do
   * @throws EvidenceException when the stored files cannot be measured
   */
  public void requireQuota(UUID companyId, long quotaBytes) {
    long used = usedBytes(companyId);
    if (used >= quotaBytes) {
      throw new EvidenceQuotaExceededException(used, quotaBytes);
    }
  }

  /**
   * The bytes the company's bundles and directory vault copies take on this disk.
   *
   * @param companyId the company
   * @return the total size of their files; 0 when there are none
   * @throws EvidenceException when the stored files cannot be measured
   */
  public long usedBytes(UUID companyId) {
    long used = bytesUnder(companyDirectory(companyId));
    if (vaultDirectory.isPresent()) {
      used += bytesUnder(vaultDirectory.get().resolve(companyId.toString()));
    }
    return used;
  }

  /**
   * The directory of the company's bundles, {@code <directory>/<companyId>} (it need not exist).
   *
   * @param companyId the company
   * @return the directory
   */
  public Path companyDirectory(UUID companyId) {
    return directory.resolve(Objects.requireNonNull(companyId, "companyId").toString());
  }

  /**
   * The company's bundles (those whose export completed: their export record is written), in
   * id order (which for the time-ordered bundle ids is creation order), after {@code after}.
   *
   * @param companyId the company
   * @param after list only ids after this one; null from the start
   * @param limit at most this many, 1..1000
   * @return the bundle ids
   * @throws EvidenceException when the directory cannot be read
   */
  public List<UUID> bundleIds(UUID companyId, UUID after, int limit) {
    if (limit < 1 || limit > 1000) {
      throw new IllegalArgumentException("limit must be in 1..1000, got " + limit);
    }
    Path dir = companyDirectory(companyId);
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      return List.of();
    }
    String from = after == null ? "" : after.toString();
    // Only the page's names are kept while the directory streams by (bounded memory).
    TreeSet<String> page = new TreeSet<>();
    try (Stream<Path> entries = Files.list(dir)) {
      for (Iterator<Path> it = entries.iterator(); it.hasNext(); ) {
        String name = it.next().getFileName().toString();
        if (!name.matches(UUID_TEXT) || name.compareTo(from) <= 0
            || !Files.isRegularFile(dir.resolve(name).resolve(EXPORT_RECORD),
                LinkOption.NOFOLLOW_LINKS)) {
          continue;
        }
        page.add(name);
        if (page.size() > limit) {
          page.pollLast();
        }
      }
    } catch (IOException | UncheckedIOException e) {
      throw new EvidenceException("cannot list the evidence bundles of company " + companyId, e);
    }
    return page.stream().map(UUID::fromString).toList();
  }

  /**
   * The downloadable files of one of the company's bundles, by name.
   *
   * @param companyId the company
   * @param bundleId the bundle
   * @return its files, sorted by name
   * @throws EvidenceNotFoundException when the company has no such (completed) bundle
   * @throws EvidenceException when the directory cannot be read
   */
  public List<StoredBundleFile> files(UUID companyId, UUID bundleId) {
    Path dir = bundleDirectory(companyId, bundleId);
    if (!Files.isRegularFile(dir.resolve(EXPORT_RECORD), LinkOption.NOFOLLOW_LINKS)) {
      throw new EvidenceNotFoundException("no evidence bundle " + bundleId);
    }
    Pattern names = Pattern.compile(Pattern.quote(bundleId.toString())
        + "(\\.zip|\\.sig|\\.countersign|\\.zip\\.enc|\\.envelope\\.json"
        + "|\\.worm-receipt\\.json)|" + Pattern.quote(EXPORT_RECORD));
    List<StoredBundleFile> out = new ArrayList<>();
    try (Stream<Path> entries = Files.list(dir)) {
      for (Iterator<Path> it = entries.iterator(); it.hasNext(); ) {
        Path f = it.next();
        String name = f.getFileName().toString();
        if (!names.matcher(name).matches()) {
          continue;
        }
        BasicFileAttributes a;
        try {
          a = Files.readAttributes(f, BasicFileAttributes.class,
              LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException gone) {
          continue;
        }
        if (a.isRegularFile()) {
          out.add(new StoredBundleFile(name, f, a.size(), a.lastModifiedTime().toInstant()));
        }
      }
    } catch (IOException | UncheckedIOException e) {
      throw new EvidenceException("cannot list evidence bundle " + bundleId, e);
    }
    out.sort(Comparator.comparing(StoredBundleFile::name));
    return out;
  }

  private Path bundleDirectory(UUID companyId, UUID bundleId) {
    return companyDirectory(companyId).resolve(Objects.requireNonNull(bundleId, "bundleId")
        .toString());
  }

  /**
   * The bundle id a package path names: {@code <bundleId>}, {@code <bundleId>.zip} or {@code
   * <bundleId>/<bundleId>.zip}, lowercase.
   *
   * @param path the path a caller gave
   * @return the bundle id
   * @throws IllegalArgumentException for any other path
   */
  public static UUID parsePackagePath(String path) {
    Objects.requireNonNull(path, "path");
    Matcher m = PACKAGE.matcher(path);
    if (!m.matches() || (m.group(1) != null && !m.group(1).equals(m.group(2)))) {
      throw new IllegalArgumentException("a package path names a bundle: <bundleId>,"
          + " <bundleId>.zip or <bundleId>/<bundleId>.zip (lowercase UUID)");
    }
    return UUID.fromString(m.group(2));
  }

  /**
   * Whether {@code path} names the bundle's own file with {@code extension} (such as {@code
   * .sig}): {@code <bundleId><extension>} or {@code <bundleId>/<bundleId><extension>}.
   *
   * @param path the path a caller gave
   * @param bundleId the bundle
   * @param extension the file's extension, with its dot
   * @return whether {@code path} is one of those two forms
   */
  public static boolean isBundleFile(String path, UUID bundleId, String extension) {
    return path.equals(bundleId + extension)
        || path.equals(bundleId + "/" + bundleId + extension);
  }

  /** The company's vault: its directory, or its key prefix in the vault store; if any. */
  private Optional<EvidenceVault> vault(UUID companyId) {
    if (vaultDirectory.isPresent()) {
      return Optional.of(EvidenceVault.directory(
          vaultDirectory.get().resolve(companyId.toString()), vaultRetention));
    }
    if (vaultStore.isEmpty()) {
      return Optional.empty();
    }
    EvidenceVault.StoreBuilder b = EvidenceVault.onStore(vaultStore.get());
    vaultSettings.accept(b);
    return Optional.of(b.keyPrefix(companyId + "/").build());
  }

  /** A vault location as reported: relative to the company's vault directory, or its URI. */
  private Optional<String> report(Optional<EvidenceVault.Location> l) {
    return l.map(v -> vaultStore.isPresent() ? v.uri() : v.path());
  }

  /** A package to verify; a temporary plaintext (decrypted from the envelope) is deleted. */
  private record Opened(Path path, boolean temporary) implements AutoCloseable {
    @Override
    public void close() {
      if (temporary) {
        try {
          Files.deleteIfExists(path);
        } catch (IOException e) {
          throw new EvidenceException("cannot remove the temporary plaintext " + path, e);
        }
      }
    }
  }

  private static Path envelope(Path dir, UUID id) {
    return dir.resolve(EvidenceEnvelope.envelopeName(id));
  }

  /**
   * The package of bundle {@code id}: its zip, or, when only its envelope is kept (no plaintext
   * stays beside an envelope), the zip decrypted with the master key into a temporary file
   * ({@code 0600}, removed on close).
   */
  private Opened open(Path dir, UUID id) {
    Path zip = dir.resolve(EvidenceBundleWriter.packageName(id));
    Path env = envelope(dir, id);
    if (Files.isRegularFile(zip) || !Files.isRegularFile(env)) {
      return new Opened(zip, false);
    }
    if (masterKey.isEmpty()) {
      throw sealed(id, "no envelope master key is configured");
    }
    Path tmp = dir.resolve("." + id + "." + UUID.randomUUID() + ".zip");
    try {
      EvidenceEnvelope.open(env, masterKey.get(), tmp);
      return new Opened(tmp, true);
    } catch (EvidenceException e) {
      throw sealed(id, e.getMessage());
    }
  }

  private static EvidenceConflictException sealed(UUID id, String why) {
    return new EvidenceConflictException("bundle " + id + " is kept only in its KMS envelope,"
        + " which cannot be opened here (" + why + "): decrypt it with the key that wrapped it"
        + " and verify it offline (hyrelog.jar verify)");
  }

  /** The bundle's vault copy directory ({@code YYYY/MM/DD/<bundleId>}) its export recorded. */
  private static Optional<String> vaultCopy(Path dir, UUID id) throws IOException {
    Path record = dir.resolve(EXPORT_RECORD);
    if (!Files.exists(record)) {
      return Optional.empty();
    }
    JsonNode n = MAPPER.readTree(record.toFile());
    String v = n.path("vault_copy_path").asText(null);
    return v == null ? Optional.empty() : EvidenceVault.copyDirectory(v, id);
  }

  private static long bytesUnder(Path dir) {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(f -> {
        try {
          return Files.size(f);
        } catch (IOException e) {
          return 0; // removed while counting
        }
      }).sum();
    } catch (IOException | UncheckedIOException e) {
      throw new EvidenceException("cannot measure the evidence stored under " + dir, e);
    }
  }

  /**
   * Builds {@link EvidenceBundles}. The signing keys and namespace are required; everything
   * else is optional. Each setter rejects a bad value at once; {@link #build()} checks the
   * combination. Not thread-safe.
   */
  public static final class Builder {
    private final Path directory;
    private SigningKeys keys;
    private String namespace;
    private List<NoteVerifier> countersigners = List.of();
    private Optional<AesKeyWrapper> masterKey = Optional.empty();
    private Optional<URI> wormEndpoint = Optional.empty();
    private Optional<URI> kmsEndpoint = Optional.empty();
    private ExternalEndpoints external;
    private Optional<Path> vaultDirectory = Optional.empty();
    private Optional<ArchiveStore> vaultStore = Optional.empty();
    private Consumer<EvidenceVault.StoreBuilder> vaultSettings = b -> { };
    private Duration vaultRetention;
    private Optional<ExportJobs> heads = Optional.empty();
    private Optional<Archival> archival = Optional.empty();
    private Optional<ChainTree> tree = Optional.empty();
    private Optional<SnapshotCatalog> periods = Optional.empty();
    private Clock clock = Clock.systemUTC();
    private IdSource ids;
    private SecureRandom random = new SecureRandom();

    private Builder(Path directory) {
      this.directory = Objects.requireNonNull(directory, "directory");
    }

    /**
     * The signing keys: the active one signs new bundles; a bundle verifies when any of them
     * signed it, and none of them may countersign.
     *
     * @param keys the signing keys (required)
     * @return this builder
     */
    public Builder keys(SigningKeys keys) {
      this.keys = Objects.requireNonNull(keys, "keys");
      return this;
    }

    /**
     * The log namespace of the checkpoints' origins in a bundle (required).
     *
     * @param namespace the namespace
     * @return this builder
     * @throws IllegalArgumentException when {@code namespace} is blank
     */
    public Builder namespace(String namespace) {
      Objects.requireNonNull(namespace, "namespace");
      if (namespace.isBlank()) {
        throw new IllegalArgumentException("namespace must not be blank");
      }
      this.namespace = namespace;
      return this;
    }

    /**
     * The keys whose countersignatures are accepted (other than the signing keys); default none.
     *
     * @param countersigners the countersigner keys
     * @return this builder
     */
    public Builder countersigners(List<NoteVerifier> countersigners) {
      this.countersigners = List.copyOf(Objects.requireNonNull(countersigners,
          "countersigners"));
      return this;
    }

    /**
     * The local master key of envelopes (also opens them for verification); default none, and
     * then no envelope is sealed with a local key.
     *
     * @param masterKey the master key
     * @return this builder
     */
    public Builder masterKey(AesKeyWrapper masterKey) {
      this.masterKey = Optional.of(Objects.requireNonNull(masterKey, "masterKey"));
      return this;
    }

    /**
     * The external WORM endpoint bundles may be uploaded to; default none.
     *
     * @param endpoint the endpoint
     * @return this builder
     */
    public Builder wormEndpoint(URI endpoint) {
      this.wormEndpoint = Optional.of(Objects.requireNonNull(endpoint, "wormEndpoint"));
      return this;
    }

    /**
     * The external KMS endpoint that may wrap envelopes' data keys; default none.
     *
     * @param endpoint the endpoint
     * @return this builder
     */
    public Builder kmsEndpoint(URI endpoint) {
      this.kmsEndpoint = Optional.of(Objects.requireNonNull(endpoint, "kmsEndpoint"));
      return this;
    }

    /**
     * How the external endpoints are called (token, timeout, TLS); default settings if unset.
     *
     * @param external the endpoints' settings
     * @return this builder
     */
    public Builder externalEndpoints(ExternalEndpoints external) {
      this.external = Objects.requireNonNull(external, "externalEndpoints");
      return this;
    }

    /**
     * Vault copies in a directory: a company's under {@code <root>/<companyId>/}, retained for
     * {@code retention} (and counted in the company's quota). Replaces a store vault.
     *
     * @param root the vault directory
     * @param retention how long the copies are retained
     * @return this builder
     * @throws IllegalArgumentException when {@code retention} is zero or negative
     */
    public Builder vaultDirectory(Path root, Duration retention) {
      this.vaultDirectory = Optional.of(Objects.requireNonNull(root, "vaultDirectory"));
      this.vaultStore = Optional.empty();
      this.vaultRetention = VaultLayout.requirePositive(retention, "retention");
      return this;
    }

    /**
     * Vault copies in a write-once store (the S3 Object Lock vault): a company's under the key
     * prefix {@code <companyId>/}. {@code settings} sets the vault's retention, URI prefix and
     * the retention the store enforces; the key prefix is the company's whatever it sets.
     * Replaces a directory vault; {@link #build()} checks the settings.
     *
     * @param store the write-once store
     * @param settings sets the vault's settings on each company's vault builder
     * @return this builder
     */
    public Builder vaultStore(ArchiveStore store, Consumer<EvidenceVault.StoreBuilder> settings) {
      this.vaultStore = Optional.of(Objects.requireNonNull(store, "vaultStore"));
      this.vaultSettings = Objects.requireNonNull(settings, "settings");
      this.vaultDirectory = Optional.empty();
      return this;
    }

    /**
     * Where exports read the company's chains: their heads, and the archival workflow that
     * reads a chain across the hot/archive boundary. Without it only countersign, verify and
     * the quota work.
     *
     * @param heads the chains' heads of a company
     * @param archival the archival workflow reading the chains
     * @return this builder
     */
    public Builder chains(ExportJobs heads, Archival archival) {
      this.heads = Optional.of(Objects.requireNonNull(heads, "heads"));
      this.archival = Optional.of(Objects.requireNonNull(archival, "archival"));
      return this;
    }

    /**
     * Lets exports read only each chain's period: where a chain's period starts comes from
     * {@code periods} ({@link SnapshotCatalog#purgedScanStart}, else {@link
     * SnapshotCatalog#periodRange}: the events table's time index and the archival ranges), and
     * the checkpoints' Merkle roots from {@code tree} (a few tile reads per chain, after checking
     * that its leaf at the checkpoint's seq is that event's hash). A chain whose stored tree
     * does not cover its head (a back-fill still running) is read from seq 1 as without this
     * setting. The bundles are the same either way. Exports with {@link
     * EvidenceExporter.Options#proofs} compute each event's inclusion proof from the same tree
     * (without it such an export is refused).
     *
     * @param tree the stored Merkle tree of the chains ({@link io.hyrelog.spi.EventStore#tree()}
     *     of the store {@link #chains} reads)
     * @param periods the snapshot catalog of the same storage
     * @return this builder
     */
    public Builder tree(ChainTree tree, SnapshotCatalog periods) {
      this.tree = Optional.of(Objects.requireNonNull(tree, "tree"));
      this.periods = Optional.of(Objects.requireNonNull(periods, "periods"));
      return this;
    }

    /**
     * The clock of bundles' creation and vault copies; default the system UTC clock.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * The source of bundle ids; default {@link IdSource#secure} on the clock.
     *
     * @param ids the id source
     * @return this builder
     */
    public Builder ids(IdSource ids) {
      this.ids = Objects.requireNonNull(ids, "ids");
      return this;
    }

    /**
     * The randomness of envelopes' data keys; default a new {@link SecureRandom}.
     *
     * @param random the randomness
     * @return this builder
     */
    public Builder random(SecureRandom random) {
      this.random = Objects.requireNonNull(random, "random");
      return this;
    }

    /**
     * Builds the bundles, with default external endpoint settings when none were given.
     *
     * @return the bundles
     * @throws IllegalStateException when the keys or the namespace are missing, or the store
     *     vault's settings are incomplete (see {@link EvidenceVault.StoreBuilder#build()})
     * @throws IllegalArgumentException when a countersigner key is also a signing key (by its
     *     key bytes, under any name)
     */
    public EvidenceBundles build() {
      if (keys == null) {
        throw new IllegalStateException("keys are required: EvidenceBundles.builder(...)"
            + ".keys(...)");
      }
      if (namespace == null) {
        throw new IllegalStateException("namespace is required: EvidenceBundles.builder(...)"
            + ".namespace(...)");
      }
      if (external == null) {
        external = ExternalEndpoints.builder().build();
      }
      EvidenceBundles bundles = new EvidenceBundles(this);
      if (vaultStore.isPresent()) {
        bundles.vault(new UUID(0, 0)); // the settings' checks, now rather than at an export
      }
      return bundles;
    }
  }
}
