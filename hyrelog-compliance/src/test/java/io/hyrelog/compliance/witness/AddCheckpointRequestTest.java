package io.hyrelog.compliance.witness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hyrelog.Digest;
import io.hyrelog.HyrelogException;
import io.hyrelog.integrity.ConsistencyProof;
import io.hyrelog.integrity.SignedNote;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AddCheckpointRequestTest {
  private final LogFixture log = new LogFixture("audit.example.com", 1, 20, 1);

  @Test
  void format_followsTheSpecLayout() {
    SignedNote note = log.signed(13);
    List<Digest> proof = log.proof(8, 13);
    String body = new AddCheckpointRequest(8, proof, note).format();

    StringBuilder expected = new StringBuilder("old 8\n");
    for (Digest d : proof) {
      expected.append(java.util.Base64.getEncoder().encodeToString(d.bytes())).append('\n');
    }
    expected.append('\n').append(note.format());
    assertThat(body).isEqualTo(expected.toString());
    assertThat(AddCheckpointRequest.parse(body))
        .isEqualTo(new AddCheckpointRequest(8, proof, note));
  }

  @Test
  void of_consistencyProof_takesItsOldSizeAndHashes() {
    ConsistencyProof p = new ConsistencyProof(8, 13, log.proof(8, 13));
    AddCheckpointRequest r = AddCheckpointRequest.of(p, log.signed(13));

    assertThat(r.oldSize()).isEqualTo(8);
    assertThat(r.proof()).isEqualTo(p.hashes());
  }

  @Test
  void parse_oldZeroWithoutProof_roundTrips() {
    String body = log.request(0, 5);

    AddCheckpointRequest r = AddCheckpointRequest.parse(body);

    assertThat(r.oldSize()).isZero();
    assertThat(r.proof()).isEmpty();
    assertThat(r.format()).isEqualTo(body);
  }

  @ParameterizedTest
  @ValueSource(strings = {"old 08", "old -1", "old +1", "old ", "old 1 ", "Old 1", "old 1\r",
      "old 99999999999999999999", "old 0x10", "new 1"})
  void parse_badOldLine_isRefused(String first) {
    String body = log.request(0, 5).replaceFirst("old 0", first);

    assertThatThrownBy(() -> AddCheckpointRequest.parse(body))
        .isInstanceOf(MalformedWitnessRequestException.class)
        .hasMessageNotContaining(first.length() > 4 ? first.substring(4) + "\"" : "\u0000");
  }

  @Test
  void parse_badProofLines_areRefusedNamingTheLine() {
    String body = log.request(8, 13);
    String[] lines = body.split("\n", -1);
    String shortHash = body.replace(lines[1], lines[1].substring(0, 40) + "==");
    String noPadding = body.replace(lines[1], lines[1].replace("=", ""));
    String notBase64 = body.replace(lines[1], "!" + lines[1].substring(1));

    for (String bad : List.of(shortHash, noPadding, notBase64)) {
      assertThatThrownBy(() -> AddCheckpointRequest.parse(bad))
          .isInstanceOf(MalformedWitnessRequestException.class)
          .hasMessageContaining("line 2");
    }
  }

  @Test
  void parse_moreThan63ProofLines_isRefused() {
    String line = java.util.Base64.getEncoder().encodeToString(new byte[32]) + "\n";
    String body = "old 1\n" + String.join("", Collections.nCopies(64, line)) + "\n"
        + log.signed(2).format();

    assertThatThrownBy(() -> AddCheckpointRequest.parse(body))
        .isInstanceOf(MalformedWitnessRequestException.class)
        .hasMessageContaining("more than 63");
  }

  @Test
  void parse_missingBlankLineOrNote_isRefused() {
    assertThatThrownBy(() -> AddCheckpointRequest.parse("old 0\n"))
        .isInstanceOf(MalformedWitnessRequestException.class);
    assertThatThrownBy(() -> AddCheckpointRequest.parse("old 0\n\nnot a note\n"))
        .isInstanceOf(MalformedWitnessRequestException.class)
        .hasMessageContaining("not a signed note");
    assertThatThrownBy(() -> AddCheckpointRequest.parse("old 0"))
        .isInstanceOf(MalformedWitnessRequestException.class);
  }

  @Test
  void parseConflictSize_readsTheBodyStrictly() {
    assertThat(WitnessResponse.parseConflictSize("20852014\n")).isEqualTo(20_852_014L);
    assertThat(WitnessResponse.parseConflictSize("0\n")).isZero();
    for (String bad : List.of("12", "012\n", "-1\n", "1 \n", "\n", "1\n\n")) {
      assertThatThrownBy(() -> WitnessResponse.parseConflictSize(bad))
          .as(bad).isInstanceOf(HyrelogException.class);
    }
  }
}
