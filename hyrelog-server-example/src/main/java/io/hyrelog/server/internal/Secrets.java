package io.hyrelog.server.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hyrelog.HyrelogException;
import io.hyrelog.files.FileMode;
import io.hyrelog.files.StagedFile;
import io.hyrelog.webhook.SecretSealer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The secrets of embedded mode: generated on first start and kept in {@code secrets.json}
 * (mode 0600) in the data directory, so keys issued earlier keep working after a restart.
 *
 * @param dashboardToken the {@code x-dashboard-token} of {@code /dashboard/*}, or empty when the
 *     dashboard routes are disabled (external mode without {@code HYRELOG_DASHBOARD_TOKEN})
 * @param webhookKey the key sealing webhook secrets at rest (64 hex characters), or empty when
 *     it must come from {@code HYRELOG_WEBHOOK_SECRET_ENCRYPTION_KEY} (external mode)
 * @param subjectKey the key sealing archive subject keys at rest (64 hex characters), or empty
 *     when it must come from {@code HYRELOG_SUBJECT_KEY_ENCRYPTION_KEY} (external mode)
 */
public record Secrets(String apiKeySecret, String internalToken, Optional<String> dashboardToken,
    Optional<String> webhookKey, Optional<String> subjectKey) {

  /** The field of {@link #webhookKey()} in {@code secrets.json}. */
  public static final String WEBHOOK_KEY = "webhookSecretEncryptionKey";
  /** The field of {@link #subjectKey()} in {@code secrets.json}. */
  public static final String SUBJECT_KEY = "subjectKeyEncryptionKey";

  @Override
  public String toString() {
    return "Secrets[<masked>]";
  }

  /** Reads {@code <dataDir>/secrets.json}, creating it with fresh random secrets if absent. */
  public static Secrets loadOrCreate(Path dataDir) {
    Path file = dataDir.resolve("secrets.json");
    try {
      SecureRandom r = new SecureRandom();
      if (Files.exists(file)) {
        JsonNode n = Json.MAPPER.readTree(file.toFile());
        // A data directory from before the dashboard or webhooks: add what it lacks, keep the
        // rest.
        boolean added = false;
        if (n.path("dashboardToken").asText("").isEmpty()) {
          ((ObjectNode) n).put("dashboardToken", random(r));
          added = true;
        }
        if (n.path(WEBHOOK_KEY).asText("").isEmpty()) {
          ((ObjectNode) n).put(WEBHOOK_KEY, SecretSealer.generateKeyHex());
          added = true;
        }
        if (n.path(SUBJECT_KEY).asText("").isEmpty()) {
          ((ObjectNode) n).put(SUBJECT_KEY, SecretSealer.generateKeyHex());
          added = true;
        }
        if (added) {
          StagedFile.writeReplacing(file, Json.MAPPER.writerWithDefaultPrettyPrinter()
              .writeValueAsBytes(n), FileMode.PRIVATE);
        }
        return new Secrets(n.path("apiKeySecret").asText(), n.path("internalToken").asText(),
            Optional.of(n.path("dashboardToken").asText()),
            Optional.of(n.path(WEBHOOK_KEY).asText()), Optional.of(n.path(SUBJECT_KEY).asText()));
      }
      Secrets s = new Secrets(random(r), random(r), Optional.of(random(r)),
          Optional.of(SecretSealer.generateKeyHex()), Optional.of(SecretSealer.generateKeyHex()));
      ObjectNode n = Json.object();
      n.put("apiKeySecret", s.apiKeySecret());
      n.put("internalToken", s.internalToken());
      n.put("dashboardToken", s.dashboardToken().orElseThrow());
      n.put(WEBHOOK_KEY, s.webhookKey().orElseThrow());
      n.put(SUBJECT_KEY, s.subjectKey().orElseThrow());
      StagedFile.writeReplacing(file, Json.MAPPER.writerWithDefaultPrettyPrinter()
          .writeValueAsBytes(n), FileMode.PRIVATE);
      return s;
    } catch (IOException e) {
      throw new HyrelogException("cannot read or create " + file.toAbsolutePath() + ": "
          + e.getMessage(), e);
    }
  }

  private static String random(SecureRandom r) {
    byte[] b = new byte[32];
    r.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }
}
