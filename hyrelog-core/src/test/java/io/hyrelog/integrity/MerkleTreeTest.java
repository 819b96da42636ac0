package io.hyrelog.integrity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import io.hyrelog.Digest;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MerkleTreeTest {
  // Leaf inputs and roots from transparency-dev/merkle testonly/constants.go (LeafInputs,
  // RootHashes), the same vectors as certificate-transparency's merkle tree tests.
  private static final String[] LEAVES = Rfc6962Reference.LEAF_INPUTS;
  private static final String[] ROOTS = Rfc6962Reference.ROOTS;

  private static final HexFormat HEX = HexFormat.of();

  @Test
  void root_emptyTree_isSha256OfEmptyString() {
    MerkleTree tree = new MerkleTree();

    assertThat(tree.size()).isZero();
    assertThat(tree.root().hex()).isEqualTo(ROOTS[0]);
    assertThat(MerkleTree.emptyRoot().hex()).isEqualTo(ROOTS[0]);
  }

  @ParameterizedTest(name = "size {0}")
  @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8})
  void root_referenceLeaves_matchesKnownRoot(int size) {
    MerkleTree tree = new MerkleTree();
    for (int i = 0; i < size; i++) {
      tree.append(MerkleTree.leafHash(HEX.parseHex(LEAVES[i])));
    }

    assertThat(tree.size()).isEqualTo(size);
    assertThat(tree.root().hex()).isEqualTo(ROOTS[size]);
  }

  @Test
  void root_calledAfterEveryAppend_doesNotDisturbLaterRoots() {
    MerkleTree tree = new MerkleTree();
    List<String> first = new ArrayList<>();
    List<String> second = new ArrayList<>();
    first.add(tree.root().hex());
    second.add(tree.root().hex());
    for (String leaf : LEAVES) {
      tree.append(MerkleTree.leafHash(HEX.parseHex(leaf)));
      first.add(tree.root().hex());
      second.add(tree.root().hex());
    }

    assertThat(first).containsExactly(ROOTS);
    assertThat(second).containsExactly(ROOTS);
  }

  @Test
  void leafHash_emptyInput_isSha256OfZeroByte() {
    // Level-0 node hash of the empty leaf in transparency-dev/merkle NodeHashes().
    assertThat(MerkleTree.leafHash(new byte[0]).hex())
        .isEqualTo("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d");
  }

  @Test
  void nodeHash_firstTwoReferenceLeaves_matchesKnownNode() {
    Digest left = MerkleTree.leafHash(HEX.parseHex(LEAVES[0]));
    Digest right = MerkleTree.leafHash(HEX.parseHex(LEAVES[1]));

    assertThat(MerkleTree.nodeHash(left, right).hex()).isEqualTo(ROOTS[2]);
    assertThat(MerkleTree.nodeHash(right, left).hex()).isNotEqualTo(ROOTS[2]);
  }

  @Test
  void append_nullLeaf_throwsAndLeavesTreeUnchanged() {
    MerkleTree tree = new MerkleTree();
    tree.append(MerkleTree.leafHash(new byte[0]));

    assertThatNullPointerException().isThrownBy(() -> tree.append(null));
    assertThat(tree.size()).isEqualTo(1);
    assertThat(tree.root().hex()).isEqualTo(ROOTS[1]);
  }

  @Property(tries = 40, seed = "9162")
  void root_anySize_equalsRecursiveDefinition(
      @ForAll @IntRange(min = 0, max = 600) int size, @ForAll long salt) {
    List<Digest> leaves = new ArrayList<>(size);
    MerkleTree tree = new MerkleTree();
    for (int i = 0; i < size; i++) {
      Digest leaf = MerkleTree.leafHash(ByteBuffer.allocate(12).putLong(salt).putInt(i).array());
      leaves.add(leaf);
      tree.append(leaf);
    }

    assertThat(tree.size()).isEqualTo(size);
    assertThat(tree.root()).isEqualTo(recursiveRoot(leaves));
  }

  @Property(tries = 30, seed = "9163")
  void copy_anyPrefix_growsToTheSameRootsAndLeavesTheOriginalAlone(
      @ForAll @IntRange(min = 0, max = 300) int prefix,
      @ForAll @IntRange(min = 0, max = 300) int more) {
    List<Digest> leaves = new ArrayList<>();
    MerkleTree tree = new MerkleTree();
    for (int i = 0; i < prefix; i++) {
      leaves.add(MerkleTree.leafHash(ByteBuffer.allocate(4).putInt(i).array()));
      tree.append(leaves.get(i));
    }
    Digest rootAtPrefix = tree.root();
    MerkleTree grown = tree.copy();
    for (int i = prefix; i < prefix + more; i++) {
      leaves.add(MerkleTree.leafHash(ByteBuffer.allocate(4).putInt(i).array()));
      grown.append(leaves.get(i));
    }

    assertThat(grown.size()).isEqualTo(prefix + more);
    assertThat(grown.root()).isEqualTo(recursiveRoot(leaves));
    assertThat(tree.size()).isEqualTo(prefix);
    assertThat(tree.root()).isEqualTo(rootAtPrefix);
  }

  /** RFC 9162 section 2.1.1 taken literally, over leaf hashes. */
  private static Digest recursiveRoot(List<Digest> leaves) {
    int n = leaves.size();
    if (n == 0) {
      return Digest.sha256(new byte[0]);
    }
    if (n == 1) {
      return leaves.get(0);
    }
    int k = 1;
    while (k << 1 < n) {
      k <<= 1;
    }
    byte[] buf = new byte[1 + 2 * Digest.LENGTH];
    buf[0] = 0x01;
    System.arraycopy(recursiveRoot(leaves.subList(0, k)).bytes(), 0, buf, 1, Digest.LENGTH);
    System.arraycopy(
        recursiveRoot(leaves.subList(k, n)).bytes(), 0, buf, 1 + Digest.LENGTH, Digest.LENGTH);
    return Digest.sha256(buf);
  }
}
