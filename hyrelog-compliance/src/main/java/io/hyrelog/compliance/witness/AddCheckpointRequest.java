package io.hyrelog.compliance.witness;

import io.hyrelog.Digest;
import io.hyrelog.integrity.ConsistencyProof;
import io.hyrelog.integrity.MalformedNoteException;
import io.hyrelog.integrity.SignedNote;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * The body of a C2SP tlog-witness {@code add-checkpoint} request: the size of the checkpoint the
 * witness last cosigned for the log ({@code old}), a consistency proof from that size to the new
 * checkpoint's, and the new checkpoint signed by the log.
 *
 * <pre>
 * old 20852014
 * PlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw=
 * jrJZDmY8Y7SyJE0MWLpLozkIVMSMZcD5kvuKxPC3swk=
 *
 * example.com/behind-the-sofa
 * 20852163
 * CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=
 *
 * — example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q...
 * </pre>
 *
 * @param oldSize the witness's last cosigned size for the log, 0 if none (or unknown)
 * @param proof the consistency proof from {@code oldSize} to the checkpoint's size (empty for old
 *     size 0 or an unchanged size), at most {@link #MAX_PROOF_HASHES} hashes; copied
 * @param checkpoint the checkpoint note, signed by the log
 */
public record AddCheckpointRequest(long oldSize, List<Digest> proof, SignedNote checkpoint) {
  /** The most consistency proof lines a client may send. */
  public static final int MAX_PROOF_HASHES = 63;

  /** The longest body {@link #parse} reads. */
  static final int MAX_CHARS = 16 + (MAX_PROOF_HASHES * 45) + SignedNote.MAX_NOTE_BYTES;

  /**
   * @param oldSize the witness's last cosigned size for the log, 0 if none (or unknown)
   * @param proof the consistency proof from {@code oldSize} to the checkpoint's size (empty for
   *     old size 0 or an unchanged size), at most {@link #MAX_PROOF_HASHES} hashes; copied
   * @param checkpoint the checkpoint note, signed by the log
   * @throws IllegalArgumentException when {@code oldSize} is negative or the proof too long
   */
  public AddCheckpointRequest {
    Objects.requireNonNull(proof, "proof");
    Objects.requireNonNull(checkpoint, "checkpoint");
    proof = List.copyOf(proof);
    if (oldSize < 0) {
      throw new IllegalArgumentException("old size is >= 0, got " + oldSize);
    }
    if (proof.size() > MAX_PROOF_HASHES) {
      throw new IllegalArgumentException("an add-checkpoint request has at most "
          + MAX_PROOF_HASHES + " proof hashes, got " + proof.size());
    }
  }

  /**
   * The request a log sends to move a witness from {@code proof.from()} to the checkpoint: its
   * proof's hashes, or an empty proof from size 0.
   *
   * @param proof the consistency proof from the witness's size to the checkpoint's
   * @param checkpoint the log's signed checkpoint
   * @return the request
   */
  public static AddCheckpointRequest of(ConsistencyProof proof, SignedNote checkpoint) {
    return new AddCheckpointRequest(proof.from(), proof.hashes(), checkpoint);
  }

  /**
   * The request body: the old size line, one base64 line per proof hash, a blank line, the note.
   *
   * @return the body text
   */
  public String format() {
    StringBuilder sb = new StringBuilder(64 + 45 * proof.size());
    sb.append("old ").append(oldSize).append('\n');
    for (Digest d : proof) {
      sb.append(Base64.getEncoder().encodeToString(d.bytes())).append('\n');
    }
    return sb.append('\n').append(checkpoint.format()).toString();
  }

  /**
   * Parses a request body strictly: {@code old <decimal without leading zeros>}, at most 63
   * lines of canonical base64 of 32 bytes, an empty line, then a well-formed signed note (whose
   * signatures are not verified here).
   *
   * @param body the request body
   * @return the request
   * @throws MalformedWitnessRequestException naming the offending line
   */
  public static AddCheckpointRequest parse(String body) {
    Objects.requireNonNull(body, "body");
    if (body.length() > MAX_CHARS) {
      throw new MalformedWitnessRequestException("an add-checkpoint request is at most "
          + MAX_CHARS + " characters");
    }
    int end = body.indexOf('\n');
    if (end < 0 || !body.startsWith("old ")) {
      throw new MalformedWitnessRequestException("the first line is not \"old <size>\"");
    }
    long oldSize = parseSize(body.substring(4, end));
    List<Digest> proof = new ArrayList<>();
    int at = end + 1;
    while (true) {
      end = body.indexOf('\n', at);
      if (end < 0) {
        throw new MalformedWitnessRequestException("no empty line before the checkpoint");
      }
      if (end == at) {
        break;
      }
      if (proof.size() == MAX_PROOF_HASHES) {
        throw new MalformedWitnessRequestException("more than " + MAX_PROOF_HASHES
            + " consistency proof lines");
      }
      proof.add(parseHash(body.substring(at, end), proof.size() + 2));
      at = end + 1;
    }
    SignedNote note;
    try {
      note = SignedNote.parse(body.substring(end + 1));
    } catch (MalformedNoteException e) {
      throw new MalformedWitnessRequestException("the checkpoint is not a signed note: "
          + e.getMessage(), e);
    }
    return new AddCheckpointRequest(oldSize, proof, note);
  }

  static long parseSize(String s) {
    boolean canonical = !s.isEmpty() && s.length() <= 19 && (s.equals("0") || s.charAt(0) != '0')
        && s.chars().allMatch(c -> c >= '0' && c <= '9');
    if (!canonical) {
      throw new MalformedWitnessRequestException("a size is a decimal number without sign or"
          + " leading zeros");
    }
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      throw new MalformedWitnessRequestException("a size is at most 2^63 - 1");
    }
  }

  private static Digest parseHash(String line, int lineNumber) {
    byte[] raw;
    try {
      raw = Base64.getDecoder().decode(line);
    } catch (IllegalArgumentException e) {
      raw = null;
    }
    if (raw == null || raw.length != Digest.LENGTH
        || !Base64.getEncoder().encodeToString(raw).equals(line)) {
      throw new MalformedWitnessRequestException("line " + lineNumber
          + " is not a 32-byte hash in canonical base64");
    }
    return Digest.of(raw);
  }
}
