package io.hyrelog.integrity;

import io.hyrelog.Digest;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A second, deliberately naive RFC 9162 implementation for tests, written straight from the
 * definitions of section 2.1 over a list of leaf hashes: recursive MTH, PATH and PROOF, and
 * verifiers that rebuild the roots by the same recursion. No bit tricks, no tiles, no shared
 * code with the production classes beyond SHA-256 itself (node hashes are computed here too).
 */
public final class RfcMerkle {
  private RfcMerkle() {}

  /** MTH(D[n]) over leaf hashes (RFC 9162 section 2.1.1). */
  public static Digest mth(List<Digest> d) {
    int n = d.size();
    if (n == 0) {
      return Digest.sha256(new byte[0]);
    }
    if (n == 1) {
      return d.get(0);
    }
    int k = largestPowerOfTwoBelow(n);
    return node(mth(d.subList(0, k)), mth(d.subList(k, n)));
  }

  /** PATH(m, D[n]) (section 2.1.3.1). */
  public static List<Digest> path(int m, List<Digest> d) {
    int n = d.size();
    if (n == 1) {
      return new ArrayList<>();
    }
    int k = largestPowerOfTwoBelow(n);
    List<Digest> out;
    if (m < k) {
      out = path(m, d.subList(0, k));
      out.add(mth(d.subList(k, n)));
    } else {
      out = path(m - k, d.subList(k, n));
      out.add(mth(d.subList(0, k)));
    }
    return out;
  }

  /** PROOF(m, D[n]) (section 2.1.4.1), for 0 < m <= n. */
  public static List<Digest> proof(int m, List<Digest> d) {
    return subproof(m, d, true);
  }

  private static List<Digest> subproof(int m, List<Digest> d, boolean b) {
    int n = d.size();
    if (m == n) {
      List<Digest> out = new ArrayList<>();
      if (!b) {
        out.add(mth(d));
      }
      return out;
    }
    int k = largestPowerOfTwoBelow(n);
    List<Digest> out;
    if (m <= k) {
      out = subproof(m, d.subList(0, k), b);
      out.add(mth(d.subList(k, n)));
    } else {
      out = subproof(m - k, d.subList(k, n), false);
      out.add(mth(d.subList(0, k)));
    }
    return out;
  }

  /**
   * Whether {@code path} proves {@code leaf} at {@code m} in a tree of {@code n} with {@code
   * root}: rebuilds the root by undoing PATH's recursion.
   */
  public static boolean verifyPath(long m, long n, Digest leaf, List<Digest> path, Digest root) {
    if (m < 0 || m >= n) {
      return false;
    }
    Digest rebuilt = rootFromPath(m, n, leaf, new ArrayList<>(path));
    return rebuilt != null && rebuilt.equals(root);
  }

  private static Digest rootFromPath(long m, long n, Digest leaf, List<Digest> path) {
    if (n == 1) {
      return path.isEmpty() ? leaf : null;
    }
    if (path.isEmpty()) {
      return null;
    }
    long k = largestPowerOfTwoBelow(n);
    Digest last = path.remove(path.size() - 1);
    if (m < k) {
      Digest left = rootFromPath(m, k, leaf, path);
      return left == null ? null : node(left, last);
    }
    Digest right = rootFromPath(m - k, n - k, leaf, path);
    return right == null ? null : node(last, right);
  }

  /**
   * Whether {@code proof} shows the tree of {@code n} with {@code newRoot} extends the tree of
   * {@code m} with {@code oldRoot}: rebuilds both roots by undoing SUBPROOF's recursion.
   */
  public static boolean verifyProof(long m, long n, List<Digest> proof, Digest oldRoot,
      Digest newRoot) {
    if (m <= 0 || m > n) {
      return false;
    }
    if (m == n) {
      return proof.isEmpty() && oldRoot.equals(newRoot);
    }
    Digest[] roots = rebuild(m, n, new ArrayList<>(proof), true, oldRoot);
    return roots != null && roots[0].equals(oldRoot) && roots[1].equals(newRoot);
  }

  /** {old MTH of D[0:m], new MTH of D[0:n]} of the subtree, or null when the proof is short. */
  private static Digest[] rebuild(long m, long n, List<Digest> proof, boolean b, Digest oldRoot) {
    if (m == n) {
      if (b) {
        return proof.isEmpty() ? new Digest[] {oldRoot, oldRoot} : null;
      }
      if (proof.size() != 1) {
        return null;
      }
      Digest x = proof.remove(0);
      return new Digest[] {x, x};
    }
    if (proof.isEmpty()) {
      return null;
    }
    long k = largestPowerOfTwoBelow(n);
    Digest last = proof.remove(proof.size() - 1);
    if (m <= k) {
      Digest[] sub = rebuild(m, k, proof, b, oldRoot);
      return sub == null ? null : new Digest[] {sub[0], node(sub[1], last)};
    }
    Digest[] sub = rebuild(m - k, n - k, proof, false, oldRoot);
    return sub == null ? null : new Digest[] {node(last, sub[0]), node(last, sub[1])};
  }

  /** A reader answering every node with the naive MTH of its leaves. */
  public static MerkleNodeReader reader(List<Digest> leaves) {
    return nodes -> nodes.stream()
        .map(x -> mth(leaves.subList((int) x.start(), (int) x.end())))
        .toList();
  }

  /** {@code n} distinct pseudo-random leaf hashes from {@code seed}. */
  public static List<Digest> leaves(int n, long seed) {
    Random r = new Random(seed);
    List<Digest> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      byte[] b = ByteBuffer.allocate(12).putLong(r.nextLong()).putInt(i).array();
      out.add(leafHash(b));
    }
    return out;
  }

  /** SHA-256(0x00 || data). */
  public static Digest leafHash(byte[] data) {
    MessageDigest md = Digest.newSha256();
    md.update((byte) 0);
    md.update(data);
    return Digest.finish(md);
  }

  /** SHA-256(0x01 || left || right). */
  public static Digest node(Digest left, Digest right) {
    MessageDigest md = Digest.newSha256();
    md.update((byte) 1);
    md.update(left.bytes());
    md.update(right.bytes());
    return Digest.finish(md);
  }

  private static int largestPowerOfTwoBelow(int n) {
    int k = 1;
    while (k * 2 < n) {
      k *= 2;
    }
    return k;
  }

  private static long largestPowerOfTwoBelow(long n) {
    long k = 1;
    while (k * 2 < n) {
      k *= 2;
    }
    return k;
  }
}
