package io.hyrelog.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hyrelog.EventScope;
import io.hyrelog.compliance.witness.AddCheckpointRequest;
import io.hyrelog.compliance.witness.Cosigner;
import io.hyrelog.compliance.witness.Witness;
import io.hyrelog.compliance.witness.WitnessResponse;
import io.hyrelog.integrity.ChainCheckpoint;
import io.hyrelog.integrity.ConsistencyProof;
import io.hyrelog.integrity.Ed25519NoteSigner;
import io.hyrelog.integrity.SignedNote;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The witness over real HTTP (the JDK's server on a free port, the JDK's client): a chain's
 * checkpoints cosigned as they grow, a stale request answered 409 with the witness's size, and
 * the HTTP edges; and the command's refusals of bad options.
 */
class WitnessCommandTest {
  @TempDir Path dir;

  private final CliFixtures f = new CliFixtures(30);
  private final EventScope ws = EventScope.of(CliFixtures.WS);
  private final Cosigner cosigner = Cosigner.of(Ed25519NoteSigner.fromSeed(
      "witness.example.org", new byte[32]));
  private final HttpClient client = HttpClient.newHttpClient();

  private SignedNote signed(long size) {
    ChainCheckpoint cp = f.log.checkpoint("audit.example.com", ws, size);
    return f.signer.signNote(cp.toCheckpoint().body());
  }

  private HttpResponse<String> post(int port, String path, String body) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void addCheckpoint_growingChain_cosigned_staleRequest409() throws Exception {
    try (Witness witness = Witness.builder(cosigner, dir.resolve("state"))
        .logPrefix("audit.example.com/chains/", f.signer.verifier()).build();
        WitnessServer server = WitnessServer.start(witness, "127.0.0.1", 0)) {
      SignedNote at10 = signed(10);
      HttpResponse<String> first = post(server.port(), "/add-checkpoint",
          AddCheckpointRequest.of(new ConsistencyProof(0, 10, List.of()), at10).format());
      assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
      assertThat(WitnessResponse.parseCosignatures(first.body(), at10.text(),
          List.of(cosigner.verifier()))).hasSize(1);

      SignedNote at20 = signed(20);
      HttpResponse<String> grown = post(server.port(), "/add-checkpoint",
          AddCheckpointRequest.of(f.log.consistencyProof(ws, 10, 20), at20).format());
      assertThat(grown.statusCode()).as(grown.body()).isEqualTo(200);
      assertThat(witness.size("audit.example.com/chains/" + CliFixtures.WS.workspaceId()))
          .isEqualTo(20);

      // A log that lost track (it thinks the witness is at 10): 409 with the witness's size.
      HttpResponse<String> stale = post(server.port(), "/add-checkpoint",
          AddCheckpointRequest.of(f.log.consistencyProof(ws, 10, 20), at20).format());
      assertThat(stale.statusCode()).isEqualTo(409);
      assertThat(WitnessResponse.parseConflictSize(stale.body())).isEqualTo(20);

      // A checkpoint signed by a key the witness does not trust for the log: 403.
      SignedNote forged = Ed25519NoteSigner.fromSeed("audit.example.com", new byte[] {
          1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24,
          25, 26, 27, 28, 29, 30, 31, 32}).signNote(f.log.checkpoint("audit.example.com", ws,
          20).toCheckpoint().body());
      assertThat(post(server.port(), "/add-checkpoint", AddCheckpointRequest.of(
          new ConsistencyProof(20, 20, List.of()), forged).format()).statusCode())
          .isEqualTo(403);
    }
  }

  @Test
  void httpEdges_specificAnswers() throws Exception {
    try (Witness witness = Witness.builder(cosigner, dir.resolve("state"))
        .logPrefix("audit.example.com/chains/", f.signer.verifier()).build();
        WitnessServer server = WitnessServer.start(witness, "127.0.0.1", 0)) {
      assertThat(post(server.port(), "/add-checkpoint", "old 0\n").statusCode())
          .isEqualTo(400);
      assertThat(post(server.port(), "/add-checkpoint",
          "x".repeat(WitnessServer.MAX_BODY + 1)).statusCode()).isEqualTo(413);
      assertThat(post(server.port(), "/other", "").statusCode()).isEqualTo(404);
      HttpResponse<String> get = client.send(HttpRequest.newBuilder(URI.create(
          "http://127.0.0.1:" + server.port() + "/add-checkpoint")).GET().build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(get.statusCode()).isEqualTo(405);
      assertThat(get.headers().firstValue("Allow")).hasValue("POST");
    }
  }

  @Test
  void command_badOptions_exit2() throws Exception {
    HyrelogCliTest.Result noKey = HyrelogCliTest.run("witness", "--key",
        dir.resolve("missing.pem").toString(), "--name", "witness.example.org", "--log-key",
        f.signer.verifier().verifierKey(), "--state", dir.resolve("s").toString());
    assertThat(noKey.code()).isEqualTo(2);
    assertThat(noKey.err()).contains("missing.pem");
    HyrelogCliTest.Result port = HyrelogCliTest.run("witness", "--key", "k.pem", "--name", "w",
        "--log-key", f.signer.verifier().verifierKey(), "--state", "s", "--port", "70000");
    assertThat(port.code()).isEqualTo(2);
    assertThat(port.err()).contains("--port");
    HyrelogCliTest.Result missing = HyrelogCliTest.run("witness", "--name", "w");
    assertThat(missing.code()).isEqualTo(2);
  }
}
