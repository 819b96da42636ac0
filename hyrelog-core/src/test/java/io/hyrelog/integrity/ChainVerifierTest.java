package io.hyrelog.integrity;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hyrelog.AuditEvent;
import io.hyrelog.Digest;
import io.hyrelog.EventHashing;
import io.hyrelog.TestChains;
import io.hyrelog.EventJson;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChainVerifierTest {
  private final List<AuditEvent> chain = TestChains.chain(TestChains.WS, 6, 1);
  private final List<AuditEvent> other = TestChains.chain(TestChains.WS2, 3, 2);

  private static List<ObjectNode> lines(List<AuditEvent> events) {
    List<ObjectNode> out = new ArrayList<>();
    events.forEach(e -> out.add(EventJson.toTree(e)));
    return out;
  }

  private static VerificationReport verify(ChainVerifier v, List<ObjectNode> lines) {
    for (int i = 0; i < lines.size(); i++) {
      if (!v.accept(lines.get(i), i + 1)) {
        break;
      }
    }
    return v.finish();
  }

  private static VerificationReport verify(List<ObjectNode> lines) {
    return verify(ChainVerifier.create(), lines);
  }

  private static IntegrityFailure failure(List<ObjectNode> lines) {
    VerificationReport r = verify(lines);
    assertThat(r.ok()).as("expected a failure").isFalse();
    return r.failure().orElseThrow();
  }

  @Test
  void verify_intactChain_reportsRange() {
    VerificationReport r = verify(lines(chain));
    assertThat(r.ok()).isTrue();
    assertThat(r.events()).isEqualTo(6);
    assertThat(r.chains()).containsExactly(new ChainRange(TestChains.WS.workspaceId(), 1,
        Digest.ZERO, 6, chain.get(5).hash(), 6));
  }

  @Test
  void verify_rangeStartingMidChain_isValid() {
    VerificationReport r = verify(lines(chain.subList(2, 6)));
    assertThat(r.ok()).isTrue();
    assertThat(r.chains().get(0).firstSeq()).isEqualTo(3);
    assertThat(r.chains().get(0).firstPrevHash()).isEqualTo(chain.get(1).hash());
  }

  @Test
  void verify_interleavedChainsResumingWhereTheyLeftOff_isValid() {
    List<ObjectNode> l = new ArrayList<>();
    l.addAll(lines(chain.subList(0, 3)));
    l.addAll(lines(other));
    l.addAll(lines(chain.subList(3, 6)));
    VerificationReport r = verify(l);
    assertThat(r.ok()).isTrue();
    assertThat(r.chains()).hasSize(2);
  }

  @Test
  void verify_changedCoveredField_isHashMismatchAtThatSeq() {
    List<ObjectNode> l = lines(chain);
    l.get(3).put("action", "logout");
    IntegrityFailure f = failure(l);
    assertThat(f.reason()).isEqualTo(FailureReason.HASH_MISMATCH);
    assertThat(f.seq()).isEqualTo(4);
    assertThat(f.line()).isEqualTo(4);
  }

  @Test
  void verify_changedTraceIdOrMetadataNumber_isDetected() {
    List<ObjectNode> l = lines(chain);
    ((ObjectNode) l.get(1).get("context")).put("traceId", "forged");
    assertThat(failure(l).seq()).isEqualTo(2);
    List<ObjectNode> m = lines(chain);
    ((ObjectNode) m.get(2).get("metadata")).put("ratio", 0.50000001);
    assertThat(failure(m).reason()).isEqualTo(FailureReason.HASH_MISMATCH);
  }

  @Test
  void verify_deletedEvent_isGapAtTheMissingSeq() {
    List<ObjectNode> l = lines(chain);
    l.remove(2);
    IntegrityFailure f = failure(l);
    assertThat(f.reason()).isEqualTo(FailureReason.GAP);
    assertThat(f.seq()).isEqualTo(3);
  }

  @Test
  void verify_duplicatedEvent_isDuplicate() {
    List<ObjectNode> l = lines(chain);
    l.add(3, l.get(2).deepCopy());
    IntegrityFailure f = failure(l);
    assertThat(f.reason()).isEqualTo(FailureReason.DUPLICATE);
    assertThat(f.seq()).isEqualTo(3);
    assertThat(f.line()).isEqualTo(4);
  }

  @Test
  void verify_reforgedEventWithValidHashButWrongLink_isBrokenLink() {
    // An attacker who recomputes the hash of a changed event cannot fix the next event's link.
    List<AuditEvent> forged = new ArrayList<>(chain);
    AuditEvent e = chain.get(2);
    ObjectNode t = EventJson.toTree(e);
    t.put("action", "forged");
    t.put("hash", EventHashing.hash(t).hex());
    List<ObjectNode> l = lines(forged);
    l.set(2, t);
    IntegrityFailure f = failure(l);
    assertThat(f.reason()).isEqualTo(FailureReason.BROKEN_LINK);
    assertThat(f.seq()).isEqualTo(4);
  }

  @Test
  void verify_requireCompleteChains_rejectsARangeStartingMidChain() {
    VerificationReport r = verify(ChainVerifier.builder().requireCompleteChains().build(),
        lines(chain.subList(1, 6)));
    assertThat(r.failure().orElseThrow().reason()).isEqualTo(FailureReason.GAP);
    assertThat(r.failure().orElseThrow().seq()).isEqualTo(1);
  }

  @Test
  void verify_firstEventWithNonZeroPrevHash_isBrokenLink() {
    ObjectNode t = EventJson.toTree(chain.get(0));
    t.put("prevHash", chain.get(1).hash().hex());
    t.put("hash", EventHashing.hash(t).hex());
    IntegrityFailure f = failure(List.of(t));
    assertThat(f.reason()).isEqualTo(FailureReason.BROKEN_LINK);
    assertThat(f.seq()).isEqualTo(1);
  }

  @Test
  void verify_changedDisclosedPersonalValue_isBadCommitment() {
    List<ObjectNode> l = lines(chain);
    ((ObjectNode) l.get(4).get("actor")).put("email", "someone.else@example.com");
    IntegrityFailure f = failure(l);
    assertThat(f.reason()).isEqualTo(FailureReason.BAD_COMMITMENT);
    assertThat(f.seq()).isEqualTo(5);
    assertThat(f.detail()).contains("/actor/email").doesNotContain("someone.else");
  }

  @Test
  void verify_changedPersonalMetadataValue_isBadCommitment() {
    List<ObjectNode> l = lines(chain);
    ((ObjectNode) l.get(0).get("metadata")).put("ssn", "999-99-9999");
    assertThat(failure(l).reason()).isEqualTo(FailureReason.BAD_COMMITMENT);
  }

  @Test
  void verify_erasedEvents_stillVerify() {
    List<AuditEvent> erased = new ArrayList<>(chain);
    erased.set(1, chain.get(1).erasePersonalData());
    erased.set(4, chain.get(4).erasePersonalData());
    assertThat(erased.get(1).actor().email()).isNull();
    assertThat(erased.get(1).metadata().has("ssn")).isFalse();
    assertThat(erased.get(1).hash()).isEqualTo(chain.get(1).hash());
    VerificationReport r = verify(lines(erased));
    assertThat(r.ok()).as("%s", r.failure()).isTrue();
  }

  @Test
  void verify_valueReinsertedIntoErasedField_isMalformed() {
    List<ObjectNode> l = lines(List.of(chain.get(0).erasePersonalData()));
    ((ObjectNode) l.get(0).get("actor")).put("email", "fake@example.com");
    assertThat(failure(l).reason()).isEqualTo(FailureReason.MALFORMED);
  }

  @Test
  void verify_unknownFieldRidingAlong_isMalformed() {
    List<ObjectNode> l = lines(chain);
    l.get(2).put("admin", true);
    IntegrityFailure f = failure(l);
    assertThat(f.reason()).isEqualTo(FailureReason.MALFORMED);
    assertThat(f.seq()).isEqualTo(3);
  }

  @Test
  void verify_eventOfUnexpectedChain_isWrongChain() {
    List<ObjectNode> l = lines(chain);
    l.add(3, EventJson.toTree(other.get(0)));
    ChainVerifier v = ChainVerifier.builder()
        .expectChains(List.of(TestChains.WS.workspaceId())).build();
    VerificationReport r = verify(v, l);
    assertThat(r.failure().orElseThrow().reason()).isEqualTo(FailureReason.WRONG_CHAIN);
  }

  private ChainCheckpoint checkpointAt(int size) {
    MerkleTree t = new MerkleTree();
    chain.subList(0, size).forEach(e -> t.append(e.hash()));
    return new ChainCheckpoint("audit.example.com", TestChains.WS.workspaceId(), size, t.root(),
        chain.get(size - 1).hash());
  }

  @Test
  void verify_matchingCheckpoint_passes_evenBeforeTheHead() {
    for (int size = 1; size <= 6; size++) {
      VerificationReport r = verify(ChainVerifier.builder().checkpoint(checkpointAt(size))
          .build(), lines(chain));
      assertThat(r.ok()).as("size %d: %s", size, r.failure()).isTrue();
      assertThat(r.checkpointsChecked()).isEqualTo(1);
    }
  }

  @Test
  void verify_truncatedTailAgainstCheckpoint_isCheckpointMismatch() {
    VerificationReport r = verify(ChainVerifier.builder().checkpoint(checkpointAt(6)).build(),
        lines(chain.subList(0, 5)));
    assertThat(r.failure().orElseThrow().reason()).isEqualTo(FailureReason.CHECKPOINT_MISMATCH);
    assertThat(r.failure().orElseThrow().seq()).isEqualTo(6);
  }

  @Test
  void verify_wrongRootOrHead_isCheckpointMismatch() {
    ChainCheckpoint good = checkpointAt(4);
    ChainCheckpoint badRoot = new ChainCheckpoint(good.namespace(), good.chainId(), 4,
        chain.get(0).hash(), good.head());
    ChainCheckpoint badHead = new ChainCheckpoint(good.namespace(), good.chainId(), 4,
        good.root(), chain.get(0).hash());
    for (ChainCheckpoint cp : List.of(badRoot, badHead)) {
      VerificationReport r = verify(ChainVerifier.builder().checkpoint(cp).build(), lines(chain));
      assertThat(r.failure().orElseThrow().reason())
          .isEqualTo(FailureReason.CHECKPOINT_MISMATCH);
    }
  }

  @Test
  void verify_storedEvents_sameResultAsLines() {
    ChainVerifier v = ChainVerifier.create();
    chain.forEach(v::accept);
    assertThat(v.finish().ok()).isTrue();
  }

  @Test
  void checkpoint_roundTripsThroughC2spText() {
    ChainCheckpoint cp = checkpointAt(5);
    String body = cp.toCheckpoint().body();
    assertThat(body).startsWith("audit.example.com/chains/" + TestChains.WS.workspaceId()
        + "\n5\n");
    assertThat(body).endsWith("hyrelog-head " + chain.get(4).hash().hex() + "\n");
    assertThat(ChainCheckpoint.from(Checkpoint.parse(body))).isEqualTo(cp);
  }

  // ---------------------------------------------------------------------------------------------
  // allowGaps: filtered exports

  private static VerificationReport verifyWithGaps(List<ObjectNode> lines) {
    return verify(ChainVerifier.builder().allowGaps().build(), lines);
  }

  private List<ObjectNode> seqs(int... seqs) {
    List<ObjectNode> out = new ArrayList<>();
    for (int s : seqs) {
      out.add(EventJson.toTree(chain.get(s - 1)));
    }
    return out;
  }

  @Test
  void verify_allowGapsWithJumps_validAndCountsGaps() {
    VerificationReport r = verifyWithGaps(seqs(1, 2, 4, 6));
    assertThat(r.ok()).isTrue();
    assertThat(r.events()).isEqualTo(4);
    assertThat(r.gaps()).isEqualTo(2);
    assertThat(r.chains()).containsExactly(new ChainRange(TestChains.WS.workspaceId(), 1,
        Digest.ZERO, 6, chain.get(5).hash(), 4, 2));
  }

  @Test
  void verify_withoutAllowGaps_sameInputFailsWithGap() {
    IntegrityFailure f = failure(seqs(1, 2, 4, 6));
    assertThat(f.reason()).isEqualTo(FailureReason.GAP);
    assertThat(f.seq()).isEqualTo(3);
  }

  @Test
  void verify_allowGapsContiguousChain_reportsNoGaps() {
    VerificationReport r = verifyWithGaps(lines(chain));
    assertThat(r.ok()).isTrue();
    assertThat(r.gaps()).isZero();
    assertThat(r.chains().get(0).count()).isEqualTo(6);
  }

  @Test
  void verify_allowGapsChangedFieldAfterAJump_isHashMismatch() {
    List<ObjectNode> l = seqs(1, 3, 5);
    l.get(2).put("category", "billing");
    VerificationReport r = verifyWithGaps(l);
    assertThat(r.failure().orElseThrow().reason()).isEqualTo(FailureReason.HASH_MISMATCH);
    assertThat(r.failure().orElseThrow().seq()).isEqualTo(5);
  }

  @Test
  void verify_allowGapsBrokenLinkBetweenConsecutiveSeqs_isBrokenLink() {
    // seq 3 of a different chain history (other ids, so other hashes) right after seq 2
    List<AuditEvent> forked = TestChains.chain(TestChains.WS, 6, 99);
    List<ObjectNode> l = seqs(1, 2);
    l.add(EventJson.toTree(forked.get(2)));
    VerificationReport r = verifyWithGaps(l);
    assertThat(r.failure().orElseThrow().reason()).isEqualTo(FailureReason.BROKEN_LINK);
    assertThat(r.failure().orElseThrow().seq()).isEqualTo(3);
  }

  @Test
  void verify_allowGapsRepeatedOrBackwardsSeq_isDuplicate() {
    VerificationReport repeated = verifyWithGaps(seqs(1, 3, 3));
    assertThat(repeated.failure().orElseThrow().reason()).isEqualTo(FailureReason.DUPLICATE);
    VerificationReport backwards = verifyWithGaps(seqs(1, 4, 2));
    assertThat(backwards.failure().orElseThrow().reason()).isEqualTo(FailureReason.DUPLICATE);
    assertThat(backwards.failure().orElseThrow().seq()).isEqualTo(2);
  }

  @Test
  void verify_allowGapsBadCommitment_isDetected() {
    List<ObjectNode> l = seqs(2, 5);
    ((ObjectNode) l.get(1).get("actor")).put("email", "someone@else.example");
    VerificationReport r = verifyWithGaps(l);
    assertThat(r.ok()).isFalse();
    assertThat(r.failure().orElseThrow().seq()).isEqualTo(5);
  }

  @Test
  void verify_allowGapsAndRequireComplete_lateStartCountsAsGap() {
    VerificationReport r = verify(ChainVerifier.builder().requireCompleteChains().allowGaps()
        .build(), seqs(3, 4));
    assertThat(r.ok()).isTrue();
    assertThat(r.gaps()).isEqualTo(1);
  }

  @Test
  void verify_allowGapsCheckpointAfterAGap_matchesHeadOnly() {
    ChainCheckpoint cp = checkpointAt(5);
    VerificationReport ok = verify(ChainVerifier.builder().allowGaps().checkpoint(cp).build(),
        seqs(1, 3, 5));
    assertThat(ok.ok()).isTrue();
    assertThat(ok.checkpointsChecked()).isEqualTo(1);
    VerificationReport missing = verify(ChainVerifier.builder().allowGaps().checkpoint(cp)
        .build(), seqs(1, 3, 6));
    assertThat(missing.failure().orElseThrow().reason())
        .isEqualTo(FailureReason.CHECKPOINT_MISMATCH);
  }
}
