package io.hyrelog.integrity;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.StringJoiner;

/**
 * A C2SP signed note (<a href="https://c2sp.org/signed-note">c2sp.org/signed-note</a>): a text
 * ending in a newline, a blank line, then one line per signature of the form {@code — <key name>
 * <base64(key id || signature)>}.
 *
 * <p>The text must be ignored unless {@link #verify} succeeds. Immutable and thread-safe.
 *
 * <p>Notes are handled as Java strings; callers reading bytes should decode them as UTF-8 with a
 * decoder that reports malformed input (as {@link java.nio.file.Files#readString} does) so that
 * invalid UTF-8 is not silently replaced.
 */
public record SignedNote(String text, List<NoteSignature> signatures) {
  /** Largest note {@link #parse} accepts, in UTF-8 bytes. */
  public static final int MAX_NOTE_BYTES = 1 << 20;

  /**
   * Most signatures a note may carry. The spec requires accepting at least 16; 100 matches Go's
   * {@code golang.org/x/mod/sumdb/note}.
   */
  public static final int MAX_SIGNATURES = 100;

  private static final String SIGNATURE_PREFIX = "\u2014 ";

  /**
   * @param text the signed text: non-empty, ending in a newline, no control characters other than
   *     newline, no lone surrogates
   * @param signatures one to {@link #MAX_SIGNATURES} signatures, copied
   * @throws IllegalArgumentException when the text or the number of signatures is invalid
   */
  public SignedNote {
    requireValidText(text);
    signatures = List.copyOf(signatures);
    if (signatures.isEmpty() || signatures.size() > MAX_SIGNATURES) {
      throw new IllegalArgumentException(
          "a signed note has 1 to " + MAX_SIGNATURES + " signatures, got " + signatures.size());
    }
  }

  /**
   * The encoded note: text, a blank line, then one signature line per signature.
   *
   * @return the note's text form
   */
  public String format() {
    StringBuilder sb = new StringBuilder(text.length() + 128 * signatures.size());
    sb.append(text).append('\n');
    for (NoteSignature s : signatures) {
      sb.append(SIGNATURE_PREFIX).append(s.keyName()).append(' ').append(s.encoded()).append('\n');
    }
    return sb.toString();
  }

  /**
   * Parses an encoded note strictly. The text is everything up to and including the newline before
   * the last blank line; every line after it must be a signature line. Signatures are not verified.
   *
   * @param note the note's text form
   * @return the note, signatures not verified
   * @throws MalformedNoteException when the note is longer than {@link #MAX_NOTE_BYTES} UTF-8
   *     bytes, contains a control character other than newline or a lone surrogate, has no blank
   *     line followed by signature lines, has a malformed signature line, or has more than {@link
   *     #MAX_SIGNATURES} signatures
   */
  public static SignedNote parse(String note) {
    Objects.requireNonNull(note, "note");
    // Every char is at least one UTF-8 byte, so this bounds the scan below.
    if (note.length() > MAX_NOTE_BYTES) {
      throw new MalformedNoteException("note is longer than " + MAX_NOTE_BYTES + " bytes");
    }
    String problem = contentProblem(note);
    if (problem != null) {
      throw new MalformedNoteException("note " + problem);
    }
    if (utf8Length(note) > MAX_NOTE_BYTES) {
      throw new MalformedNoteException("note is longer than " + MAX_NOTE_BYTES + " bytes");
    }
    int split = note.lastIndexOf("\n\n");
    if (split < 0) {
      throw new MalformedNoteException("note has no blank line before its signatures");
    }
    String text = note.substring(0, split + 1);
    String block = note.substring(split + 2);
    if (block.isEmpty()) {
      throw new MalformedNoteException("note has no signature lines");
    }
    if (block.charAt(block.length() - 1) != '\n') {
      throw new MalformedNoteException("note does not end with a newline");
    }
    List<NoteSignature> signatures = new ArrayList<>();
    int start = 0;
    int lineNumber = 0;
    while (start < block.length()) {
      int end = block.indexOf('\n', start);
      lineNumber++;
      if (lineNumber > MAX_SIGNATURES) {
        throw new MalformedNoteException(
            "note has more than " + MAX_SIGNATURES + " signature lines");
      }
      signatures.add(parseSignatureLine(block.substring(start, end), lineNumber));
      start = end + 1;
    }
    return new SignedNote(text, signatures);
  }

  /**
   * Verifies this note against trusted keys, following the signed-note rules: signatures whose key
   * name and key id do not both match a trusted verifier are ignored; every signature that does
   * match must verify; at least one must.
   *
   * @param trusted the verifiers of the keys to trust; duplicates of the same key are allowed
   * @return the trusted verifiers whose signatures verified, in signature order, never empty
   * @throws InvalidSignatureException when a signature from a trusted key fails to verify
   *     ({@link SignatureFailure#SIGNATURE_INVALID}), or when no signature is from a trusted key
   *     ({@link SignatureFailure#UNTRUSTED_SIGNER})
   * @throws IllegalArgumentException when two different trusted keys share a key name and id
   */
  public List<NoteVerifier> verify(Collection<NoteVerifier> trusted) {
    Objects.requireNonNull(trusted, "trusted");
    Map<String, NoteVerifier> byLabel = new HashMap<>();
    for (NoteVerifier v : trusted) {
      String label = NoteSignature.label(v.name(), v.keyId());
      NoteVerifier previous = byLabel.putIfAbsent(label, v);
      if (previous != null && !previous.equals(v)) {
        throw new IllegalArgumentException("two different trusted keys are both " + label);
      }
    }
    byte[] message = text.getBytes(StandardCharsets.UTF_8);
    Set<NoteVerifier> verified = new LinkedHashSet<>();
    for (NoteSignature s : signatures) {
      NoteVerifier v = byLabel.get(s.label());
      if (v == null) {
        continue;
      }
      if (!v.verifyBytes(message, s)) {
        throw new InvalidSignatureException(SignatureFailure.SIGNATURE_INVALID,
            "signature from trusted key " + s.label() + " does not verify");
      }
      verified.add(v);
    }
    if (verified.isEmpty()) {
      StringJoiner seen = new StringJoiner(", ");
      signatures.forEach(s -> seen.add(s.label()));
      throw new InvalidSignatureException(SignatureFailure.UNTRUSTED_SIGNER,
          "note has no signature from a trusted key; it is signed by " + seen);
    }
    return List.copyOf(verified);
  }

  private static NoteSignature parseSignatureLine(String line, int lineNumber) {
    String where = "signature line " + lineNumber;
    if (!line.startsWith(SIGNATURE_PREFIX)) {
      throw new MalformedNoteException(where + " does not start with an em dash and a space");
    }
    int space = line.indexOf(' ', SIGNATURE_PREFIX.length());
    if (space < 0) {
      throw new MalformedNoteException(where + " has no space between key name and signature");
    }
    String name = line.substring(SIGNATURE_PREFIX.length(), space);
    if (!NoteSignature.isValidKeyName(name)) {
      throw new MalformedNoteException(
          where + " has an invalid key name (empty, or containing a space or '+')");
    }
    byte[] raw = decodeCanonicalBase64(line.substring(space + 1));
    if (raw == null) {
      throw new MalformedNoteException(where + " is not canonical standard base64");
    }
    if (raw.length < Integer.BYTES + 1) {
      throw new MalformedNoteException(where + " is too short to hold a key id and a signature");
    }
    int keyId = ByteBuffer.wrap(raw).getInt();
    return new NoteSignature(name, keyId, Arrays.copyOfRange(raw, Integer.BYTES, raw.length));
  }

  /** Decodes padded standard base64 whose re-encoding is identical, else null. */
  static byte[] decodeCanonicalBase64(String s) {
    byte[] raw;
    try {
      raw = Base64.getDecoder().decode(s);
    } catch (IllegalArgumentException e) {
      return null;
    }
    // Java accepts missing padding and non-zero trailing bits; re-encoding rejects both.
    return Base64.getEncoder().encodeToString(raw).equals(s) ? raw : null;
  }

  /**
   * Checks that {@code text} can be signed note text (what every signer checks before signing).
   *
   * @param text the text to check
   * @throws IllegalArgumentException naming the problem
   */
  public static void requireValidText(String text) {
    Objects.requireNonNull(text, "text");
    String problem = textProblem(text);
    if (problem != null) {
      throw new IllegalArgumentException("note text " + problem);
    }
  }

  /** Why {@code text} cannot be note text, or null when it can. */
  static String textProblem(String text) {
    if (text.isEmpty() || text.charAt(text.length() - 1) != '\n') {
      return "must end with a newline";
    }
    return contentProblem(text);
  }

  /**
   * Why {@code s} cannot appear in a note (a control character other than newline, or a lone
   * surrogate that has no UTF-8 encoding), or null when it can.
   */
  static String contentProblem(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 && c != '\n') {
        return "contains a control character at offset " + i;
      }
      if (Character.isHighSurrogate(c)
          && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return "contains a lone surrogate at offset " + i + " (not valid UTF-8)";
      }
    }
    return null;
  }

  /** UTF-8 length of a string already known to have no lone surrogates. */
  private static long utf8Length(String s) {
    long n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        n += 1;
      } else if (c < 0x800) {
        n += 2;
      } else if (Character.isHighSurrogate(c)) {
        n += 4;
        i++;
      } else {
        n += 3;
      }
    }
    return n;
  }
}
