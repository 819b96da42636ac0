package io.hyrelog.integrity;

import io.hyrelog.Digest;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * A C2SP transparency-log checkpoint (<a
 * href="https://c2sp.org/tlog-checkpoint">c2sp.org/tlog-checkpoint</a>): the origin (log identity),
 * the tree size and the RFC 9162 Merkle root, plus optional opaque extension lines. Its {@link
 * #body()} is the text of a {@link SignedNote}:
 *
 * <pre>
 * example.com/behind-the-sofa
 * 20852163
 * CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=
 * </pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param origin the log identity; non-empty, one line, no leading or trailing whitespace, no
 *     control characters
 * @param size the number of leaves, at least 0
 * @param root the Merkle Tree Hash of the first {@code size} leaves
 * @param extensions extension lines, each non-empty, one line, no control characters; copied
 */
public record Checkpoint(String origin, long size, Digest root, List<String> extensions) {

  /**
   * Validates and copies the components.
   *
   * @param origin the log identity; non-empty, one line, no leading or trailing whitespace, no
   *     control characters
   * @param size the number of leaves, at least 0
   * @param root the Merkle Tree Hash of the first {@code size} leaves
   * @param extensions extension lines, each non-empty, one line, no control characters; copied
   * @throws IllegalArgumentException when a component breaks the rules above
   */
  public Checkpoint {
    Objects.requireNonNull(origin, "origin");
    Objects.requireNonNull(root, "root");
    String problem = originProblem(origin);
    if (problem != null) {
      throw new IllegalArgumentException("checkpoint origin " + problem);
    }
    if (size < 0) {
      throw new IllegalArgumentException("checkpoint tree size is negative: " + size);
    }
    extensions = List.copyOf(extensions);
    for (int i = 0; i < extensions.size(); i++) {
      problem = extensionProblem(extensions.get(i));
      if (problem != null) {
        throw new IllegalArgumentException("checkpoint extension " + (i + 1) + " " + problem);
      }
    }
  }

  /**
   * A checkpoint without extension lines.
   *
   * @param origin the log's origin line
   * @param size the tree's number of leaves
   * @param root the tree's root hash
   */
  public Checkpoint(String origin, long size, Digest root) {
    this(origin, size, root, List.of());
  }

  /**
   * The note text: origin, decimal size, standard base64 of the root and each extension line, each
   * followed by a newline.
   *
   * @return the body text
   */
  public String body() {
    StringBuilder sb = new StringBuilder(origin.length() + 80);
    sb.append(origin).append('\n');
    sb.append(size).append('\n');
    sb.append(Base64.getEncoder().encodeToString(root.bytes())).append('\n');
    for (String extension : extensions) {
      sb.append(extension).append('\n');
    }
    return sb.toString();
  }

  /**
   * Parses a checkpoint body strictly: it must render back to exactly {@code body}.
   *
   * @param body the body text
   * @return the checkpoint
   * @throws MalformedCheckpointException naming the offending line when the body does not end in a
   *     newline, has fewer than three lines, has an invalid origin, a tree size that is not a
   *     canonical decimal (no sign, no leading zeros) up to 2^63 - 1, a root hash that is not
   *     canonical padded standard base64 of exactly 32 bytes, or an empty or invalid extension line
   */
  public static Checkpoint parse(String body) {
    Objects.requireNonNull(body, "body");
    if (body.isEmpty() || body.charAt(body.length() - 1) != '\n') {
      throw new MalformedCheckpointException("checkpoint body does not end with a newline");
    }
    String[] lines = body.substring(0, body.length() - 1).split("\n", -1);
    if (lines.length < 3) {
      throw new MalformedCheckpointException(
          "checkpoint body has "
              + lines.length
              + " line(s); it needs origin, tree size and root hash");
    }
    String problem = originProblem(lines[0]);
    if (problem != null) {
      throw new MalformedCheckpointException("checkpoint line 1 (origin) " + problem);
    }
    long size = parseSize(lines[1]);
    byte[] root = SignedNote.decodeCanonicalBase64(lines[2]);
    if (root == null) {
      throw new MalformedCheckpointException(
          "checkpoint line 3 (root hash) is not canonical padded standard base64");
    }
    if (root.length != Digest.LENGTH) {
      throw new MalformedCheckpointException(
          "checkpoint line 3 (root hash) has " + root.length + " bytes, expected 32");
    }
    List<String> extensions = List.of(lines).subList(3, lines.length);
    for (int i = 0; i < extensions.size(); i++) {
      problem = extensionProblem(extensions.get(i));
      if (problem != null) {
        throw new MalformedCheckpointException(
            "checkpoint line " + (i + 4) + " (extension) " + problem);
      }
    }
    return new Checkpoint(lines[0], size, Digest.of(root), extensions);
  }

  /**
   * Opens a signed checkpoint: parses {@code note} as a signed note, verifies it against {@code
   * trusted} (see {@link SignedNote#verify}) and parses its text as a checkpoint. This is the entry
   * point for reading a checkpoint from outside.
   *
   * <p>It does not compare the origin with the signing key's name: pass only the verifiers of the
   * log you expect, and check {@link #origin()} when several logs share keys. For a HyreLog chain
   * use {@link ChainCheckpoint#verifyNote}, which also requires the origin to be the signer's log.
   *
   * @param note the signed note's text
   * @param trusted the verifiers of the expected log
   * @return the verified checkpoint
   * @throws MalformedNoteException when {@code note} is not a well-formed signed note
   * @throws InvalidSignatureException when no trusted key signed it, or a trusted key's signature
   *     does not verify
   * @throws MalformedCheckpointException when the signed text is not a checkpoint body
   */
  public static Checkpoint verifyNote(String note, Collection<NoteVerifier> trusted) {
    SignedNote signed = SignedNote.parse(note);
    signed.verify(trusted);
    return parse(signed.text());
  }

  private static long parseSize(String line) {
    boolean canonical =
        !line.isEmpty()
            && (line.equals("0") || line.charAt(0) != '0')
            && line.chars().allMatch(c -> c >= '0' && c <= '9');
    if (!canonical) {
      throw new MalformedCheckpointException(
          "checkpoint line 2 (tree size) is not a canonical decimal number");
    }
    try {
      return Long.parseLong(line);
    } catch (NumberFormatException e) {
      throw new MalformedCheckpointException(
          "checkpoint line 2 (tree size) is larger than 2^63 - 1");
    }
  }

  private static String originProblem(String origin) {
    if (origin.isEmpty()) {
      return "is empty";
    }
    if (origin.indexOf('\n') >= 0) {
      return "contains a newline";
    }
    if (isSpace(origin.codePointAt(0)) || isSpace(origin.codePointBefore(origin.length()))) {
      return "has leading or trailing whitespace";
    }
    return SignedNote.contentProblem(origin);
  }

  private static String extensionProblem(String extension) {
    if (extension.isEmpty()) {
      return "is empty";
    }
    if (extension.indexOf('\n') >= 0) {
      return "contains a newline";
    }
    return SignedNote.contentProblem(extension);
  }

  private static boolean isSpace(int cp) {
    return Character.isWhitespace(cp) || Character.isSpaceChar(cp) || cp == 0x85;
  }
}
