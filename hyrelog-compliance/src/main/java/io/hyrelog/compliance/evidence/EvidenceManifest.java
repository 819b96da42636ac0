package io.hyrelog.compliance.evidence;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hyrelog.Digest;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * {@code manifest.json}, the last entry of an evidence package: what the bundle is and every
 * other file of the zip, in zip order, with its size and SHA-256. The detached signature signs
 * the SHA-256 of these exact bytes.
 *
 * @param bundleId the bundle
 * @param companyId the company whose events it holds
 * @param from start of the period (inclusive)
 * @param to end of the period (exclusive)
 * @param createdAt when it was written
 * @param events how many events {@code events.jsonl} holds
 * @param files every other entry of the zip, in zip order
 */
public record EvidenceManifest(UUID bundleId, UUID companyId, Instant from, Instant to,
    Instant createdAt, long events, List<BundleFile> files) {
  /** The value of the manifest's {@code format} member. */
  public static final String FORMAT = "hyrelog-evidence-bundle/1";
  /** The manifest's entry name; it is always the last entry. */
  public static final String ENTRY = "manifest.json";

  private static final ObjectMapper MAPPER = new ObjectMapper();

  /**
   * Validates the manifest.
   *
   * @param bundleId the bundle
   * @param companyId the company whose events it holds
   * @param from start of the period (inclusive)
   * @param to end of the period (exclusive)
   * @param createdAt when it was written
   * @param events how many events {@code events.jsonl} holds
   * @param files every other entry of the zip, in zip order
   */
  public EvidenceManifest {
    Objects.requireNonNull(bundleId, "bundleId");
    Objects.requireNonNull(companyId, "companyId");
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(createdAt, "createdAt");
    files = List.copyOf(files);
    if (!from.isBefore(to)) {
      throw new IllegalArgumentException("the period's from must be before its to");
    }
  }

  /**
   * The UTF-8 JSON bytes written to the package (one line, fields in a fixed order).
   *
   * @return the bytes
   */
  public byte[] toBytes() {
    ObjectNode n = MAPPER.createObjectNode();
    n.put("format", FORMAT);
    n.put("bundle_id", bundleId.toString());
    n.put("company_id", companyId.toString());
    n.putObject("period").put("from", from.toString()).put("to", to.toString());
    n.put("created_at", createdAt.toString());
    n.put("event_count", events);
    ArrayNode a = n.putArray("files");
    for (BundleFile f : files) {
      a.addObject().put("name", f.name()).put("size", f.size()).put("sha256", f.sha256().hex());
    }
    try {
      byte[] json = MAPPER.writeValueAsBytes(n);
      byte[] out = java.util.Arrays.copyOf(json, json.length + 1);
      out[json.length] = '\n';
      return out;
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a JSON tree", e);
    }
  }

  /**
   * Parses manifest bytes strictly.
   *
   * @param bytes the bytes
   * @return the manifest
   * @throws EvidenceException when they are not a manifest of this format
   */
  public static EvidenceManifest parse(byte[] bytes) {
    JsonNode n;
    try {
      n = MAPPER.readTree(bytes);
    } catch (IOException e) {
      throw new EvidenceException("manifest.json is not JSON");
    }
    try {
      if (n == null || !n.isObject() || !FORMAT.equals(n.path("format").asText(null))) {
        throw new EvidenceException("manifest.json is not a " + FORMAT + " manifest");
      }
      List<BundleFile> files = new ArrayList<>();
      JsonNode fs = n.path("files");
      if (!fs.isArray()) {
        throw new EvidenceException("manifest.json has no files array");
      }
      for (JsonNode f : fs) {
        if (!f.path("size").canConvertToExactIntegral() || !f.path("name").isTextual()
            || !f.path("sha256").isTextual()) {
          throw new EvidenceException("manifest.json has a malformed file entry");
        }
        files.add(new BundleFile(f.get("name").asText(), f.get("size").asLong(),
            Digest.parseHex(f.get("sha256").asText())));
      }
      return new EvidenceManifest(UUID.fromString(text(n, "bundle_id")),
          UUID.fromString(text(n, "company_id")),
          Instant.parse(text(n.path("period"), "from")),
          Instant.parse(text(n.path("period"), "to")),
          Instant.parse(text(n, "created_at")), n.path("event_count").asLong(-1), files);
    } catch (IllegalArgumentException | DateTimeParseException e) {
      throw new EvidenceException("manifest.json has a malformed value: " + e.getMessage());
    }
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.path(field);
    if (!v.isTextual()) {
      throw new EvidenceException("manifest.json has no " + field);
    }
    return v.asText();
  }
}
