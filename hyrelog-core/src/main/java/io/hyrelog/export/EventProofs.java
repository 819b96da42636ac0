package io.hyrelog.export;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import io.hyrelog.Digest;
import io.hyrelog.integrity.ChainCheckpoint;
import io.hyrelog.integrity.InclusionProof;
import io.hyrelog.integrity.InvalidProofException;
import io.hyrelog.integrity.MalformedProofException;
import io.hyrelog.integrity.MerkleProofs;
import io.hyrelog.integrity.SignedNote;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The per-event inclusion proofs that go with a JSONL export or an evidence bundle
 * ({@code docs/format.md} §9.3): JSON lines, first one <em>checkpoint line</em> per chain
 * {@code {"workspaceId":"<uuid>","checkpoint":"<signed note>"}} (an export's proofs only; a
 * bundle's checkpoints are its own {@code checkpoints/} entries), then one <em>proof line</em>
 * per event, in the order of the events, {@code {"workspaceId":"<uuid>","seq":N,"proof":{…}}}
 * with the §9.2 inclusion proof of the event in the tree of its chain's checkpoint.
 *
 * <p>{@link Writer} writes the lines, {@link Reader} reads them strictly and {@link #check}
 * verifies one event's proof; a failure names a stable {@link Reason}. All in constant memory
 * (one line at a time; the checkpoints, at most {@value #MAX_CHECKPOINTS}, are kept).
 */
public final class EventProofs {
  /** The most checkpoint lines a proofs file may start with (one per chain). */
  public static final int MAX_CHECKPOINTS = 10_000;

  private static final Set<String> CHECKPOINT_MEMBERS = Set.of("workspaceId", "checkpoint");
  private static final Set<String> PROOF_MEMBERS = Set.of("workspaceId", "seq", "proof");

  private EventProofs() {}

  /** Why an event's proof does not verify. Stable names: the CLI prints them. */
  public enum Reason {
    /** The proofs end before the events do. */
    MISSING_PROOF,
    /** There are more proofs than events. */
    EXTRA_PROOF,
    /** A line is not a proof line of this format. */
    MALFORMED_PROOF,
    /** The proof at the event's position names another chain or seq, or another leaf. */
    OTHER_EVENT,
    /** The event's chain has no checkpoint. */
    NO_CHECKPOINT,
    /** The checkpoint is not signed by a trusted key (or is malformed). */
    UNTRUSTED_CHECKPOINT,
    /** The proof is for another tree size than the chain's checkpoint. */
    TREE_SIZE_MISMATCH,
    /** The event's seq is beyond its chain's checkpoint: the checkpoint cannot hold it. */
    INDEX_OUT_OF_RANGE,
    /** The proof has another number of hashes than its index and size call for. */
    WRONG_LENGTH,
    /** The proof does not lead to the checkpoint's root. */
    ROOT_MISMATCH
  }

  /**
   * One event whose proof failed.
   *
   * @param reason why
   * @param workspaceId the event's chain (null when the failure is not about one event)
   * @param seq the event's seq (0 when not about one event)
   * @param line the 1-based line of the proofs where it was found (0 when none)
   * @param detail the numbers (sizes, indexes), never a payload
   */
  public record Failure(Reason reason, UUID workspaceId, long seq, long line, String detail) {
    /**
     * Validates the failure.
     *
     * @param reason why
     * @param workspaceId the event's chain, or null
     * @param seq the event's seq, or 0
     * @param line the proofs line, or 0
     * @param detail the numbers
     */
    public Failure {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(detail, "detail");
    }

    @Override
    public String toString() {
      return reason + (workspaceId == null ? "" : " at seq " + seq + " of chain " + workspaceId)
          + (line > 0 ? " (proofs line " + line + ")" : "") + ": " + detail;
    }
  }

  /**
   * A checkpoint line: a chain's signed checkpoint, as its signed-note text.
   *
   * @param workspaceId the chain
   * @param note the signed note (C2SP checkpoint with its signature lines)
   */
  public record CheckpointLine(UUID workspaceId, String note) {
    /**
     * Validates the line.
     *
     * @param workspaceId the chain
     * @param note the signed note, at most {@link SignedNote#MAX_NOTE_BYTES} characters
     */
    public CheckpointLine {
      Objects.requireNonNull(workspaceId, "workspaceId");
      Objects.requireNonNull(note, "note");
      if (note.length() > SignedNote.MAX_NOTE_BYTES) {
        throw new IllegalArgumentException("a checkpoint note is at most "
            + SignedNote.MAX_NOTE_BYTES + " characters, got " + note.length());
      }
    }
  }

  /**
   * A proof line: the inclusion proof of the event at {@code seq} of the chain.
   *
   * @param workspaceId the event's chain
   * @param seq the event's seq, at least 1
   * @param proof its inclusion proof
   */
  public record ProofLine(UUID workspaceId, long seq, InclusionProof proof) {
    /**
     * Validates the line.
     *
     * @param workspaceId the event's chain
     * @param seq the event's seq, at least 1
     * @param proof its inclusion proof
     */
    public ProofLine {
      Objects.requireNonNull(workspaceId, "workspaceId");
      Objects.requireNonNull(proof, "proof");
      if (seq < 1) {
        throw new IllegalArgumentException("seq must be >= 1, got " + seq);
      }
    }
  }

  /**
   * Checks that {@code line} proves the event (chain {@code workspaceId}, {@code seq}, event
   * hash {@code hash}, which the caller has re-hashed) in the tree of {@code checkpoint}: the
   * line is of this event, its leaf is the event's, its tree size the checkpoint's, and it leads
   * to the checkpoint's root (RFC 9162 §2.1.3.2).
   *
   * @param checkpoint the chain's verified checkpoint, or null when there is none
   * @param workspaceId the event's chain
   * @param seq the event's seq
   * @param hash the event's hash
   * @param line the proof line at the event's position
   * @param lineNumber its 1-based line number, for the report
   * @return the failure, or empty when the proof holds
   */
  public static Optional<Failure> check(ChainCheckpoint checkpoint, UUID workspaceId, long seq,
      Digest hash, ProofLine line, long lineNumber) {
    Objects.requireNonNull(workspaceId, "workspaceId");
    Objects.requireNonNull(hash, "hash");
    Objects.requireNonNull(line, "line");
    InclusionProof p = line.proof();
    if (!line.workspaceId().equals(workspaceId) || line.seq() != seq) {
      return fail(Reason.OTHER_EVENT, workspaceId, seq, lineNumber, "the proof at this position"
          + " is for seq " + line.seq() + " of chain " + line.workspaceId());
    }
    if (p.leafIndex() != seq - 1 || !p.leafHash().equals(hash)) {
      return fail(Reason.OTHER_EVENT, workspaceId, seq, lineNumber, "the proof is for leaf "
          + p.leafIndex() + " with another leaf hash than this event's (leaf " + (seq - 1) + ")");
    }
    if (checkpoint == null || !checkpoint.chainId().equals(workspaceId)) {
      return fail(Reason.NO_CHECKPOINT, workspaceId, seq, lineNumber, "the proofs hold no"
          + " checkpoint of this chain");
    }
    if (p.treeSize() != checkpoint.size()) {
      return fail(Reason.TREE_SIZE_MISMATCH, workspaceId, seq, lineNumber, "the proof is for"
          + " tree size " + p.treeSize() + ", the checkpoint's size is " + checkpoint.size());
    }
    try {
      MerkleProofs.verifyInclusion(p, checkpoint.root());
    } catch (InvalidProofException e) {
      return fail(Reason.valueOf(e.reason().name()), workspaceId, seq, lineNumber,
          e.getMessage());
    }
    return Optional.empty();
  }

  /**
   * Checks proof lines in step with the events they prove: {@link #accept} for each event (after
   * it was re-hashed and linked), then {@link #finish}. Keeps the first failure and checks
   * nothing after it. Not thread-safe.
   */
  public static final class InStep {
    private final Reader reader;
    private final Map<UUID, ChainCheckpoint> checkpoints;
    private Failure failure;
    private long proven;

    /**
     * A check of the proof lines of {@code reader} (whose checkpoint lines were read).
     *
     * @param reader the proofs, positioned at the first proof line
     * @param checkpoints each chain's verified checkpoint; copied
     */
    public InStep(Reader reader, Map<UUID, ChainCheckpoint> checkpoints) {
      this.reader = Objects.requireNonNull(reader, "reader");
      this.checkpoints = Map.copyOf(checkpoints);
    }

    /**
     * Checks the next proof line against an event.
     *
     * @param workspaceId the event's chain
     * @param seq its seq
     * @param hash its (re-hashed) hash
     * @return whether it was proven (false once a failure was found)
     */
    public boolean accept(UUID workspaceId, long seq, Digest hash) {
      if (failure != null) {
        return false;
      }
      ProofLine line;
      try {
        line = reader.next();
      } catch (MalformedProofException e) {
        failure = new Failure(Reason.MALFORMED_PROOF, workspaceId, seq, 0, e.getMessage());
        return false;
      }
      if (line == null) {
        failure = new Failure(Reason.MISSING_PROOF, workspaceId, seq, 0, "the proofs end"
            + " before this event; they prove the first " + proven + " events only");
        return false;
      }
      failure = check(checkpoints.get(workspaceId), workspaceId, seq, hash, line,
          reader.lineNumber()).orElse(null);
      if (failure != null) {
        return false;
      }
      proven++;
      return true;
    }

    /** After the last event: no proof line may be left (else {@link Reason#EXTRA_PROOF}). */
    public void finish() {
      if (failure != null) {
        return;
      }
      try {
        ProofLine extra = reader.next();
        if (extra != null) {
          failure = new Failure(Reason.EXTRA_PROOF, null, 0, reader.lineNumber(), "a proof of"
              + " seq " + extra.seq() + " of chain " + extra.workspaceId() + " after the last"
              + " event (" + proven + " events): events are missing");
        }
      } catch (MalformedProofException e) {
        failure = new Failure(Reason.EXTRA_PROOF, null, 0, 0, "a line after the last event: "
            + e.getMessage());
      }
    }

    /**
     * The first failure, once there is one.
     *
     * @return the failure, or empty
     */
    public Optional<Failure> failure() {
      return Optional.ofNullable(failure);
    }

    /**
     * The events proven so far.
     *
     * @return their number
     */
    public long proven() {
      return proven;
    }
  }

  private static Optional<Failure> fail(Reason r, UUID ws, long seq, long line, String detail) {
    return Optional.of(new Failure(r, ws, seq, line, detail));
  }

  /**
   * Writes proofs lines, each compact and ending in {@code \n}. Does not close its stream. Not
   * thread-safe.
   */
  public static final class Writer {
    private final OutputStream out;
    private long proofs;

    /**
     * A writer onto {@code out}.
     *
     * @param out where the lines go
     */
    public Writer(OutputStream out) {
      this.out = Objects.requireNonNull(out, "out");
    }

    /**
     * Writes a checkpoint line; all of them come before the first proof line.
     *
     * @param line the chain and its signed note
     * @throws IOException when {@code out} fails
     * @throws IllegalStateException after a proof line
     */
    public void write(CheckpointLine line) throws IOException {
      if (proofs > 0) {
        throw new IllegalStateException("checkpoint lines come before every proof line");
      }
      StringBuilder sb = new StringBuilder(line.note().length() + 80);
      sb.append("{\"workspaceId\":\"").append(line.workspaceId()).append("\",\"checkpoint\":\"");
      JsonStringEncoder.getInstance().quoteAsString(line.note(), sb);
      out.write(sb.append("\"}\n").toString().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Writes a proof line.
     *
     * @param line the event and its proof
     * @throws IOException when {@code out} fails
     */
    public void write(ProofLine line) throws IOException {
      String s = "{\"workspaceId\":\"" + line.workspaceId() + "\",\"seq\":" + line.seq()
          + ",\"proof\":" + line.proof().toJson() + "}\n";
      out.write(s.getBytes(StandardCharsets.UTF_8));
      proofs++;
    }

    /**
     * The proof lines written.
     *
     * @return their number
     */
    public long proofs() {
      return proofs;
    }
  }

  /**
   * Reads a proofs file strictly, line by line ({@link JsonlEventReader}: lines of at most
   * {@link JsonlEventReader#MAX_LINE_BYTES}, I-JSON, gzip recognized): first {@link
   * #checkpoints()}, then {@link #next()} until {@code null}. Not thread-safe.
   */
  public static final class Reader implements Closeable {
    private final JsonlEventReader lines;
    private JsonlEventReader.Line pending;
    private boolean checkpointsRead;
    private long lastNumber;

    /**
     * Reads from {@code in}; closing the reader closes it.
     *
     * @param in the proofs
     */
    public Reader(InputStream in) {
      this.lines = new JsonlEventReader(in);
    }

    /**
     * The checkpoint lines at the start, each chain at most once; call once, before {@link
     * #next()}. A bundle's proofs have none.
     *
     * @return the checkpoint lines
     * @throws MalformedProofException when one is malformed, repeats a chain, or there are more
     *     than {@value #MAX_CHECKPOINTS}
     */
    public List<CheckpointLine> checkpoints() {
      if (checkpointsRead) {
        throw new IllegalStateException("checkpoints() is called once, first");
      }
      checkpointsRead = true;
      List<CheckpointLine> out = new ArrayList<>();
      Set<UUID> seen = new HashSet<>();
      for (JsonlEventReader.Line l = lines.next(); l != null; l = lines.next()) {
        if (l.error() != null || !l.tree().isObject() || !l.tree().has("checkpoint")) {
          pending = l;
          break;
        }
        members(l, CHECKPOINT_MEMBERS);
        JsonNode note = l.tree().get("checkpoint");
        if (!note.isTextual()) {
          throw malformed(l, "checkpoint must be a string (a signed note)");
        }
        CheckpointLine c;
        try {
          c = new CheckpointLine(uuid(l), note.textValue());
        } catch (IllegalArgumentException e) {
          throw malformed(l, e.getMessage());
        }
        if (!seen.add(c.workspaceId())) {
          throw malformed(l, "a second checkpoint of chain " + c.workspaceId());
        }
        if (out.size() == MAX_CHECKPOINTS) {
          throw malformed(l, "more than " + MAX_CHECKPOINTS + " checkpoints");
        }
        out.add(c);
        lastNumber = l.number();
      }
      return out;
    }

    /**
     * The next proof line, or {@code null} at the end.
     *
     * @return the line, or null
     * @throws MalformedProofException when the line is not a proof line
     */
    public ProofLine next() {
      if (!checkpointsRead) {
        checkpoints();
      }
      JsonlEventReader.Line l = pending != null ? pending : lines.next();
      pending = null;
      if (l == null) {
        return null;
      }
      lastNumber = l.number();
      if (l.error() != null) {
        throw malformed(l, l.error());
      }
      members(l, PROOF_MEMBERS);
      JsonNode seq = l.tree().get("seq");
      if (!seq.isIntegralNumber() || !seq.canConvertToLong() || seq.longValue() < 1) {
        throw malformed(l, "seq must be an integer of at least 1");
      }
      JsonNode proof = l.tree().get("proof");
      if (!proof.isObject()) {
        throw malformed(l, "proof must be an inclusion proof object");
      }
      InclusionProof p;
      try {
        p = InclusionProof.parseJson(proof.toString());
      } catch (MalformedProofException e) {
        throw malformed(l, e.getMessage());
      }
      return new ProofLine(uuid(l), seq.longValue(), p);
    }

    /**
     * The number of the last line read.
     *
     * @return the 1-based line number, 0 before the first
     */
    public long lineNumber() {
      return lastNumber;
    }

    private void members(JsonlEventReader.Line l, Set<String> members) {
      if (!l.tree().isObject()) {
        throw malformed(l, "a line is a JSON object");
      }
      for (Iterator<String> it = l.tree().fieldNames(); it.hasNext(); ) {
        String name = it.next();
        if (!members.contains(name)) {
          throw malformed(l, "unknown member; the members are " + String.join(", ",
              members.stream().sorted().toList()));
        }
      }
      for (String m : members) {
        if (!l.tree().has(m)) {
          throw malformed(l, "member " + m + " is missing");
        }
      }
    }

    private static UUID uuid(JsonlEventReader.Line l) {
      JsonNode ws = l.tree().get("workspaceId");
      if (ws.isTextual()) {
        try {
          UUID u = UUID.fromString(ws.textValue());
          if (u.toString().equals(ws.textValue())) {
            return u;
          }
        } catch (IllegalArgumentException e) {
          // reported below
        }
      }
      throw malformed(l, "workspaceId must be a lowercase UUID");
    }

    private static MalformedProofException malformed(JsonlEventReader.Line l, String why) {
      return new MalformedProofException("proofs line " + l.number() + ": " + why);
    }

    @Override
    public void close() throws IOException {
      lines.close();
    }
  }
}
