package io.hyrelog.compliance.evidence;

import io.hyrelog.Digest;
import io.hyrelog.integrity.MalformedNoteException;
import io.hyrelog.integrity.NoteSignature;
import io.hyrelog.integrity.NoteVerifier;
import io.hyrelog.integrity.SignedNote;
import io.hyrelog.integrity.NoteSigner;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * The detached signature of an evidence package and its countersignatures, as C2SP signed
 * notes over one fixed text:
 *
 * <pre>
 * hyrelog evidence bundle v1
 * bundle &lt;bundle id&gt;
 * manifest-sha256 &lt;hex SHA-256 of manifest.json&gt;
 * </pre>
 *
 * <p>{@code <bundle>.sig} is that note signed by the exporting key; {@code
 * <bundle>.countersign} is the same text with one signature line per countersigner (other
 * keys: dual control). A countersigner signs offline and hands over its one signature line.
 * Stateless and thread-safe.
 */
public final class EvidenceSignatures {
  /** The first line of the signed text. */
  public static final String HEADER = "hyrelog evidence bundle v1";

  private EvidenceSignatures() {}

  /**
   * The text every signature and countersignature of a bundle signs.
   *
   * @param bundleId the bundle's id
   * @param manifestSha256 the manifest's SHA-256
   * @return the note text
   */
  public static String noteText(UUID bundleId, Digest manifestSha256) {
    return HEADER + "\nbundle " + bundleId + "\nmanifest-sha256 " + manifestSha256.hex() + "\n";
  }

  /**
   * The detached signature note of a bundle.
   *
   * @param signer the signer
   * @param bundleId the bundle's id
   * @param manifestSha256 the manifest's SHA-256
   * @return the signed note
   */
  public static SignedNote sign(NoteSigner signer, UUID bundleId, Digest manifestSha256) {
    String text = noteText(bundleId, manifestSha256);
    return new SignedNote(text, List.of(signer.sign(text)));
  }

  /**
   * The countersignature line ({@code — <name> <base64>}) of {@code signer} over the text of a
   * bundle's signature note. The note's signatures are not checked here: the countersigner
   * checks the package first ({@link EvidenceVerifier}).
   *
   * @param signer the countersigner
   * @param signatureNote the signature note's text
   * @return the line
   * @throws EvidenceException when {@code signatureNote} is not a bundle signature note
   */
  public static String countersignLine(NoteSigner signer, String signatureNote) {
    SignedNote note = parse(signatureNote, "the signature file");
    return line(new SignedNote(note.text(), List.of(signer.sign(note.text()))));
  }

  /**
   * Parses one signature line of a note ({@code — <name> <base64>}, with or without the
   * trailing newline).
   *
   * @param text the note text the line signs
   * @param line the line
   * @return the signature
   * @throws EvidenceException when it is not one well-formed signature line
   */
  public static NoteSignature parseLine(String text, String line) {
    Objects.requireNonNull(line, "line");
    String l = line.endsWith("\n") ? line : line + "\n";
    if (l.indexOf('\n') != l.length() - 1) {
      throw new EvidenceException("a countersignature is exactly one signature line");
    }
    try {
      return SignedNote.parse(text + "\n" + l).signatures().get(0);
    } catch (MalformedNoteException e) {
      throw new EvidenceException("the countersignature is not a signed-note signature line ("
          + e.getMessage() + ")");
    }
  }

  /**
   * The countersign note with {@code added} appended, keeping one signature per key (a second
   * signature by a key that already countersigned replaces nothing and adds nothing).
   *
   * @param existing the current countersign note, or null when there is none yet
   * @param text the note text
   * @param added the new signature
   * @return the note
   */
  public static SignedNote append(String text, SignedNote existing, NoteSignature added) {
    Map<String, NoteSignature> byKey = new LinkedHashMap<>();
    if (existing != null) {
      if (!existing.text().equals(text)) {
        throw new EvidenceException("the countersign file signs another text than the bundle's"
            + " signature");
      }
      for (NoteSignature s : existing.signatures()) {
        byKey.putIfAbsent(key(s), s);
      }
    }
    byKey.putIfAbsent(key(added), added);
    return new SignedNote(text, new ArrayList<>(byKey.values()));
  }

  /** Whether {@code v} is the key that made {@code s} (name and key id). */
  static boolean sameKey(NoteVerifier v, NoteSignature s) {
    return v.keyId() == s.keyId() && v.name().equals(s.keyName());
  }

  static String key(NoteSignature s) {
    return s.keyName() + "+" + String.format("%08x", s.keyId());
  }

  static SignedNote parse(String note, String what) {
    try {
      SignedNote n = SignedNote.parse(note);
      if (!n.text().startsWith(HEADER + "\n")) {
        throw new EvidenceException(what + " is not an evidence bundle signature");
      }
      return n;
    } catch (MalformedNoteException e) {
      throw new EvidenceException(what + " is not a signed note (" + e.getMessage() + ")");
    }
  }

  private static String line(SignedNote one) {
    String f = one.format();
    return f.substring(one.text().length() + 1, f.length() - 1);
  }
}
