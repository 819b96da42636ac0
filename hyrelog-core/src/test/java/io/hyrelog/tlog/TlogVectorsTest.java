package io.hyrelog.tlog;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hyrelog.Digest;
import io.hyrelog.integrity.ConsistencyProof;
import io.hyrelog.integrity.InclusionProof;
import io.hyrelog.Jcs;
import io.hyrelog.integrity.MerkleProofs;
import io.hyrelog.integrity.MerkleTree;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The golden vectors of docs/format.md section 9, from src/test/resources/tlog/golden.json. */
class TlogVectorsTest {
  private static JsonNode golden;
  private static MemoryTiles tiles;
  private static List<Digest> leaves;

  @BeforeAll
  static void load() throws IOException {
    try (InputStream in = TlogVectorsTest.class.getResourceAsStream("/tlog/golden.json")) {
      golden = Jcs.parse(in);
    }
    leaves = new ArrayList<>();
    for (long i = 0; i < 300; i++) {
      leaves.add(MerkleTree.leafHash(ByteBuffer.allocate(8).putLong(i).array()));
    }
    tiles = new MemoryTiles();
    tiles.append(leaves);
  }

  private static Iterable<Map.Entry<String, JsonNode>> entries(String name) {
    List<Map.Entry<String, JsonNode>> out = new ArrayList<>();
    for (Iterator<String> it = golden.get(name).fieldNames(); it.hasNext(); ) {
      String k = it.next();
      out.add(Map.entry(k, golden.get(name).get(k)));
    }
    return out;
  }

  @Test
  void leafHashesAndRoots_matchTheGoldenValues() {
    for (Map.Entry<String, JsonNode> e : entries("leafHashes")) {
      assertThat(leaves.get(Integer.parseInt(e.getKey())).hex()).isEqualTo(e.getValue().asText());
    }
    for (Map.Entry<String, JsonNode> e : entries("roots")) {
      long size = Long.parseLong(e.getKey());
      assertThat(TiledTree.of(size, tiles).root().hex()).as("root %d", size)
          .isEqualTo(e.getValue().asText());
    }
  }

  @Test
  void tilesOfSize300_areExactlyTheGoldenOnes() {
    List<String> paths = new ArrayList<>();
    for (Map.Entry<String, JsonNode> e : entries("tilesOfSize300")) {
      TileId id = TileId.parsePath(e.getKey());
      paths.add(e.getKey());
      Tile t = tiles.read(List.of(id)).get(id);
      assertThat(Digest.sha256(t.bytes()).hex()).as(e.getKey()).isEqualTo(e.getValue().asText());
    }
    assertThat(TileId.tiles(300)).extracting(TileId::path).containsExactlyElementsOf(paths);
    assertThat(tiles.read(List.of(new TileId(1, 0, 1))).get(new TileId(1, 0, 1)).hash(0).hex())
        .isEqualTo(golden.get("roots").get("256").asText());
  }

  @Test
  void proofs_areGeneratedExactlyAndVerify() {
    for (JsonNode n : golden.get("inclusion")) {
      InclusionProof expected = InclusionProof.parseJson(n.toString());
      InclusionProof p = TiledTree.of(expected.treeSize(), tiles)
          .inclusionProof(expected.leafIndex());
      assertThat(p).isEqualTo(expected);
      assertThat(p.toJson()).isEqualTo(n.toString());
      MerkleProofs.verifyInclusion(p, root(expected.treeSize()));
    }
    for (JsonNode n : golden.get("consistency")) {
      ConsistencyProof expected = ConsistencyProof.parseJson(n.toString());
      ConsistencyProof c = TiledTree.of(expected.to(), tiles).consistencyProof(expected.from());
      assertThat(c).isEqualTo(expected);
      assertThat(c.toJson()).isEqualTo(n.toString());
      MerkleProofs.verifyConsistency(c, root(expected.from()), root(expected.to()));
    }
  }

  private static Digest root(long size) {
    return Digest.parseHex(golden.get("roots").get(Long.toString(size)).asText());
  }
}
