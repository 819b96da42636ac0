package io.hyrelog.integrity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hyrelog.AuditEvent;
import io.hyrelog.Digest;
import io.hyrelog.EventHashing;
import io.hyrelog.PersonalDataPolicy;
import io.hyrelog.PersonalField;
import io.hyrelog.EventJson;
import io.hyrelog.InvalidJsonException;
import io.hyrelog.MalformedEventException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Verifies events one at a time, in memory independent of their number (it keeps one small
 * state per chain, plus an O(log n) Merkle tree for chains that have a checkpoint), and stops at
 * the first failure. It trusts nothing: it recomputes every hash and commitment, checks every
 * seq and link, and matches checkpoints.
 *
 * <p>Input may hold several chains and ranges that start mid-chain (archive segments). Within a
 * chain, events must come in seq order with no gaps or repeats; the first event seen of a chain
 * may have any seq (if it is seq 1 its prevHash must be zeros). A chain may be interrupted by
 * other chains and resume later, but only exactly where it left off.
 *
 * <p>With {@link Builder#allowGaps()} (filtered exports) a chain may also jump forward: every
 * event's hash and commitments are still recomputed and links are checked wherever seqs are
 * consecutive, but a jump is counted ({@link ChainRange#gaps()}) instead of failing. A seq that
 * goes backwards or repeats still fails.
 *
 * <p>Not thread-safe: one verifier per input stream. Typical use:
 * <pre>{@code
 * ChainVerifier v = ChainVerifier.builder().checkpoint(cp).build();
 * try (JsonlEventReader r = JsonlEventReader.open(path)) {
 *   for (JsonlEventReader.Line line : r) {
 *     if (!v.accept(line.tree(), line.number())) break;
 *   }
 * }
 * VerificationReport report = v.finish();
 * }</pre>
 */
public final class ChainVerifier {
  private final Set<UUID> expectedChains;
  private final boolean requireStart;
  private final boolean allowGaps;
  private final Map<UUID, ChainCheckpoint> checkpoints;
  private final Map<UUID, State> chains = new LinkedHashMap<>();
  private long events;
  private long position;
  private IntegrityFailure failure;

  private ChainVerifier(Builder b) {
    this.checkpoints = Map.copyOf(b.checkpoints);
    this.requireStart = b.requireStart;
    this.allowGaps = b.allowGaps;
    Set<UUID> expected = new java.util.HashSet<>(b.expectedChains);
    if (!expected.isEmpty() || !checkpoints.isEmpty()) {
      expected.addAll(checkpoints.keySet());
    }
    this.expectedChains = Set.copyOf(expected);
  }

  /**
   * Starts a verifier with expectations: chains, checkpoints, gaps.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A verifier with no expectations about chains or checkpoints.
   *
   * @return a new verifier
   */
  public static ChainVerifier create() {
    return builder().build();
  }

  /**
   * Verifies the next event in JSON form (one export line).
   *
   * @param line 1-based position of the event in the input, for the report
   * @param event the event's JSON form
   * @return whether everything so far verified; {@code false} once a failure was found, after
   *     which further events are ignored
   */
  public boolean accept(JsonNode event, long line) {
    if (failure != null) {
      return false;
    }
    position = line;
    EventJson.ChainFields e;
    try {
      e = EventJson.check(event);
    } catch (MalformedEventException | IllegalArgumentException ex) {
      UUID chain = chainOf(event);
      State s = chain == null ? null : chains.get(chain);
      JsonNode stated = event == null ? null : event.get("seq");
      long seq = s != null ? s.lastSeq + 1
          : stated != null && stated.canConvertToExactIntegral() ? stated.asLong() : -1;
      return fail(chain, seq, FailureReason.MALFORMED, ex.getMessage());
    }
    return check(e, (ObjectNode) event);
  }

  /**
   * Records that input line {@code line} could not be read as JSON at all (for example it is
   * not I-JSON): verification fails there with {@link FailureReason#MALFORMED}.
   *
   * @param line the 1-based input line
   * @param problem what is wrong with it (never the line's content)
   * @return {@code false}
   */
  public boolean malformed(long line, String problem) {
    if (failure == null) {
      position = line;
      fail(null, -1, FailureReason.MALFORMED, problem);
    }
    return false;
  }

  /**
   * Verifies the next stored event (for example while streaming a chain from a store).
   *
   * @param event the stored event
   * @return whether everything so far verified; false once a failure was found
   */
  public boolean accept(AuditEvent event) {
    if (failure != null) {
      return false;
    }
    position++;
    return check(new EventJson.ChainFields(event.workspaceId(), event.seq(), event.prevHash(),
        event.hash(), event.personal()), EventJson.toTree(event));
  }

  private boolean check(EventJson.ChainFields e, ObjectNode tree) {
    UUID chain = e.workspaceId();
    if (!expectedChains.isEmpty() && !expectedChains.contains(chain)) {
      return fail(chain, e.seq(), FailureReason.WRONG_CHAIN,
          "event of chain " + chain + " where only " + expectedChains.size()
              + " expected chain(s) may appear");
    }
    State s = chains.get(chain);
    long expectedSeq = s == null ? e.seq() : s.lastSeq + 1;
    if (s != null && e.seq() < expectedSeq) {
      // A seq seen before: a duplicated, re-ordered or forked event. Name the repeated seq.
      return fail(chain, e.seq(), FailureReason.DUPLICATE,
          "seq " + e.seq() + " appears again after seq " + s.lastSeq);
    }
    boolean jumped = false;
    if (s != null && e.seq() > expectedSeq) {
      if (!allowGaps) {
        return fail(chain, expectedSeq, FailureReason.GAP,
            "expected seq " + expectedSeq + ", found seq " + e.seq());
      }
      jumped = true;
      expectedSeq = e.seq();
    }
    boolean lateStart = false;
    if (s == null && requireStart && e.seq() != 1) {
      if (!allowGaps) {
        return fail(chain, 1, FailureReason.GAP,
            "the chain starts at seq " + e.seq() + " but a complete chain was required");
      }
      lateStart = true;
    }
    Digest recomputed;
    try {
      recomputed = EventHashing.hash(tree);
    } catch (InvalidJsonException ex) {
      return fail(chain, expectedSeq, FailureReason.MALFORMED, ex.getMessage());
    }
    if (!recomputed.equals(e.hash())) {
      return fail(chain, expectedSeq, FailureReason.HASH_MISMATCH,
          "stated hash " + e.hash().hex() + ", recomputed " + recomputed.hex());
    }
    // After a jump the previous event is not in the input: there is no link to check.
    Digest expectedPrev = jumped ? null
        : s != null ? s.lastHash : e.seq() == 1 ? Digest.ZERO : null;
    if (expectedPrev != null && !expectedPrev.equals(e.prevHash())) {
      return fail(chain, expectedSeq, FailureReason.BROKEN_LINK,
          "prevHash " + e.prevHash().hex() + " is not the previous hash " + expectedPrev.hex());
    }
    String bad = badCommitment(e, tree);
    if (bad != null) {
      return fail(chain, expectedSeq, FailureReason.BAD_COMMITMENT,
          "disclosed value and salt of " + bad + " do not match its commitment");
    }
    if (s == null) {
      s = new State(chain, e.seq(), e.prevHash(), checkpoints.get(chain));
      chains.put(chain, s);
      if (lateStart) {
        s.gap();
      }
    } else if (jumped) {
      s.gap();
    }
    s.advance(e.seq(), e.hash());
    events++;
    return true;
  }

  private static String badCommitment(EventJson.ChainFields e, ObjectNode tree) {
    for (Map.Entry<String, PersonalField> p : e.personal().entrySet()) {
      if (p.getValue().erased()) {
        continue;
      }
      JsonNode value = PersonalDataPolicy.valueAt(tree, p.getKey());
      if (value == null
          || !EventHashing.commitment(p.getValue().salt(), value)
              .equals(p.getValue().commitment())) {
        return p.getKey();
      }
    }
    return null;
  }

  /**
   * Ends verification: checks every expected checkpoint against what was seen.
   *
   * @return the report; call once
   */
  public VerificationReport finish() {
    int checked = 0;
    if (failure == null) {
      for (ChainCheckpoint cp : checkpoints.values()) {
        State s = chains.get(cp.chainId());
        String problem = s == null ? (cp.size() == 0 ? null : "no events of the chain")
            : s.checkpointProblem(cp);
        if (problem != null) {
          // The first seq that cannot be matched: past the end when the input stops short.
          long seq = s == null ? 1 : cp.size() > s.lastSeq ? s.lastSeq + 1 : cp.size();
          fail(cp.chainId(), seq, FailureReason.CHECKPOINT_MISMATCH, problem);
          break;
        }
        checked++;
      }
    }
    List<ChainRange> ranges = new ArrayList<>();
    for (State s : chains.values()) {
      ranges.add(new ChainRange(s.chain, s.firstSeq, s.firstPrev, s.lastSeq, s.lastHash,
          s.count, s.gaps));
    }
    return new VerificationReport(events, ranges, checked, Optional.ofNullable(failure));
  }

  private boolean fail(UUID chain, long seq, FailureReason reason, String detail) {
    failure = new IntegrityFailure(chain, seq, position, reason, detail);
    return false;
  }

  private static UUID chainOf(JsonNode event) {
    JsonNode ws = event == null ? null : event.get("workspaceId");
    if (ws == null || !ws.isTextual()) {
      return null;
    }
    try {
      return UUID.fromString(ws.textValue());
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static final class State {
    final UUID chain;
    final long firstSeq;
    final Digest firstPrev;
    final ChainCheckpoint checkpoint;
    MerkleTree tree;
    long lastSeq;
    long count;
    long gaps;
    Digest lastHash;
    Digest rootAtSize;
    Digest hashAtSize;

    State(UUID chain, long firstSeq, Digest firstPrev, ChainCheckpoint checkpoint) {
      this.chain = chain;
      this.firstSeq = firstSeq;
      this.firstPrev = firstPrev;
      this.checkpoint = checkpoint;
      this.tree = checkpoint != null && firstSeq == 1 ? new MerkleTree() : null;
      this.lastSeq = firstSeq - 1;
    }

    /** A jump forward: the Merkle root over 1..size can no longer be recomputed. */
    void gap() {
      gaps++;
      tree = null;
    }

    void advance(long seq, Digest hash) {
      count++;
      lastSeq = seq;
      lastHash = hash;
      if (tree != null && seq <= checkpoint.size()) {
        tree.append(hash);
      }
      if (checkpoint != null && seq == checkpoint.size()) {
        hashAtSize = hash;
        rootAtSize = tree == null ? null : tree.root();
      }
    }

    String checkpointProblem(ChainCheckpoint cp) {
      if (cp.size() == 0) {
        return "checkpoint of an empty chain, but the input holds events of it";
      }
      if (cp.size() < firstSeq || cp.size() > lastSeq) {
        return "checkpoint size " + cp.size() + " is outside the verified range " + firstSeq
            + ".." + lastSeq;
      }
      if (hashAtSize == null) {
        return "seq " + cp.size() + " (the checkpoint's head) is not in the input (filtered"
            + " out)";
      }
      if (!cp.head().equals(hashAtSize)) {
        return "hash at seq " + cp.size() + " is " + hashAtSize.hex() + ", checkpoint head is "
            + cp.head().hex();
      }
      if (rootAtSize != null && !cp.root().equals(rootAtSize)) {
        return "Merkle root over seqs 1.." + cp.size() + " is " + rootAtSize.hex()
            + ", checkpoint root is " + cp.root().hex();
      }
      return null;
    }
  }

  /** Builder of {@link ChainVerifier}; not thread-safe. */
  public static final class Builder {
    private final Set<UUID> expectedChains = new java.util.HashSet<>();
    private final Map<UUID, ChainCheckpoint> checkpoints = new HashMap<>();
    private boolean requireStart;
    private boolean allowGaps;

    private Builder() {}

    /**
     * Accepts jumps forward in seq (an export filtered by time, category, actor …): each jump is
     * counted in {@link ChainRange#gaps()} instead of failing with {@link FailureReason#GAP}.
     * Every event's hash and commitments are still recomputed, links are checked between
     * consecutive seqs, and a seq that goes backwards or repeats still fails. With {@link
     * #requireCompleteChains()}, a chain starting after seq 1 counts as one gap. A checkpoint is
     * then matched on its head hash only once a chain has a gap before the checkpoint's size
     * (the Merkle root needs every leaf).
     *
     * @return this builder
     */
    public Builder allowGaps() {
      this.allowGaps = true;
      return this;
    }

    /**
     * Every chain must start at seq 1 (a complete export, not an archive segment); a chain whose
     * first event has a later seq fails with {@link FailureReason#GAP} at seq 1.
     *
     * @return this builder
     */
    public Builder requireCompleteChains() {
      this.requireStart = true;
      return this;
    }

    /**
     * Only these chains may appear (others fail with {@link FailureReason#WRONG_CHAIN}).
     *
     * @param chains the chain ids
     * @return this builder
     */
    public Builder expectChains(Collection<UUID> chains) {
      expectedChains.addAll(chains);
      return this;
    }

    /**
     * The events must match this checkpoint: they must include seq {@code size} with the
     * checkpoint's head hash, and when they start at seq 1 their Merkle root over 1..size must
     * equal the checkpoint's root. Only checkpointed (or expected) chains may then appear.
     *
     * @param cp the checkpoint; one per chain
     * @return this builder
     */
    public Builder checkpoint(ChainCheckpoint cp) {
      if (checkpoints.putIfAbsent(cp.chainId(), cp) != null) {
        throw new IllegalArgumentException("two checkpoints for chain " + cp.chainId());
      }
      return this;
    }

    /**
     * Builds the verifier. A verifier is not thread-safe: feed it from one thread.
     *
     * @return a new verifier
     */
    public ChainVerifier build() {
      return new ChainVerifier(this);
    }
  }
}
