package io.hyrelog.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hyrelog.export.JsonlEventReader;
import io.hyrelog.integrity.ChainVerifier;
import io.hyrelog.integrity.VerificationReport;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A workspace chain downloaded from {@code GET /v1/chains/{ws}/events.jsonl} and verified
 * offline with the core verifier (as the CLI's {@code verify} does), trusting nothing the
 * server says about it.
 *
 * @param ids the event ids in file order
 * @param seqs the seqs in file order
 * @param report the offline verification of the whole file as one complete chain
 */
public record ChainExport(List<UUID> ids, List<Long> seqs, VerificationReport report) {

  /** Downloads and verifies the chain of {@code workspaceId} with {@code key}. */
  public static ChainExport download(TestHttp http, UUID workspaceId, String key) {
    TestHttp.Response r = http.get("/v1/chains/" + workspaceId + "/events.jsonl",
        "Authorization", "Bearer " + key);
    assertThat(r.status()).as("export status: %s", r.text()).isEqualTo(200);
    ChainVerifier v = ChainVerifier.builder().expectChains(List.of(workspaceId))
        .requireCompleteChains().build();
    List<UUID> ids = new ArrayList<>();
    List<Long> seqs = new ArrayList<>();
    try (JsonlEventReader reader = new JsonlEventReader(new ByteArrayInputStream(r.body()))) {
      for (JsonlEventReader.Line line = reader.next(); line != null; line = reader.next()) {
        assertThat(line.error()).as("line %d", line.number()).isNull();
        ids.add(UUID.fromString(line.tree().path("id").asText()));
        seqs.add(line.tree().path("seq").asLong());
        if (!v.accept(line.tree(), line.number())) {
          break;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new ChainExport(List.copyOf(ids), List.copyOf(seqs), v.finish());
  }

  /** The events of the chain of {@code workspaceId} as JSON trees, in file order. */
  public static List<JsonNode> events(TestHttp http, UUID workspaceId, String key) {
    TestHttp.Response r = http.get("/v1/chains/" + workspaceId + "/events.jsonl",
        "Authorization", "Bearer " + key);
    assertThat(r.status()).as("export status: %s", r.text()).isEqualTo(200);
    List<JsonNode> events = new ArrayList<>();
    try (JsonlEventReader reader = new JsonlEventReader(new ByteArrayInputStream(r.body()))) {
      for (JsonlEventReader.Line line = reader.next(); line != null; line = reader.next()) {
        assertThat(line.error()).as("line %d", line.number()).isNull();
        events.add(line.tree());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return events;
  }

  /** The server's own re-verification ({@code GET /v1/chains/{ws}/verify}). */
  public static TestHttp.Response serverVerify(TestHttp http, UUID workspaceId, String key) {
    TestHttp.Response r = http.get("/v1/chains/" + workspaceId + "/verify",
        "Authorization", "Bearer " + key);
    assertThat(r.status()).as("verify status: %s", r.text()).isEqualTo(200);
    return r;
  }

  /** The chain head's seq ({@code GET /v1/chains/{ws}/head}). */
  public static long headSeq(TestHttp http, UUID workspaceId, String key) {
    TestHttp.Response r = http.get("/v1/chains/" + workspaceId + "/head",
        "Authorization", "Bearer " + key);
    assertThat(r.status()).as("head status: %s", r.text()).isEqualTo(200);
    return r.json().path("seq").asLong();
  }
}
