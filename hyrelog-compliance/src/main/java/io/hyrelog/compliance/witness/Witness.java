package io.hyrelog.compliance.witness;

import io.hyrelog.compliance.witness.WitnessResponse.Status;
import io.hyrelog.integrity.Checkpoint;
import io.hyrelog.integrity.InvalidProofException;
import io.hyrelog.integrity.InvalidSignatureException;
import io.hyrelog.integrity.MalformedCheckpointException;
import io.hyrelog.integrity.MerkleProofs;
import io.hyrelog.integrity.MerkleTree;
import io.hyrelog.integrity.NoteSignature;
import io.hyrelog.integrity.NoteVerifier;
import io.hyrelog.integrity.SignedNote;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A C2SP tlog-witness (<a href="https://c2sp.org/tlog-witness">c2sp.org/tlog-witness</a>)
 * without HTTP: it answers {@code add-checkpoint} requests with {@link WitnessResponse}s that a
 * server writes out as they are.
 *
 * <p>For each log, identified by its checkpoint origin, it keeps the size and root of the last
 * checkpoint it cosigned, durably (see {@link #builder}), and cosigns a new checkpoint only if:
 * a key it trusts for the origin signed it (else 403; an unknown origin is 404); the request's
 * old size is not above the checkpoint's (else 400) and equals its stored size (else 409, with
 * the stored size in the body); a size-0 checkpoint has the empty root, an old size of 0 comes
 * with no proof, an unchanged size has the same root, and otherwise the consistency proof shows
 * the new tree extends the stored one (else 422). Rollbacks and forks are therefore refused and
 * change nothing.
 *
 * <p>The check and the update of a log's state are atomic, and the new state is durable before
 * the cosignature is returned: a request that fails to persist returns nothing and changes
 * nothing. Memory is constant per log. Thread-safe; one {@code Witness} per state directory
 * (a lock file enforces it across processes). {@link #close()} releases the directory.
 *
 * <pre>{@code
 * Witness witness = Witness.builder(Cosigner.of(Ed25519Keys.readSigner("witness.example/w1",
 *         keyFile)), Path.of("/var/lib/witness"))
 *     .log("audit.example.com/chains/0190...", logVerifier)
 *     .build();
 * WitnessResponse r = witness.addCheckpoint(requestBody);   // status, content type, body
 * }</pre>
 */
public final class Witness implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Witness.class);

  private final Cosigner cosigner;
  private final Clock clock;
  private final Map<String, List<NoteVerifier>> logs;
  private final Map<String, List<NoteVerifier>> prefixes;
  private final WitnessState state;
  private final Map<String, Slot> slots = new ConcurrentHashMap<>();

  /** One log's state; its monitor makes check-and-update atomic. */
  private static final class Slot {
    WitnessState.Entry entry;

    Slot(WitnessState.Entry entry) {
      this.entry = entry;
    }
  }

  private Witness(Builder b, WitnessState state) {
    this.cosigner = b.cosigner;
    this.clock = b.clock;
    this.logs = Map.copyOf(b.logs);
    this.prefixes = new LinkedHashMap<>(b.prefixes);
    this.state = state;
    state.load().forEach((origin, entry) -> slots.put(origin, new Slot(entry)));
  }

  /**
   * A builder of a witness cosigning with {@code cosigner} and keeping its state in {@code
   * stateDirectory} (created if missing): one file per log, replaced atomically (temporary file,
   * fsync, rename, fsync of the directory).
   *
   * @param cosigner the witness's key
   * @param stateDirectory where the state lives
   * @return a new builder
   */
  public static Builder builder(Cosigner cosigner, Path stateDirectory) {
    return new Builder(cosigner, stateDirectory);
  }

  /**
   * The verifier of this witness's cosignatures, for logs and their clients to trust.
   *
   * @return the verifier
   */
  public CosignatureVerifier verifier() {
    return cosigner.verifier();
  }

  /**
   * Answers an {@code add-checkpoint} request body.
   *
   * @param requestBody the request body
   * @return the response
   * @throws WitnessStateException when the new state cannot be made durable (HTTP 500 or 503):
   *     nothing was cosigned or changed
   */
  public WitnessResponse addCheckpoint(String requestBody) {
    AddCheckpointRequest request;
    try {
      request = AddCheckpointRequest.parse(requestBody);
    } catch (MalformedWitnessRequestException e) {
      return WitnessResponse.refused(Status.BAD_REQUEST, e.getMessage());
    }
    return addCheckpoint(request);
  }

  /**
   * Answers a parsed {@code add-checkpoint} request.
   *
   * @param request the request
   * @return the response
   * @throws WitnessStateException when the new state cannot be made durable: nothing was
   *     cosigned or changed
   */
  public WitnessResponse addCheckpoint(AddCheckpointRequest request) {
    Objects.requireNonNull(request, "request");
    SignedNote note = request.checkpoint();
    Checkpoint cp;
    try {
      cp = Checkpoint.parse(note.text());
    } catch (MalformedCheckpointException e) {
      return WitnessResponse.refused(Status.BAD_REQUEST, e.getMessage());
    }
    List<NoteVerifier> keys = keys(cp.origin());
    if (keys == null) {
      return WitnessResponse.refused(Status.UNKNOWN_LOG, "unknown log origin");
    }
    List<NoteVerifier> signedBy;
    try {
      signedBy = note.verify(keys);
    } catch (InvalidSignatureException e) {
      return WitnessResponse.refused(Status.FORBIDDEN, "the checkpoint has no valid signature"
          + " of a key trusted for its origin");
    }
    if (request.oldSize() > cp.size()) {
      return WitnessResponse.refused(Status.BAD_REQUEST, "old size " + request.oldSize()
          + " is above the checkpoint size " + cp.size());
    }
    Slot slot = slots.computeIfAbsent(cp.origin(),
        o -> new Slot(new WitnessState.Entry(0, MerkleTree.emptyRoot())));
    synchronized (slot) {
      WitnessState.Entry stored = slot.entry;
      if (request.oldSize() != stored.size()) {
        return WitnessResponse.conflict(stored.size());
      }
      String inconsistency = inconsistency(request, cp, stored);
      if (inconsistency != null) {
        LOG.warn("Refused a validly signed checkpoint of {} at size {} that does not extend the"
            + " cosigned size {}: {} (possible log misbehaviour)", cp.origin(), cp.size(),
            stored.size(), inconsistency);
        return WitnessResponse.refused(Status.UNPROCESSABLE, inconsistency);
      }
      Cosignature c = cosigner.cosign(note.text(), clock.instant());
      state.write(cp.origin(), stateNote(note, signedBy, c));
      slot.entry = new WitnessState.Entry(cp.size(), cp.root());
      return WitnessResponse.cosigned(c);
    }
  }

  /** Why {@code cp} does not extend {@code stored}, or null when it does. */
  private static String inconsistency(AddCheckpointRequest request, Checkpoint cp,
      WitnessState.Entry stored) {
    if (cp.size() == 0 && !cp.root().equals(MerkleTree.emptyRoot())) {
      return "a checkpoint of size 0 has the empty tree's root";
    }
    if (request.oldSize() == 0) {
      return request.proof().isEmpty() ? null
          : "a consistency proof from size 0 is empty, got " + request.proof().size() + " hashes";
    }
    if (request.oldSize() == cp.size()) {
      if (!cp.root().equals(stored.root())) {
        return "the checkpoint has size " + cp.size() + " with another root than cosigned";
      }
      return request.proof().isEmpty() ? null : "a proof between equal sizes is empty";
    }
    try {
      MerkleProofs.verifyConsistency(request.oldSize(), cp.size(), request.proof(),
          stored.root(), cp.root());
      return null;
    } catch (InvalidProofException e) {
      return e.reason() + ": " + e.getMessage();
    }
  }

  /** The checkpoint text with the log signatures that verified and the new cosignature. */
  private static String stateNote(SignedNote note, List<NoteVerifier> signedBy, Cosignature c) {
    List<NoteSignature> lines = new ArrayList<>();
    for (NoteSignature s : note.signatures()) {
      if (signedBy.stream().anyMatch(v -> v.keyId() == s.keyId()
          && v.name().equals(s.keyName()))) {
        lines.add(s);
      }
    }
    lines.add(c.toNoteSignature());
    return new SignedNote(note.text(), lines).format();
  }

  private List<NoteVerifier> keys(String origin) {
    List<NoteVerifier> exact = logs.get(origin);
    if (exact != null) {
      return exact;
    }
    for (Map.Entry<String, List<NoteVerifier>> p : prefixes.entrySet()) {
      if (origin.startsWith(p.getKey()) && origin.length() > p.getKey().length()) {
        return p.getValue();
      }
    }
    return null;
  }

  /**
   * The size of the last checkpoint cosigned for {@code origin}; 0 if none.
   *
   * @param origin the log's origin
   * @return the size
   */
  public long size(String origin) {
    Slot slot = slots.get(Objects.requireNonNull(origin, "origin"));
    if (slot == null) {
      return 0;
    }
    synchronized (slot) {
      return slot.entry.size();
    }
  }

  /**
   * The last checkpoint cosigned for {@code origin}, with the log's signatures the witness
   * verified and its own cosignature: what the monitoring API serves at {@code <monitoring
   * prefix>/<originHash(origin)>/checkpoint}. Empty when the witness never cosigned for it.
   *
   * @param origin the log's origin
   * @return the checkpoint note, or empty
   * @throws WitnessStateException when the state file cannot be read
   */
  public Optional<String> latest(String origin) {
    Slot slot = slots.get(Objects.requireNonNull(origin, "origin"));
    if (slot == null) {
      return Optional.empty();
    }
    synchronized (slot) {
      return state.note(origin);
    }
  }

  /**
   * The lowercase hex SHA-256 of {@code origin}, as in the monitoring API's path.
   *
   * @param origin the log's origin
   * @return the hash
   */
  public static String originHash(String origin) {
    return WitnessState.originHash(Objects.requireNonNull(origin, "origin"));
  }

  /** Releases the state directory. */
  @Override
  public void close() {
    state.close();
  }

  @Override
  public String toString() {
    return "Witness[" + cosigner.verifier().name() + ", " + slots.size() + " logs]";
  }

  /** Builder of a {@link Witness}; setters reject bad values at once. Not thread-safe. */
  public static final class Builder {
    private final Cosigner cosigner;
    private final Path stateDirectory;
    private final Map<String, List<NoteVerifier>> logs = new LinkedHashMap<>();
    private final Map<String, List<NoteVerifier>> prefixes = new LinkedHashMap<>();
    private Clock clock = Clock.systemUTC();
    private WitnessState.Writer writer = WitnessState::writeAtomically;

    private Builder(Cosigner cosigner, Path stateDirectory) {
      this.cosigner = Objects.requireNonNull(cosigner, "cosigner");
      this.stateDirectory = Objects.requireNonNull(stateDirectory, "stateDirectory");
    }

    /**
     * Trusts {@code keys} for the log whose checkpoints have origin {@code origin}.
     *
     * @param origin the log's origin
     * @param keys the log's keys
     * @return this builder
     * @throws IllegalArgumentException when the origin is not a valid checkpoint origin, is
     *     already configured, no key is given, or a key is the witness's own
     */
    public Builder log(String origin, NoteVerifier... keys) {
      Objects.requireNonNull(origin, "origin");
      new Checkpoint(origin, 0, MerkleTree.emptyRoot()); // validates the origin
      if (logs.containsKey(origin)) {
        throw new IllegalArgumentException("log origin " + origin + " is configured twice");
      }
      logs.put(origin, requireKeys(keys));
      return this;
    }

    /**
     * Trusts {@code keys} for every log whose origin starts with {@code prefix}, which must end
     * with {@code /}: for example {@code audit.example.com/chains/} for every chain of a HyreLog
     * deployment (one log per workspace). An exact {@link #log} wins over a prefix.
     *
     * @param prefix the origin prefix
     * @param keys the logs' keys
     * @return this builder
     * @throws IllegalArgumentException when the prefix does not end with {@code /} or is not
     *     usable in an origin, is already configured, no key is given, or a key is the witness's
     *     own
     */
    public Builder logPrefix(String prefix, NoteVerifier... keys) {
      Objects.requireNonNull(prefix, "prefix");
      if (!prefix.endsWith("/")) {
        throw new IllegalArgumentException("a log origin prefix ends with '/', got " + prefix);
      }
      new Checkpoint(prefix + "x", 0, MerkleTree.emptyRoot()); // validates the characters
      if (prefixes.containsKey(prefix)) {
        throw new IllegalArgumentException("log prefix " + prefix + " is configured twice");
      }
      prefixes.put(prefix, requireKeys(keys));
      return this;
    }

    private List<NoteVerifier> requireKeys(NoteVerifier... keys) {
      if (keys.length == 0) {
        throw new IllegalArgumentException("a log needs at least one trusted key");
      }
      for (NoteVerifier k : keys) {
        Objects.requireNonNull(k, "key");
        if (Arrays.equals(k.rawPublicKey(), cosigner.verifier().rawPublicKey())) {
          throw new IllegalArgumentException("log key " + k.name()
              + " is the witness's own key; a witness cosigns with a key of its own");
        }
      }
      return List.of(keys);
    }

    /**
     * Where cosignature times come from; defaults to the system UTC clock.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** How state files are written (tests simulate failed writes and crashes here). */
    Builder stateWriter(WitnessState.Writer writer) {
      this.writer = Objects.requireNonNull(writer, "writer");
      return this;
    }

    /**
     * Opens the state directory (taking its lock) and loads the state of every log.
     *
     * @return the witness
     * @throws IllegalStateException when no log is configured
     * @throws WitnessStateException when the directory is in use by another witness, or a state
     *     file cannot be read or is corrupt (the witness refuses to start rather than forget)
     */
    public Witness build() {
      if (logs.isEmpty() && prefixes.isEmpty()) {
        throw new IllegalStateException("a witness needs at least one log (log or logPrefix)");
      }
      WitnessState state = WitnessState.open(stateDirectory, writer);
      try {
        Witness w = new Witness(this, state);
        LOG.info("Witness {} opened {} with the state of {} logs", cosigner.name(),
            stateDirectory, w.slots.size());
        return w;
      } catch (RuntimeException e) {
        state.close();
        throw e;
      }
    }
  }
}
