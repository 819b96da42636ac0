package io.hyrelog.integrity;

import com.fasterxml.jackson.databind.JsonNode;
import io.hyrelog.Digest;
import io.hyrelog.InvalidJsonException;
import io.hyrelog.Jcs;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The one JSON codec of inclusion and consistency proofs, shared by the HTTP API and the CLI.
 * Strict: exactly the documented members, no other; I-JSON only (duplicate keys and lone
 * surrogates rejected by {@link Jcs}); bounded size.
 */
final class ProofJson {
  /** Longest document accepted; a proof of 64 hashes needs about 4,400 characters. */
  static final int MAX_CHARS = 16_384;

  private static final Set<String> INCLUSION = Set.of("treeSize", "leafIndex", "leafHash",
      "hashes");
  private static final Set<String> CONSISTENCY = Set.of("from", "to", "hashes");

  private ProofJson() {}

  static String writeInclusion(InclusionProof p) {
    StringBuilder sb = new StringBuilder(128 + 67 * p.hashes().size());
    sb.append("{\"treeSize\":").append(p.treeSize())
        .append(",\"leafIndex\":").append(p.leafIndex())
        .append(",\"leafHash\":\"").append(p.leafHash().hex()).append('"');
    return appendHashes(sb, p.hashes()).append('}').toString();
  }

  static String writeConsistency(ConsistencyProof p) {
    StringBuilder sb = new StringBuilder(64 + 67 * p.hashes().size());
    sb.append("{\"from\":").append(p.from()).append(",\"to\":").append(p.to());
    return appendHashes(sb, p.hashes()).append('}').toString();
  }

  private static StringBuilder appendHashes(StringBuilder sb, List<Digest> hashes) {
    sb.append(",\"hashes\":[");
    for (int i = 0; i < hashes.size(); i++) {
      sb.append(i == 0 ? "\"" : ",\"").append(hashes.get(i).hex()).append('"');
    }
    return sb.append(']');
  }

  static InclusionProof parseInclusion(String json) {
    JsonNode root = object(json, "inclusion proof", INCLUSION);
    return new InclusionProof(size(root, "leafIndex"), size(root, "treeSize"),
        hash(root.get("leafHash"), "leafHash"), hashes(root));
  }

  static ConsistencyProof parseConsistency(String json) {
    JsonNode root = object(json, "consistency proof", CONSISTENCY);
    return new ConsistencyProof(size(root, "from"), size(root, "to"), hashes(root));
  }

  private static JsonNode object(String json, String what, Set<String> members) {
    Objects.requireNonNull(json, "json");
    if (json.length() > MAX_CHARS) {
      throw new MalformedProofException(article(what) + what + " document is at most " + MAX_CHARS
          + " characters, got " + json.length());
    }
    JsonNode root;
    try {
      root = Jcs.parse(json);
    } catch (InvalidJsonException e) {
      throw new MalformedProofException("the " + what + " is not I-JSON: " + e.getMessage(), e);
    }
    if (!root.isObject()) {
      throw new MalformedProofException(article(what) + what + " is a JSON object");
    }
    for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!members.contains(name)) {
        throw new MalformedProofException(article(what) + what + " has no member \""
            + printable(name) + "\"; its members are " + String.join(", ", sorted(members)));
      }
    }
    for (String m : sorted(members)) {
      if (!root.has(m)) {
        throw new MalformedProofException("the " + what + " lacks the member \"" + m + "\"");
      }
    }
    return root;
  }

  private static long size(JsonNode root, String name) {
    JsonNode n = root.get(name);
    // Jcs reads numbers as doubles and keeps integral ones within +-(2^53 - 1) as longs.
    if (!n.isIntegralNumber() || n.asLong() < 0) {
      throw new MalformedProofException("\"" + name + "\" is an integer from 0 to 2^53 - 1");
    }
    return n.asLong();
  }

  private static List<Digest> hashes(JsonNode root) {
    JsonNode n = root.get("hashes");
    if (!n.isArray()) {
      throw new MalformedProofException("\"hashes\" is an array of hex strings");
    }
    if (n.size() > InclusionProof.MAX_HASHES) {
      throw new MalformedProofException("\"hashes\" has at most " + InclusionProof.MAX_HASHES
          + " entries, got " + n.size());
    }
    List<Digest> out = new ArrayList<>(n.size());
    for (int i = 0; i < n.size(); i++) {
      out.add(hash(n.get(i), "hashes[" + i + "]"));
    }
    return out;
  }

  private static Digest hash(JsonNode n, String name) {
    if (!n.isTextual()) {
      throw new MalformedProofException("\"" + name + "\" is a string of 64 lowercase hex digits");
    }
    try {
      return Digest.parseHex(n.textValue());
    } catch (IllegalArgumentException e) {
      throw new MalformedProofException("\"" + name + "\" is not 64 lowercase hex digits", e);
    }
  }

  private static String article(String what) {
    return what.startsWith("i") ? "an " : "a ";
  }

  private static List<String> sorted(Set<String> members) {
    return members.stream().sorted().toList();
  }

  /** A member name for a message: short, and only printable ASCII. */
  private static String printable(String name) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < name.length() && sb.length() < 40; i++) {
      char c = name.charAt(i);
      sb.append(c >= 0x20 && c < 0x7f && c != '"' && c != '\\' ? c : '?');
    }
    return name.length() > 40 ? sb + "..." : sb.toString();
  }
}
