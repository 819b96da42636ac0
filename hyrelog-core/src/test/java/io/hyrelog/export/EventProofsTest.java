package io.hyrelog.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hyrelog.Digest;
import io.hyrelog.integrity.InclusionProof;
import io.hyrelog.integrity.MalformedProofException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The proofs format of docs/format.md §9.3: written compact, read back, read strictly. */
class EventProofsTest {
  private static final UUID WS = UUID.fromString("0190f0f0-0000-7000-8000-0000000000aa");
  private static final String NOTE = "audit.example.com/chains/" + WS + "\n3\nAAAA\n\n\u2014 k x\n";
  private static final InclusionProof PROOF = new InclusionProof(1, 3,
      Digest.sha256(new byte[] {1}), List.of(Digest.sha256(new byte[] {2})));

  private static String written() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    EventProofs.Writer w = new EventProofs.Writer(out);
    w.write(new EventProofs.CheckpointLine(WS, NOTE));
    w.write(new EventProofs.ProofLine(WS, 2, PROOF));
    assertThat(w.proofs()).isEqualTo(1);
    assertThatThrownBy(() -> w.write(new EventProofs.CheckpointLine(WS, NOTE)))
        .isInstanceOf(IllegalStateException.class);
    return out.toString(StandardCharsets.UTF_8);
  }

  private static EventProofs.Reader reader(String text) {
    return new EventProofs.Reader(new ByteArrayInputStream(text.getBytes(
        StandardCharsets.UTF_8)));
  }

  @Test
  void write_thenRead_sameLines() throws Exception {
    String text = written();
    assertThat(text.split("\n")[1]).isEqualTo("{\"workspaceId\":\"" + WS + "\",\"seq\":2,"
        + "\"proof\":" + PROOF.toJson() + "}");
    try (EventProofs.Reader r = reader(text)) {
      assertThat(r.checkpoints()).containsExactly(new EventProofs.CheckpointLine(WS, NOTE));
      assertThat(r.next()).isEqualTo(new EventProofs.ProofLine(WS, 2, PROOF));
      assertThat(r.lineNumber()).isEqualTo(2);
      assertThat(r.next()).isNull();
    }
  }

  @Test
  void read_malformedLines_refusedNamingTheLine() throws Exception {
    String proof = written().split("\n")[1];
    String cp = written().split("\n")[0];
    for (String bad : List.of(
        proof.replace("\"seq\":2", "\"seq\":2,\"x\":1"),
        proof.replace("\"seq\":2", "\"seq\":0"),
        proof.replace(",\"seq\":2", ""),
        proof.replace(WS.toString(), WS.toString().toUpperCase()),
        proof.replace("\"treeSize\":3", "\"treeSize\":-3"),
        cp + "\n" + cp,
        proof + "\n" + cp)) {
      try (EventProofs.Reader r = reader(bad + "\n")) {
        assertThatThrownBy(() -> {
          r.checkpoints();
          while (r.next() != null) {
            // read on
          }
        }).as(bad).isInstanceOf(MalformedProofException.class).hasMessageContaining("line ");
      }
    }
  }

  @Test
  void inStep_missingAndExtraProofs_named() throws Exception {
    try (EventProofs.Reader r = reader(written())) {
      r.checkpoints();
      EventProofs.InStep s = new EventProofs.InStep(r, java.util.Map.of());
      // No checkpoint of the chain: the proof cannot be checked.
      assertThat(s.accept(WS, 2, PROOF.leafHash())).isFalse();
      assertThat(s.failure().orElseThrow().reason()).isEqualTo(EventProofs.Reason.NO_CHECKPOINT);
    }
    try (EventProofs.Reader r = reader(written())) {
      r.checkpoints();
      EventProofs.InStep s = new EventProofs.InStep(r, java.util.Map.of());
      s.finish();
      assertThat(s.failure().orElseThrow().reason()).isEqualTo(EventProofs.Reason.EXTRA_PROOF);
    }
    try (EventProofs.Reader r = reader(written().split("\n")[0] + "\n")) {
      r.checkpoints();
      EventProofs.InStep s = new EventProofs.InStep(r, java.util.Map.of());
      assertThat(s.accept(WS, 2, PROOF.leafHash())).isFalse();
      assertThat(s.failure().orElseThrow().reason())
          .isEqualTo(EventProofs.Reason.MISSING_PROOF);
    }
  }
}
