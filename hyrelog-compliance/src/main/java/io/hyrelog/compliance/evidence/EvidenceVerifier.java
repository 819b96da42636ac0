package io.hyrelog.compliance.evidence;

import io.hyrelog.Digest;
import io.hyrelog.HyrelogException;
import io.hyrelog.ProblemList;
import io.hyrelog.export.JsonlEventReader;
import io.hyrelog.integrity.ChainCheckpoint;
import io.hyrelog.integrity.ChainRange;
import io.hyrelog.integrity.ChainVerifier;
import io.hyrelog.integrity.FailureReason;
import io.hyrelog.integrity.IntegrityFailure;
import io.hyrelog.integrity.InvalidSignatureException;
import io.hyrelog.integrity.NoteSignature;
import io.hyrelog.integrity.NoteVerifier;
import io.hyrelog.integrity.SignatureFailure;
import io.hyrelog.integrity.SignedNote;
import io.hyrelog.integrity.VerificationReport;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.MalformedInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;

/**
 * Verifies an evidence package offline: re-hashes every entry of the zip (streaming, constant
 * memory apart from the manifest) against {@code manifest.json}; re-hashes every event of
 * {@code events.jsonl}, checks every seq and link (each chain one contiguous range) and matches
 * each chain's signed checkpoint (signed by a trusted key, at the chain's last seq in the
 * bundle, with its head hash; its Merkle root too when the chain starts at seq 1); checks the
 * detached signature against trusted keys, and counts countersignatures by other trusted keys
 * (dual control).
 *
 * <p>Immutable and thread-safe.
 */
public final class EvidenceVerifier {
  /** Largest manifest read into memory. */
  static final int MAX_MANIFEST_BYTES = 16 * 1024 * 1024;
  private static final int MAX_NOTE_CHARS = SignedNote.MAX_NOTE_BYTES;
  private static final int MAX_PROBLEM_CHARS = 1_000;

  private final List<NoteVerifier> signers;
  private final List<NoteVerifier> countersigners;

  /** Progress of the events check, called every 1,024 events. */
  @FunctionalInterface
  public interface Progress {
    /**
     * @param events events verified so far
     * @param bytes bytes of {@code events.jsonl} read so far
     * @param totalBytes its size, or -1 when the zip does not say
     */
    void events(long events, long bytes, long totalBytes);

    /** No progress reports. */
    Progress NONE = (events, bytes, totalBytes) -> { };
  }

  /**
   * A verifier with two disjoint sets of trusted keys, one per role.
   *
   * @param signers the keys trusted to sign packages and their checkpoints: the exporting
   *     server's signing keys (active and retired). Each checkpoint's origin must be {@code
   *     <name of the key that signed it>/chains/<workspaceId>}.
   * @param countersigners the keys trusted only to countersign (other people's keys); never
   *     trusted as signers
   * @throws IllegalArgumentException when one public key is in both sets (under any name): a
   *     countersigner's key would then verify as the server's, so a countersigner alone could
   *     forge a bundle
   */
  public EvidenceVerifier(Collection<NoteVerifier> signers,
      Collection<NoteVerifier> countersigners) {
    this.signers = List.copyOf(signers);
    this.countersigners = List.copyOf(countersigners);
    requireDisjoint(this.signers, this.countersigners);
  }

  /**
   * Refuses a public key trusted in both roles, by its key bytes (a name is only a label).
   *
   * @throws IllegalArgumentException naming the key
   */
  private static void requireDisjoint(Collection<NoteVerifier> signers,
      Collection<NoteVerifier> countersigners) {
    for (NoteVerifier c : countersigners) {
      for (NoteVerifier s : signers) {
        if (java.util.Arrays.equals(c.rawPublicKey(), s.rawPublicKey())) {
          throw new IllegalArgumentException("the key " + label(c)
              + (c.equals(s) ? "" : " (the same key as signer " + label(s) + ")")
              + " is trusted both as a signer and as a countersigner; a key has one role:"
              + " a countersigner's key must never verify as the signer's");
        }
      }
    }
  }

  private static String label(NoteVerifier v) {
    return v.name() + "+" + String.format("%08x", v.keyId());
  }

  /**
   * Verifies {@code pkg} with its signature at {@code <bundle>.sig} and its countersign note at
   * {@code <bundle>.countersign} beside it.
   *
   * @param pkg the package
   * @param requireCountersign whether a countersignature is required
   * @return the result
   */
  public EvidenceVerification verify(Path pkg, boolean requireCountersign) {
    String base = pkg.getFileName().toString().replaceFirst("\\.zip$", "");
    return verify(pkg, pkg.resolveSibling(base + ".sig"),
        pkg.resolveSibling(base + ".countersign"), requireCountersign);
  }

  /**
   * Verifies {@code pkg} with the given signature and countersign files (either may be missing:
   * the answer then says so).
   *
   * @param pkg the package
   * @param signature the signature file
   * @param countersign the countersign file
   * @param requireCountersign whether a countersignature is required
   * @return the result
   */
  public EvidenceVerification verify(Path pkg, Path signature, Path countersign,
      boolean requireCountersign) {
    return verify(pkg, signature, countersign, requireCountersign, Progress.NONE);
  }

  /**
   * As {@link #verify(Path, Path, Path, boolean)}, reporting the events check's progress.
   *
   * @param pkg the package
   * @param signature the signature file
   * @param countersign the countersign file
   * @param requireCountersign whether a countersignature is required
   * @param progress called with the events checked so far
   * @return the result
   */
  public EvidenceVerification verify(Path pkg, Path signature, Path countersign,
      boolean requireCountersign, Progress progress) {
    Objects.requireNonNull(pkg, "pkg");
    Objects.requireNonNull(progress, "progress");
    Objects.requireNonNull(signature, "signature");
    Objects.requireNonNull(countersign, "countersign");
    ProblemList<String> problems = new ProblemList<>();
    if (!Files.isRegularFile(pkg)) {
      problems.add("package " + pkg.getFileName() + " does not exist");
      return new EvidenceVerification(false, false, false, false, 0, false, false, false, false, 0,
          requireCountersign, Optional.empty(), -1, report(problems), problems.total(), 0,
          false);
    }
    Checked m = checkManifest(pkg, problems);
    EvidenceManifest manifest = m.manifest;
    boolean manifestValid = m.valid;
    Chains chains = manifest == null ? new Chains(false, 0, false, 0, false)
        : checkChains(pkg, manifest, problems, progress);

    boolean sigChecked = false;
    boolean sigValid = false;
    Set<String> primary = new HashSet<>();
    String expected = manifest == null ? null
        : EvidenceSignatures.noteText(manifest.bundleId(), m.manifestSha);
    if (!Files.isRegularFile(signature)) {
      problems.add("signature file " + signature.getFileName() + " does not exist");
    } else if (signers.isEmpty()) {
      problems.add("no trusted signing key was given; the signature was not checked");
    } else {
      sigChecked = true;
      try {
        SignedNote note = EvidenceSignatures.parse(read(signature), "the signature file");
        note.signatures().forEach(s -> primary.add(EvidenceSignatures.key(s)));
        if (expected == null) {
          problems.add("the signature cannot be matched: the manifest is unreadable");
        } else if (!note.text().equals(expected)) {
          problems.add("signature: " + SignatureFailure.SIGNATURE_INVALID + " the signature is"
              + " over another bundle id or manifest digest than this package's");
        } else {
          note.verify(signers);
          sigValid = true;
        }
      } catch (InvalidSignatureException e) {
        problems.add("signature: " + SignatureFailure.describe(e));
      } catch (EvidenceException e) {
        problems.add("signature: " + SignatureFailure.MALFORMED_NOTE + " " + e.getMessage());
      }
    }

    boolean csChecked = false;
    boolean csValid = false;
    int csCount = 0;
    if (!Files.isRegularFile(countersign)) {
      if (requireCountersign) {
        problems.add("a countersignature is required but " + countersign.getFileName()
            + " does not exist");
      }
    } else {
      csChecked = true;
      try {
        SignedNote note = EvidenceSignatures.parse(read(countersign), "the countersign file");
        boolean allGood = true;
        if (expected == null || !note.text().equals(expected)) {
          problems.add("countersign: " + SignatureFailure.SIGNATURE_INVALID + " the countersign"
              + " file is over another bundle id or manifest digest than this package's");
          allGood = false;
        }
        Set<String> counted = new LinkedHashSet<>();
        for (NoteSignature s : note.signatures()) {
          String label = EvidenceSignatures.key(s);
          NoteVerifier v = countersigners.stream()
              .filter(k -> EvidenceSignatures.sameKey(k, s)).findFirst().orElse(null);
          if (v == null) {
            problems.add("countersign: " + SignatureFailure.UNTRUSTED_SIGNER
                + " countersignature by " + label + ", which is not a trusted countersigner"
                + " key");
            allGood = false;
          } else if (expected == null || !v.verify(expected, s)) {
            problems.add("countersign: " + SignatureFailure.SIGNATURE_INVALID
                + " countersignature by " + label + " does not verify");
            allGood = false;
          } else if (primary.contains(label)) {
            problems.add("countersignature by " + label + " is the signer's own key; it does"
                + " not count as dual control");
          } else {
            counted.add(label);
          }
        }
        csCount = allGood ? counted.size() : 0;
        csValid = allGood && csCount >= 1;
        if (allGood && csCount == 0) {
          problems.add("no key other than the signer's countersigned");
        }
      } catch (EvidenceException e) {
        problems.add("countersign: " + SignatureFailure.MALFORMED_NOTE + " " + e.getMessage());
      }
    }
    return new EvidenceVerification(true, manifestValid, chains.eventsValid,
        chains.checkpointsValid, chains.checkpoints, sigChecked, sigValid, csChecked,
        csValid, csCount, requireCountersign,
        Optional.ofNullable(manifest).map(EvidenceManifest::bundleId),
        manifest == null ? -1 : manifest.events(), report(problems), problems.total(),
        chains.proofs, chains.proofsValid);
  }

  /** The kept problems, each cut to {@value #MAX_PROBLEM_CHARS} characters (names in a zip). */
  private static List<String> report(ProblemList<String> problems) {
    return problems.kept().stream().map(p -> p.length() <= MAX_PROBLEM_CHARS ? p
        : p.substring(0, MAX_PROBLEM_CHARS) + "…").toList();
  }

  private record Checked(boolean valid, EvidenceManifest manifest, Digest manifestSha) {}

  private record Chains(boolean eventsValid, int checkpoints, boolean checkpointsValid,
      long proofs, boolean proofsValid) {}

  /** Reads the checkpoints, then streams the events through a chain verifier matching them. */
  private Chains checkChains(Path pkg, EvidenceManifest manifest, ProblemList<String> problems,
      Progress progress) {
    try (ZipFile zf = new ZipFile(pkg.toFile())) {
      ChainVerifier.Builder b = ChainVerifier.builder();
      Map<UUID, ChainCheckpoint> cps = new HashMap<>();
      boolean cpOk = true;
      for (Enumeration<? extends ZipEntry> en = zf.entries(); en.hasMoreElements(); ) {
        ZipEntry e = en.nextElement();
        if (!e.getName().startsWith(EvidenceBundleWriter.CHECKPOINTS)) {
          continue;
        }
        ChainCheckpoint cp = checkpoint(zf, e, problems);
        if (cp == null) {
          cpOk = false;
        } else if (cps.putIfAbsent(cp.chainId(), cp) == null) {
          b.checkpoint(cp);
        }
      }
      ZipEntry events = zf.getEntry(EvidenceBundleWriter.EVENTS);
      if (events == null) {
        problems.add("the package has no " + EvidenceBundleWriter.EVENTS);
        return new Chains(false, cps.size(), false, 0, false);
      }
      ChainVerifier v = b.build();
      ZipEntry proofsEntry = zf.getEntry(EvidenceBundleWriter.PROOFS);
      BundleProofCheck proofs = null;
      try (JsonlEventReader reader = new JsonlEventReader(new BufferedInputStream(
          zf.getInputStream(events), 1 << 16))) {
        if (proofsEntry != null) {
          proofs = new BundleProofCheck(new BufferedInputStream(zf.getInputStream(proofsEntry),
              1 << 16), cps);
        }
        for (JsonlEventReader.Line line = reader.next(); line != null; line = reader.next()) {
          boolean go = line.error() != null ? v.malformed(line.number(), line.error())
              : v.accept(line.tree(), line.number());
          if (go && proofs != null) {
            proofs.accept(line.tree());
          }
          if (!go) {
            break;
          }
          if ((line.number() & 1023) == 0) {
            progress.events(line.number(), reader.bytesRead(), events.getSize());
          }
        }
      }
      VerificationReport r = v.finish();
      boolean eventsOk = true;
      if (r.failure().isPresent()) {
        IntegrityFailure f = r.failure().get();
        if (f.reason() == FailureReason.CHECKPOINT_MISMATCH) {
          problems.add("checkpoint of chain " + f.chainId() + " does not match the events: "
              + f.detail());
          cpOk = false;
        } else if (f.reason() == FailureReason.WRONG_CHAIN) {
          problems.add("events of chain " + f.chainId() + " have no checkpoint in the bundle");
          cpOk = false;
          eventsOk = false;
        } else {
          problems.add("events: " + f);
          eventsOk = false;
        }
      }
      if (eventsOk && r.events() != manifest.events()) {
        problems.add("events.jsonl holds " + r.events() + " events, the manifest says "
            + manifest.events());
        eventsOk = false;
      }
      for (ChainRange c : r.chains()) {
        ChainCheckpoint cp = cps.get(c.chainId());
        if (cp != null && cp.size() != c.lastSeq() && r.failure().isEmpty()) {
          problems.add("checkpoint of chain " + c.chainId() + " is at seq " + cp.size()
              + " but the bundle's events of it end at seq " + c.lastSeq());
          cpOk = false;
        }
      }
      if (proofs == null) {
        return new Chains(eventsOk, cps.size(), cpOk, 0, true);
      }
      try (BundleProofCheck p = proofs) {
        if (r.failure().isEmpty()) {
          p.finish();
        }
        p.failure().ifPresent(f -> problems.add("proofs: " + f));
        return new Chains(eventsOk, cps.size(), cpOk, p.proven(),
            p.failure().isEmpty() && r.failure().isEmpty());
      }
    } catch (IOException | UncheckedIOException e) {
      problems.add("cannot read the events of the package (" + e.getMessage() + ")");
      return new Chains(false, 0, false, 0, false);
    }
  }

  private ChainCheckpoint checkpoint(ZipFile zf, ZipEntry e, ProblemList<String> problems)
      throws IOException {
    String name = e.getName();
    String id = name.substring(EvidenceBundleWriter.CHECKPOINTS.length());
    UUID chain;
    try {
      if (!id.endsWith(".note")) {
        throw new IllegalArgumentException();
      }
      chain = UUID.fromString(id.substring(0, id.length() - ".note".length()));
    } catch (IllegalArgumentException x) {
      problems.add(name + " is not named checkpoints/<workspaceId>.note");
      return null;
    }
    byte[] bytes;
    try (InputStream in = zf.getInputStream(e)) {
      bytes = in.readNBytes(MAX_NOTE_CHARS + 1);
    }
    if (bytes.length > MAX_NOTE_CHARS) {
      problems.add(name + " is too large for a signed note");
      return null;
    }
    try {
      if (signers.isEmpty()) {
        problems.add(name + ": no trusted signing key was given; not checked");
        return null;
      }
      ChainCheckpoint cp = ChainCheckpoint.verifyNote(new String(bytes, StandardCharsets.UTF_8),
          signers);
      if (!cp.chainId().equals(chain)) {
        problems.add(name + " holds the checkpoint of chain " + cp.chainId());
        return null;
      }
      return cp;
    } catch (HyrelogException x) {
      problems.add(name + ": " + SignatureFailure.describe(x));
      return null;
    }
  }

  private static Checked checkManifest(Path pkg, ProblemList<String> problems) {
    List<String> central = new ArrayList<>();
    try (ZipFile zf = new ZipFile(pkg.toFile())) {
      for (Enumeration<? extends ZipEntry> en = zf.entries(); en.hasMoreElements(); ) {
        central.add(en.nextElement().getName());
      }
    } catch (IOException e) {
      problems.add("the package is not a readable zip (" + e.getMessage() + ")");
      return new Checked(false, null, null);
    }
    List<BundleFile> seen = new ArrayList<>();
    byte[] manifestBytes = null;
    Set<String> names = new HashSet<>();
    boolean valid = true;
    try (ZipInputStream z = new ZipInputStream(new BufferedInputStream(
        Files.newInputStream(pkg), 1 << 16))) {
      byte[] buf = new byte[1 << 16];
      for (ZipEntry e = z.getNextEntry(); e != null; e = z.getNextEntry()) {
        if (!names.add(e.getName())) {
          problems.add("the package holds " + e.getName() + " twice");
          valid = false;
        }
        if (manifestBytes != null) {
          problems.add("entry " + e.getName() + " follows manifest.json, which must be last");
          valid = false;
        }
        MessageDigest sha = Digest.newSha256();
        ByteArrayOutputStream keep = e.getName().equals(EvidenceManifest.ENTRY)
            ? new ByteArrayOutputStream() : null;
        long size = 0;
        for (int n = z.read(buf); n >= 0; n = z.read(buf)) {
          sha.update(buf, 0, n);
          size += n;
          if (keep != null) {
            if (size > MAX_MANIFEST_BYTES) {
              problems.add("manifest.json is larger than " + MAX_MANIFEST_BYTES + " bytes");
              return new Checked(false, null, null);
            }
            keep.write(buf, 0, n);
          }
        }
        if (keep != null && manifestBytes == null) {
          manifestBytes = keep.toByteArray();
        } else {
          seen.add(new BundleFile(e.getName(), size, Digest.finish(sha)));
        }
      }
    } catch (ZipException e) {
      problems.add("the package is not a well-formed zip (" + e.getMessage() + ")");
      return new Checked(false, null, null);
    } catch (IOException e) {
      problems.add("cannot read the package (" + e.getMessage() + ")");
      return new Checked(false, null, null);
    }
    List<String> local = new ArrayList<>();
    seen.forEach(f -> local.add(f.name()));
    if (manifestBytes != null) {
      local.add(EvidenceManifest.ENTRY);
    }
    if (!local.equals(central)) {
      problems.add("the zip's central directory lists other entries than its contents");
      valid = false;
    }
    if (manifestBytes == null) {
      problems.add("the package has no manifest.json");
      return new Checked(false, null, null);
    }
    EvidenceManifest manifest;
    try {
      manifest = EvidenceManifest.parse(manifestBytes);
    } catch (EvidenceException e) {
      problems.add(e.getMessage());
      return new Checked(false, null, null);
    }
    List<BundleFile> listed = manifest.files();
    for (int i = 0; i < Math.max(listed.size(), seen.size()); i++) {
      BundleFile want = i < listed.size() ? listed.get(i) : null;
      BundleFile got = i < seen.size() ? seen.get(i) : null;
      if (want == null) {
        problems.add("entry " + got.name() + " is not in the manifest");
      } else if (got == null) {
        problems.add("file " + want.name() + " of the manifest is missing");
      } else if (!want.name().equals(got.name())) {
        problems.add("entry " + (i + 1) + " is " + got.name() + " but the manifest lists "
            + want.name() + " there (renamed, reordered, missing or extra file)");
      } else if (want.size() != got.size()) {
        problems.add(got.name() + " has " + got.size() + " bytes, the manifest says "
            + want.size());
      } else if (!want.sha256().equals(got.sha256())) {
        problems.add(got.name() + " does not match its SHA-256 in the manifest");
      } else {
        continue;
      }
      valid = false;
    }
    return new Checked(valid, manifest, Digest.sha256(manifestBytes));
  }

  private static String read(Path p) {
    try {
      if (Files.size(p) > MAX_NOTE_CHARS) {
        throw new EvidenceException(p.getFileName() + " is too large for a signed note");
      }
      return Files.readString(p);
    } catch (MalformedInputException e) {
      throw new EvidenceException(p.getFileName() + " is not UTF-8");
    } catch (IOException e) {
      throw new EvidenceException("cannot read " + p.getFileName() + " (" + e.getMessage() + ")");
    }
  }
}
