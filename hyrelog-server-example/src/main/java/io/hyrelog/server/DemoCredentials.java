package io.hyrelog.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.UUID;

/**
 * The demo tenant created on first start (or by {@code seed}), as written to
 * {@code demo-credentials.json}. The keys are secrets: {@link #toString()} masks them.
 */
public record DemoCredentials(String baseUrl, UUID companyId, UUID workspaceId, UUID projectId,
    String companyKey, String workspaceKey) {
  private static final ObjectMapper JSON = new ObjectMapper();

  public byte[] toJson() {
    ObjectNode n = JSON.createObjectNode();
    n.put("baseUrl", baseUrl);
    n.put("companyId", companyId.toString());
    n.put("workspaceId", workspaceId.toString());
    n.put("projectId", projectId.toString());
    n.put("companyKey", companyKey);
    n.put("workspaceKey", workspaceKey);
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(n);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Reads a {@code demo-credentials.json} file. */
  public static DemoCredentials read(Path file) throws IOException {
    JsonNode n = JSON.readTree(file.toFile());
    return new DemoCredentials(n.path("baseUrl").asText(),
        UUID.fromString(n.path("companyId").asText()),
        UUID.fromString(n.path("workspaceId").asText()),
        UUID.fromString(n.path("projectId").asText()), n.path("companyKey").asText(),
        n.path("workspaceKey").asText());
  }

  @Override
  public String toString() {
    return "DemoCredentials[" + baseUrl + ", company " + companyId + ", keys <masked>]";
  }
}
