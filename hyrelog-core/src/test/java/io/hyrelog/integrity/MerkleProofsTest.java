package io.hyrelog.integrity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hyrelog.Digest;
import io.hyrelog.integrity.InvalidProofException.Reason;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Known answers on the RFC 6962 reference tree, probes of every kind of corrupted proof, and
 * randomized trees checked against {@link RfcMerkle}, the naive implementation.
 *
 * <p>The reference tree is {@link Rfc6962Reference}: its leaf and node hashes are the published
 * values. The expected proofs
 * are the classic RFC 6962 test vectors (certificate-transparency merkle_tree_test), re-derived
 * by hand from the definitions and written as node hashes of the reference tree. The probe
 * mutations (wrong leaf, index and size changes, garbage, flipped bits, inserted and removed
 * components, swapped roots) are the kinds transparency-dev/merkle's testdata exercises,
 * regenerated here rather than copied.
 */
class MerkleProofsTest {
  private static final HexFormat HEX = HexFormat.of();
  private static final String[][] NODES = Rfc6962Reference.NODES;
  private static final String[] ROOTS = Rfc6962Reference.ROOTS;
  private static final List<Digest> REFERENCE = referenceLeaves();

  private static List<Digest> referenceLeaves() {
    List<Digest> out = new ArrayList<>();
    for (String in : Rfc6962Reference.LEAF_INPUTS) {
      out.add(MerkleTree.leafHash(HEX.parseHex(in)));
    }
    return out;
  }

  private static Digest nh(int level, int index) {
    return Digest.parseHex(NODES[level][index]);
  }

  private static Digest root(int size) {
    return Digest.parseHex(ROOTS[size]);
  }

  private static MerkleNodeReader reference(int size) {
    return RfcMerkle.reader(REFERENCE.subList(0, size));
  }

  // ------------------------------------------------------------------ known answers

  @Test
  void leaves_referenceInputs_matchPublishedLevelZeroHashes() {
    for (int i = 0; i < 8; i++) {
      assertThat(REFERENCE.get(i)).isEqualTo(nh(0, i));
    }
  }

  static Stream<Arguments> inclusionVectors() {
    return Stream.of(
        Arguments.of(0, 1, List.of()),
        Arguments.of(0, 8, List.of(nh(0, 1), nh(1, 1), nh(2, 1))),
        Arguments.of(5, 8, List.of(nh(0, 4), nh(1, 3), nh(2, 0))),
        Arguments.of(2, 3, List.of(nh(1, 0))),
        Arguments.of(1, 5, List.of(nh(0, 0), nh(1, 1), nh(0, 4))),
        Arguments.of(6, 7, List.of(nh(1, 2), nh(2, 0))),
        Arguments.of(7, 8, List.of(nh(0, 6), nh(1, 2), nh(2, 0))));
  }

  @ParameterizedTest(name = "leaf {0} in {1}")
  @MethodSource("inclusionVectors")
  void inclusionProof_referenceTree_matchesKnownVectorAndVerifies(int index, int size,
      List<Digest> expected) {
    InclusionProof p = MerkleProofs.inclusionProof(index, size, reference(size));

    assertThat(p.hashes()).containsExactlyElementsOf(expected);
    assertThat(p.leafHash()).isEqualTo(nh(0, index));
    MerkleProofs.verifyInclusion(p, root(size));
  }

  static Stream<Arguments> consistencyVectors() {
    return Stream.of(
        Arguments.of(1, 1, List.of()),
        Arguments.of(1, 8, List.of(nh(0, 1), nh(1, 1), nh(2, 1))),
        Arguments.of(6, 8, List.of(nh(1, 2), nh(1, 3), nh(2, 0))),
        Arguments.of(2, 5, List.of(nh(1, 1), nh(0, 4))),
        Arguments.of(3, 7, List.of(nh(0, 2), nh(0, 3), nh(1, 0),
            RfcMerkle.mth(REFERENCE.subList(4, 7)))),
        Arguments.of(4, 8, List.of(nh(2, 1))));
  }

  @ParameterizedTest(name = "{0} to {1}")
  @MethodSource("consistencyVectors")
  void consistencyProof_referenceTree_matchesKnownVectorAndVerifies(int from, int to,
      List<Digest> expected) {
    ConsistencyProof p = MerkleProofs.consistencyProof(from, to, reference(to));

    assertThat(p.hashes()).containsExactlyElementsOf(expected);
    MerkleProofs.verifyConsistency(p, root(from), root(to));
  }

  @Test
  void root_referenceTree_matchesPublishedRoots() {
    for (int size = 0; size <= 8; size++) {
      assertThat(MerkleProofs.root(size, reference(size))).isEqualTo(root(size));
    }
  }

  @Test
  void proofs_everyPairOfTheReferenceTree_matchNaiveDefinitionsAndVerify() {
    for (int n = 1; n <= 8; n++) {
      List<Digest> d = REFERENCE.subList(0, n);
      for (int m = 0; m < n; m++) {
        InclusionProof p = MerkleProofs.inclusionProof(m, n, reference(n));
        assertThat(p.hashes()).as("PATH(%d, D[%d])", m, n)
            .containsExactlyElementsOf(RfcMerkle.path(m, d));
        MerkleProofs.verifyInclusion(p, root(n));
      }
      for (int m = 1; m <= n; m++) {
        ConsistencyProof p = MerkleProofs.consistencyProof(m, n, reference(n));
        assertThat(p.hashes()).as("PROOF(%d, D[%d])", m, n)
            .containsExactlyElementsOf(RfcMerkle.proof(m, d));
        MerkleProofs.verifyConsistency(p, root(m), root(n));
      }
    }
  }

  // ------------------------------------------------------------------ probes

  private static final Digest GARBAGE = Digest.sha256(HEX.parseHex("57726f6e674c656166"));

  /** Every mutation of a valid inclusion proof, each named. */
  private static List<Probe<InclusionProof>> inclusionProbes(InclusionProof p, Digest root) {
    List<Probe<InclusionProof>> out = new ArrayList<>();
    long i = p.leafIndex();
    long n = p.treeSize();
    List<Digest> h = p.hashes();
    out.add(new Probe<>("wrong leaf", new InclusionProof(i, n, GARBAGE, h), root));
    out.add(new Probe<>("leafIndex plus 1", new InclusionProof(i + 1, n, p.leafHash(), h), root));
    if (i > 0) {
      out.add(new Probe<>("leafIndex minus 1", new InclusionProof(i - 1, n, p.leafHash(), h),
          root));
    }
    out.add(new Probe<>("leafIndex xor 2", new InclusionProof(i ^ 2, n, p.leafHash(), h), root));
    out.add(new Probe<>("treeSize times 2", new InclusionProof(i, n * 2, p.leafHash(), h), root));
    out.add(new Probe<>("treeSize div 2", new InclusionProof(i, n / 2, p.leafHash(), h), root));
    out.add(new Probe<>("preceding garbage", new InclusionProof(i, n, p.leafHash(),
        prepend(GARBAGE, h)), root));
    out.add(new Probe<>("trailing garbage", new InclusionProof(i, n, p.leafHash(),
        append(h, GARBAGE)), root));
    out.add(new Probe<>("preceding root", new InclusionProof(i, n, p.leafHash(),
        prepend(root, h)), root));
    out.add(new Probe<>("trailing root", new InclusionProof(i, n, p.leafHash(),
        append(h, root)), root));
    out.add(new Probe<>("random root", p, GARBAGE));
    out.add(new Probe<>("empty root", p, MerkleTree.emptyRoot()));
    for (int k = 0; k < h.size(); k++) {
      out.add(new Probe<>("flipped bit in hash " + k, new InclusionProof(i, n, p.leafHash(),
          replace(h, k, flip(h.get(k), 3))), root));
      out.add(new Probe<>("removed hash " + k, new InclusionProof(i, n, p.leafHash(),
          remove(h, k)), root));
      out.add(new Probe<>("inserted hash before " + k, new InclusionProof(i, n, p.leafHash(),
          insert(h, k, GARBAGE)), root));
    }
    return out;
  }

  private static List<Probe<ConsistencyProof>> consistencyProbes(ConsistencyProof p,
      Digest root1, Digest root2) {
    List<Probe<ConsistencyProof>> out = new ArrayList<>();
    long m = p.from();
    long n = p.to();
    List<Digest> h = p.hashes();
    out.add(new Probe<>("size1 plus 1", new ConsistencyProof(m + 1, n, h), root1, root2));
    out.add(new Probe<>("size1 minus 1", new ConsistencyProof(m - 1, n, h), root1, root2));
    out.add(new Probe<>("size1 xor 2", new ConsistencyProof(m ^ 2, n, h), root1, root2));
    out.add(new Probe<>("size2 times 2", new ConsistencyProof(m, n * 2, h), root1, root2));
    out.add(new Probe<>("size2 div 2", new ConsistencyProof(m, n / 2, h), root1, root2));
    out.add(new Probe<>("wrong root1", p, GARBAGE, root2));
    out.add(new Probe<>("wrong root2", p, root1, GARBAGE));
    if (!root1.equals(root2)) {
      out.add(new Probe<>("swapped roots", p, root2, root1));
    }
    out.add(new Probe<>("preceding garbage", new ConsistencyProof(m, n, prepend(GARBAGE, h)),
        root1, root2));
    out.add(new Probe<>("trailing garbage", new ConsistencyProof(m, n, append(h, GARBAGE)),
        root1, root2));
    out.add(new Probe<>("preceding root1", new ConsistencyProof(m, n, prepend(root1, h)), root1,
        root2));
    out.add(new Probe<>("trailing root2", new ConsistencyProof(m, n, append(h, root2)), root1,
        root2));
    if (!h.isEmpty()) {
      out.add(new Probe<>("empty proof", new ConsistencyProof(m, n, List.of()), root1, root2));
      out.add(new Probe<>("truncated proof", new ConsistencyProof(m, n,
          h.subList(0, h.size() - 1)), root1, root2));
    }
    for (int k = 0; k < h.size(); k++) {
      out.add(new Probe<>("flipped bit in hash " + k, new ConsistencyProof(m, n,
          replace(h, k, flip(h.get(k), 4))), root1, root2));
    }
    return out;
  }

  @Test
  void verifyInclusion_everyMutationOfEveryReferenceProof_isRejectedByBothVerifiers() {
    int probes = 0;
    for (int n = 1; n <= 8; n++) {
      for (int m = 0; m < n; m++) {
        InclusionProof p = MerkleProofs.inclusionProof(m, n, reference(n));
        for (Probe<InclusionProof> probe : inclusionProbes(p, root(n))) {
          InclusionProof q = probe.proof;
          assertThatThrownBy(() -> MerkleProofs.verifyInclusion(q, probe.root1))
              .as("leaf %d in %d: %s", m, n, probe.name)
              .isInstanceOf(InvalidProofException.class);
          assertThat(RfcMerkle.verifyPath(q.leafIndex(), q.treeSize(), q.leafHash(), q.hashes(),
              probe.root1)).as("naive, leaf %d in %d: %s", m, n, probe.name).isFalse();
          probes++;
        }
      }
    }
    assertThat(probes).isGreaterThan(500);
  }

  @Test
  void verifyConsistency_everyMutationOfEveryReferenceProof_isRejectedByBothVerifiers() {
    int probes = 0;
    for (int n = 1; n <= 8; n++) {
      for (int m = 1; m <= n; m++) {
        ConsistencyProof p = MerkleProofs.consistencyProof(m, n, reference(n));
        for (Probe<ConsistencyProof> probe : consistencyProbes(p, root(m), root(n))) {
          ConsistencyProof q = probe.proof;
          assertThatThrownBy(() -> MerkleProofs.verifyConsistency(q, probe.root1, probe.root2))
              .as("%d to %d: %s", m, n, probe.name)
              .isInstanceOf(InvalidProofException.class);
          assertThat(RfcMerkle.verifyProof(q.from(), q.to(), q.hashes(), probe.root1,
              probe.root2)).as("naive, %d to %d: %s", m, n, probe.name).isFalse();
          probes++;
        }
      }
    }
    assertThat(probes).isGreaterThan(400);
  }

  // ------------------------------------------------------------------ edge cases and reasons

  @Test
  void verifyInclusion_indexNotBelowSize_saysIndexOutOfRange() {
    assertReason(() -> MerkleProofs.verifyInclusion(0, 0, nh(0, 0), List.of(), root(0)),
        Reason.INDEX_OUT_OF_RANGE);
    assertReason(() -> MerkleProofs.verifyInclusion(1, 1, nh(0, 0), List.of(), root(1)),
        Reason.INDEX_OUT_OF_RANGE);
  }

  @Test
  void verifyInclusion_singleLeafTree_rootIsTheLeaf() {
    MerkleProofs.verifyInclusion(0, 1, nh(0, 0), List.of(), root(1));

    assertReason(() -> MerkleProofs.verifyInclusion(0, 1, nh(0, 0), List.of(), root(0)),
        Reason.ROOT_MISMATCH);
  }

  @Test
  void verifyInclusion_pathOfWrongLength_saysWrongLengthWithBothNumbers() {
    assertThatThrownBy(() -> MerkleProofs.verifyInclusion(0, 8, nh(0, 0),
        List.of(nh(0, 1), nh(1, 1)), root(8)))
        .isInstanceOf(InvalidProofException.class)
        .hasMessageContaining("has 3 hashes, got 2")
        .extracting(e -> ((InvalidProofException) e).reason()).isEqualTo(Reason.WRONG_LENGTH);
  }

  @Test
  void verifyInclusion_negativeIndex_isAProgrammingError() {
    assertThatIllegalArgumentException().isThrownBy(
        () -> MerkleProofs.verifyInclusion(-1, 8, nh(0, 0), List.of(), root(8)));
  }

  @Test
  void verifyConsistency_edgeCases_giveTheirReasons() {
    assertReason(() -> MerkleProofs.verifyConsistency(2, 1, List.of(), root(2), root(1)),
        Reason.SIZES_OUT_OF_ORDER);
    assertReason(() -> MerkleProofs.verifyConsistency(0, 0, List.of(), root(0), root(0)),
        Reason.EMPTY_OLD_TREE);
    assertReason(() -> MerkleProofs.verifyConsistency(0, 1, List.of(), root(0), root(1)),
        Reason.EMPTY_OLD_TREE);
    assertReason(() -> MerkleProofs.verifyConsistency(1, 1, List.of(root(1)), root(1), root(1)),
        Reason.WRONG_LENGTH);
    assertReason(() -> MerkleProofs.verifyConsistency(1, 1, List.of(), root(1), root(2)),
        Reason.ROOT_MISMATCH);
    assertReason(() -> MerkleProofs.verifyConsistency(1, 2, List.of(), root(1), root(2)),
        Reason.WRONG_LENGTH);
    assertReason(() -> MerkleProofs.verifyConsistency(6, 8,
        List.of(nh(1, 2), nh(1, 3), nh(2, 0)), root(5), root(8)), Reason.OLD_ROOT_MISMATCH);
    assertReason(() -> MerkleProofs.verifyConsistency(6, 8,
        List.of(nh(1, 2), nh(1, 3), nh(2, 0)), root(6), root(7)), Reason.ROOT_MISMATCH);
    MerkleProofs.verifyConsistency(1, 1, List.of(), root(1), root(1));
  }

  @Test
  void generation_invalidArguments_areRejected() {
    MerkleNodeReader r = reference(8);
    assertThatIllegalArgumentException().isThrownBy(() -> MerkleProofs.inclusionProof(8, 8, r));
    assertThatIllegalArgumentException().isThrownBy(() -> MerkleProofs.inclusionProof(-1, 8, r));
    assertThatIllegalArgumentException().isThrownBy(() -> MerkleProofs.consistencyProof(0, 8, r));
    assertThatIllegalArgumentException().isThrownBy(() -> MerkleProofs.consistencyProof(5, 4, r));
    assertThatIllegalArgumentException().isThrownBy(() -> MerkleProofs.root(-1, r));
  }

  @Test
  void generation_readerReturningTooFewHashes_failsLoudly() {
    assertThatThrownBy(() -> MerkleProofs.root(7, nodes -> List.of(nh(0, 0))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("1 hashes for 3 nodes");
  }

  @Test
  void generation_readsEveryNodeInOneCall() {
    int[] calls = {0};
    MerkleNodeReader counting = nodes -> {
      calls[0]++;
      return reference(8).read(nodes);
    };
    MerkleProofs.inclusionProof(5, 7, counting);
    MerkleProofs.consistencyProof(3, 7, counting);
    MerkleProofs.root(7, counting);

    assertThat(calls[0]).isEqualTo(3);
  }

  // ------------------------------------------------------------------ randomized

  @Property(tries = 300, seed = "6962")
  void inclusion_randomTrees_matchNaiveAndMutationsFailBoth(
      @ForAll @IntRange(min = 1, max = 3000) int size, @ForAll long seed) {
    List<Digest> leaves = RfcMerkle.leaves(size, seed);
    Random r = new Random(seed);
    int m = r.nextInt(size);
    Digest root = RfcMerkle.mth(leaves);

    InclusionProof p = MerkleProofs.inclusionProof(m, size, RfcMerkle.reader(leaves));

    assertThat(p.hashes()).containsExactlyElementsOf(RfcMerkle.path(m, leaves));
    assertThat(p.leafHash()).isEqualTo(leaves.get(m));
    MerkleProofs.verifyInclusion(p, root);
    assertThat(RfcMerkle.verifyPath(m, size, p.leafHash(), p.hashes(), root)).isTrue();
    assertThat(MerkleProofs.root(size, RfcMerkle.reader(leaves))).isEqualTo(root);
    for (Probe<InclusionProof> probe : inclusionProbes(p, root)) {
      InclusionProof q = probe.proof;
      assertThatThrownBy(() -> MerkleProofs.verifyInclusion(q, probe.root1)).as(probe.name)
          .isInstanceOf(InvalidProofException.class);
      assertThat(RfcMerkle.verifyPath(q.leafIndex(), q.treeSize(), q.leafHash(), q.hashes(),
          probe.root1)).as(probe.name).isFalse();
    }
  }

  @Property(tries = 300, seed = "9162")
  void consistency_randomTrees_matchNaiveAndMutationsFailBoth(
      @ForAll @IntRange(min = 1, max = 3000) int size, @ForAll long seed) {
    List<Digest> leaves = RfcMerkle.leaves(size, seed);
    Random r = new Random(seed);
    int m = 1 + r.nextInt(size);
    Digest root1 = RfcMerkle.mth(leaves.subList(0, m));
    Digest root2 = RfcMerkle.mth(leaves);

    ConsistencyProof p = MerkleProofs.consistencyProof(m, size, RfcMerkle.reader(leaves));

    assertThat(p.hashes()).containsExactlyElementsOf(RfcMerkle.proof(m, leaves));
    MerkleProofs.verifyConsistency(p, root1, root2);
    assertThat(RfcMerkle.verifyProof(m, size, p.hashes(), root1, root2)).isTrue();
    for (Probe<ConsistencyProof> probe : consistencyProbes(p, root1, root2)) {
      ConsistencyProof q = probe.proof;
      assertThatThrownBy(() -> MerkleProofs.verifyConsistency(q, probe.root1, probe.root2))
          .as(probe.name).isInstanceOf(InvalidProofException.class);
      assertThat(RfcMerkle.verifyProof(q.from(), q.to(), q.hashes(), probe.root1, probe.root2))
          .as(probe.name).isFalse();
    }
  }

  @Test
  void proofs_hugeTree_haveBoundedLengthAndVerify() {
    // A tree of 2^62 + 12345 leaves whose leaf hashes are all equal: every perfect subtree of
    // one level has one hash, so the reader answers without the leaves.
    long size = (1L << 62) + 12_345;
    Digest leaf = nh(0, 3);
    Digest[] level = new Digest[63];
    level[0] = leaf;
    for (int l = 1; l < 63; l++) {
      level[l] = MerkleTree.nodeHash(level[l - 1], level[l - 1]);
    }
    MerkleNodeReader uniform = nodes -> nodes.stream().map(x -> level[x.level()]).toList();
    Digest root = MerkleProofs.root(size, uniform);
    long index = size - 7;

    InclusionProof p = MerkleProofs.inclusionProof(index, size, uniform);
    ConsistencyProof c = MerkleProofs.consistencyProof(size - 1000, size, uniform);

    assertThat(p.hashes()).hasSizeLessThanOrEqualTo(InclusionProof.MAX_HASHES);
    MerkleProofs.verifyInclusion(p, root);
    MerkleProofs.verifyConsistency(c, MerkleProofs.root(size - 1000, uniform), root);
  }

  // ------------------------------------------------------------------ helpers

  private record Probe<P>(String name, P proof, Digest root1, Digest root2) {
    Probe(String name, P proof, Digest root) {
      this(name, proof, root, null);
    }
  }

  private static void assertReason(Runnable r, Reason reason) {
    assertThatThrownBy(r::run).isInstanceOf(InvalidProofException.class)
        .extracting(e -> ((InvalidProofException) e).reason()).isEqualTo(reason);
  }

  private static Digest flip(Digest d, int bit) {
    byte[] b = d.bytes();
    b[bit / 8] ^= (byte) (1 << (bit % 8));
    return Digest.of(b);
  }

  private static List<Digest> prepend(Digest d, List<Digest> h) {
    return edit(h, l -> {
      l.add(0, d);
      return l;
    });
  }

  private static List<Digest> append(List<Digest> h, Digest d) {
    return edit(h, l -> {
      l.add(d);
      return l;
    });
  }

  private static List<Digest> replace(List<Digest> h, int k, Digest d) {
    return edit(h, l -> {
      l.set(k, d);
      return l;
    });
  }

  private static List<Digest> remove(List<Digest> h, int k) {
    return edit(h, l -> {
      l.remove(k);
      return l;
    });
  }

  private static List<Digest> insert(List<Digest> h, int k, Digest d) {
    return edit(h, l -> {
      l.add(k, d);
      return l;
    });
  }

  private static List<Digest> edit(List<Digest> h, Function<List<Digest>, List<Digest>> f) {
    return f.apply(new ArrayList<>(h));
  }
}
