package io.hyrelog.compliance.evidence;

import io.hyrelog.Digest;
import io.hyrelog.integrity.InvalidSignatureException;
import io.hyrelog.integrity.NoteSignature;
import io.hyrelog.integrity.NoteVerifier;
import io.hyrelog.integrity.SignedNote;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;

/**
 * Verifies an evidence package offline: re-hashes every entry of the zip (streaming, constant
 * memory apart from the manifest) against {@code manifest.json}, checks the detached signature
 * against trusted keys, and counts countersignatures by other trusted keys (dual control).
 *
 * <p>Immutable and thread-safe.
 */
public final class EvidenceVerifier {
  /** Largest manifest read into memory. */
  static final int MAX_MANIFEST_BYTES = 16 * 1024 * 1024;
  private static final int MAX_NOTE_CHARS = SignedNote.MAX_NOTE_BYTES;

  private final List<NoteVerifier> signers;
  private final List<NoteVerifier> countersigners;

  /**
   * @param signers the keys trusted to sign packages (the exporting server's)
   * @param countersigners the keys trusted to countersign (other people's keys)
   */
  public EvidenceVerifier(Collection<NoteVerifier> signers,
      Collection<NoteVerifier> countersigners) {
    this.signers = List.copyOf(signers);
    this.countersigners = List.copyOf(countersigners);
  }

  /**
   * Verifies {@code pkg} with its signature at {@code <bundle>.sig} and its countersign note at
   * {@code <bundle>.countersign} beside it.
   */
  public EvidenceVerification verify(Path pkg, boolean requireCountersign) {
    String base = pkg.getFileName().toString().replaceFirst("\\.zip$", "");
    return verify(pkg, pkg.resolveSibling(base + ".sig"),
        pkg.resolveSibling(base + ".countersign"), requireCountersign);
  }

  /**
   * Verifies {@code pkg} with the given signature and countersign files (either may be missing:
   * the answer then says so).
   */
  public EvidenceVerification verify(Path pkg, Path signature, Path countersign,
      boolean requireCountersign) {
    Objects.requireNonNull(pkg, "pkg");
    Objects.requireNonNull(signature, "signature");
    Objects.requireNonNull(countersign, "countersign");
    List<String> problems = new ArrayList<>();
    if (!Files.isRegularFile(pkg)) {
      problems.add("package " + pkg.getFileName() + " does not exist");
      return new EvidenceVerification(false, false, false, false, false, false, 0,
          requireCountersign, Optional.empty(), -1, problems);
    }
    Checked m = checkManifest(pkg, problems);
    EvidenceManifest manifest = m.manifest;
    boolean manifestValid = m.valid;

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
          problems.add("the signature is over another bundle id or manifest digest than this"
              + " package's");
        } else {
          note.verify(signers);
          sigValid = true;
        }
      } catch (InvalidSignatureException | EvidenceException e) {
        problems.add("signature: " + e.getMessage());
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
          problems.add("the countersign file is over another bundle id or manifest digest than"
              + " this package's");
          allGood = false;
        }
        Set<String> counted = new LinkedHashSet<>();
        for (NoteSignature s : note.signatures()) {
          String label = EvidenceSignatures.key(s);
          NoteVerifier v = countersigners.stream()
              .filter(k -> EvidenceSignatures.sameKey(k, s)).findFirst().orElse(null);
          if (v == null) {
            problems.add("countersignature by " + label + ", which is not a trusted"
                + " countersigner key");
            allGood = false;
          } else if (expected == null || !v.verify(expected, s)) {
            problems.add("countersignature by " + label + " does not verify");
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
        problems.add("countersign: " + e.getMessage());
      }
    }
    return new EvidenceVerification(true, manifestValid, sigChecked, sigValid, csChecked,
        csValid, csCount, requireCountersign,
        Optional.ofNullable(manifest).map(EvidenceManifest::bundleId),
        manifest == null ? -1 : manifest.events(), problems);
  }

  private record Checked(boolean valid, EvidenceManifest manifest, Digest manifestSha) {}

  private static Checked checkManifest(Path pkg, List<String> problems) {
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
