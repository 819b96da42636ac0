package io.hyrelog.compliance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hyrelog.Digest;
import io.hyrelog.HyrelogException;
import io.hyrelog.Jcs;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * The manifest of a snapshot: which events of one company a period of recorded time {@code
 * [from, to)} holds, chain by chain ({@link ChainSeal}), with totals. Its bytes are RFC 8785
 * canonical JSON ({@link #toBytes()}), so the same snapshot always has the same bytes and
 * SHA-256; that hash is what {@link SnapshotStatement} signs.
 *
 * <pre>{@code
 * {"chains":[{"count":3,"firstPrevHash":"…","firstSeq":1,"headHash":"…","lastSeq":3,
 *   "merkleRoot":"…","workspaceId":"…"}],"companyId":"…","from":"2026-03-01T00:00:00Z",
 *  "snapshotId":"…","to":"2026-03-02T00:00:00Z","totals":{"chains":1,"events":3},
 *  "type":"hyrelog.snapshot","version":1}
 * }</pre>
 *
 * @param snapshotId the snapshot's id
 * @param companyId the company whose events it covers
 * @param from the period's start, inclusive
 * @param to the period's end, exclusive
 * @param chains one seal per chain with events in the period, sorted by workspace id
 */
public record SnapshotManifest(UUID snapshotId, UUID companyId, Instant from, Instant to,
    List<ChainSeal> chains) {
  /** The format version. */
  public static final int VERSION = 1;
  private static final String TYPE = "hyrelog.snapshot";

  /**
   * Validates the manifest and copies its chains.
   *
   * @param snapshotId the snapshot's id
   * @param companyId the company whose events it covers
   * @param from the period's start, inclusive
   * @param to the period's end, exclusive
   * @param chains one seal per chain with events in the period, sorted by workspace id
   */
  public SnapshotManifest {
    Objects.requireNonNull(snapshotId, "snapshotId");
    Objects.requireNonNull(companyId, "companyId");
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    if (!from.isBefore(to)) {
      throw new IllegalArgumentException("a snapshot period has from < to, got " + from
          + " .. " + to);
    }
    List<ChainSeal> sorted = new ArrayList<>(chains);
    sorted.sort(Comparator.comparing(ChainSeal::workspaceId));
    for (int i = 1; i < sorted.size(); i++) {
      if (sorted.get(i).workspaceId().equals(sorted.get(i - 1).workspaceId())) {
        throw new IllegalArgumentException("chain " + sorted.get(i).workspaceId()
            + " appears twice in a manifest");
      }
    }
    chains = List.copyOf(sorted);
  }

  /**
   * Events over all chains.
   *
   * @return the event count
   */
  public long events() {
    return chains.stream().mapToLong(ChainSeal::count).sum();
  }

  /**
   * The canonical JSON bytes (RFC 8785).
   *
   * @return the bytes
   */
  public byte[] toBytes() {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode root = f.objectNode();
    root.put("type", TYPE);
    root.put("version", VERSION);
    root.put("snapshotId", snapshotId.toString());
    root.put("companyId", companyId.toString());
    root.put("from", from.toString());
    root.put("to", to.toString());
    ArrayNode list = root.putArray("chains");
    for (ChainSeal c : chains) {
      list.addObject().put("workspaceId", c.workspaceId().toString())
          .put("firstSeq", c.firstSeq()).put("lastSeq", c.lastSeq()).put("count", c.count())
          .put("merkleRoot", c.merkleRoot().hex()).put("firstPrevHash", c.firstPrevHash().hex())
          .put("headHash", c.headHash().hex());
    }
    root.putObject("totals").put("chains", chains.size()).put("events", events());
    return Jcs.canonicalize(root);
  }

  /**
   * SHA-256 of {@link #toBytes()}.
   *
   * @return the digest
   */
  public Digest sha256() {
    return Digest.sha256(toBytes());
  }

  /**
   * Reads a manifest and checks it is canonical and its totals add up.
   *
   * @param bytes the bytes
   * @return the manifest
   * @throws HyrelogException naming the first problem
   */
  public static SnapshotManifest parse(byte[] bytes) {
    JsonNode n;
    try {
      n = Jcs.parse(bytes);
    } catch (RuntimeException e) {
      throw new HyrelogException("snapshot manifest is not valid JSON: " + e.getMessage(), e);
    }
    try {
      if (!TYPE.equals(n.path("type").asText()) || n.path("version").asInt() != VERSION) {
        throw new HyrelogException("not a version " + VERSION + " HyreLog snapshot manifest");
      }
      List<ChainSeal> chains = new ArrayList<>();
      for (JsonNode c : n.path("chains")) {
        ChainSeal seal = new ChainSeal(UUID.fromString(c.path("workspaceId").asText()),
            c.path("firstSeq").asLong(), c.path("lastSeq").asLong(),
            Digest.parseHex(c.path("merkleRoot").asText()),
            Digest.parseHex(c.path("firstPrevHash").asText()),
            Digest.parseHex(c.path("headHash").asText()));
        if (c.path("count").asLong() != seal.count()) {
          throw new HyrelogException("chain " + seal.workspaceId() + " count does not match"
              + " its seq range");
        }
        chains.add(seal);
      }
      SnapshotManifest m = new SnapshotManifest(UUID.fromString(n.path("snapshotId").asText()),
          UUID.fromString(n.path("companyId").asText()), Instant.parse(n.path("from").asText()),
          Instant.parse(n.path("to").asText()), chains);
      if (!java.util.Arrays.equals(m.toBytes(), bytes)) {
        throw new HyrelogException("snapshot manifest is not in canonical form or its totals"
            + " do not add up");
      }
      return m;
    } catch (IllegalArgumentException | java.time.format.DateTimeParseException e) {
      throw new HyrelogException("snapshot manifest is malformed: " + e.getMessage(), e);
    }
  }
}
