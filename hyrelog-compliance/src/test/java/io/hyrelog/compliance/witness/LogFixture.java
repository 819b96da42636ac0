package io.hyrelog.compliance.witness;

import io.hyrelog.Digest;
import io.hyrelog.integrity.Checkpoint;
import io.hyrelog.integrity.Ed25519NoteSigner;
import io.hyrelog.integrity.MerkleNodeReader;
import io.hyrelog.integrity.MerkleProofs;
import io.hyrelog.integrity.MerkleTree;
import io.hyrelog.integrity.SignedNote;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/** A transparency log in memory for witness tests: seeded leaves, signed checkpoints, proofs. */
final class LogFixture {
  static final String ORIGIN = "audit.example.com/chains/0190a1b2-0000-7000-8000-000000000001";

  final Ed25519NoteSigner key;
  final List<Digest> leaves = new ArrayList<>();

  LogFixture(String keyName, int seedByte, int leafCount, long leafSeed) {
    byte[] seed = new byte[32];
    seed[0] = (byte) seedByte;
    this.key = Ed25519NoteSigner.fromSeed(keyName, seed);
    for (int i = 0; i < leafCount; i++) {
      leaves.add(MerkleTree.leafHash(ByteBuffer.allocate(16).putLong(leafSeed).putLong(i)
          .array()));
    }
  }

  Digest root(long size) {
    MerkleTree t = new MerkleTree();
    leaves.subList(0, (int) size).forEach(t::append);
    return t.root();
  }

  MerkleNodeReader reader() {
    return nodes -> nodes.stream().map(n -> {
      MerkleTree t = new MerkleTree();
      leaves.subList((int) n.start(), (int) n.end()).forEach(t::append);
      return t.root();
    }).toList();
  }

  Checkpoint checkpoint(long size) {
    return new Checkpoint(ORIGIN, size, root(size));
  }

  SignedNote signed(long size) {
    return key.signNote(checkpoint(size).body());
  }

  List<Digest> proof(long from, long to) {
    return from == 0 || from == to ? List.of()
        : MerkleProofs.consistencyProof(from, to, reader()).hashes();
  }

  /** The request moving a witness from {@code from} to this log's checkpoint at {@code to}. */
  String request(long from, long to) {
    return new AddCheckpointRequest(from, proof(from, to), signed(to)).format();
  }
}
