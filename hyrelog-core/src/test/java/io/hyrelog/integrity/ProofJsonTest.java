package io.hyrelog.integrity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hyrelog.Digest;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ProofJsonTest {
  private static final Digest A = Digest.sha256(new byte[] {1});
  private static final Digest B = Digest.sha256(new byte[] {2});
  private static final String HA = A.hex();
  private static final String HB = B.hex();

  @Test
  void inclusion_toJson_writesTheDocumentedShapeInOrder() {
    InclusionProof p = new InclusionProof(2, 8, A, List.of(B, A));

    assertThat(p.toJson()).isEqualTo("{\"treeSize\":8,\"leafIndex\":2,\"leafHash\":\"" + HA
        + "\",\"hashes\":[\"" + HB + "\",\"" + HA + "\"]}");
  }

  @Test
  void consistency_toJson_writesTheDocumentedShapeInOrder() {
    assertThat(new ConsistencyProof(4, 8, List.of(A)).toJson())
        .isEqualTo("{\"from\":4,\"to\":8,\"hashes\":[\"" + HA + "\"]}");
    assertThat(new ConsistencyProof(3, 3, List.of()).toJson())
        .isEqualTo("{\"from\":3,\"to\":3,\"hashes\":[]}");
  }

  @Test
  void parse_ownOutput_roundTrips() {
    InclusionProof p = new InclusionProof(0, 1, A, List.of());
    InclusionProof q = new InclusionProof(12_345, 1L << 40, B,
        Collections.nCopies(InclusionProof.MAX_HASHES, A));
    ConsistencyProof c = new ConsistencyProof(7, 9, List.of(A, B));

    assertThat(InclusionProof.parseJson(p.toJson())).isEqualTo(p);
    assertThat(InclusionProof.parseJson(q.toJson())).isEqualTo(q);
    assertThat(ConsistencyProof.parseJson(c.toJson())).isEqualTo(c);
  }

  @Test
  void parse_whitespaceAndMemberOrder_areFree() {
    String json = "{ \"hashes\" : [ \"" + HB + "\" ],\n \"leafHash\": \"" + HA
        + "\", \"leafIndex\": 1, \"treeSize\": 2 }";

    assertThat(InclusionProof.parseJson(json)).isEqualTo(new InclusionProof(1, 2, A, List.of(B)));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "[]",
      "\"proof\"",
      "{}",
      "{\"from\":1,\"to\":2}",
      "{\"from\":1,\"to\":2,\"hashes\":[],\"extra\":0}",
      "{\"from\":1,\"to\":2,\"hashes\":[],\"from\":1}",
      "{\"from\":\"1\",\"to\":2,\"hashes\":[]}",
      "{\"from\":1.5,\"to\":2,\"hashes\":[]}",
      "{\"from\":-1,\"to\":2,\"hashes\":[]}",
      "{\"from\":true,\"to\":2,\"hashes\":[]}",
      "{\"from\":null,\"to\":2,\"hashes\":[]}",
      "{\"from\":9007199254740992,\"to\":2,\"hashes\":[]}",
      "{\"from\":1,\"to\":2,\"hashes\":{}}",
      "{\"from\":1,\"to\":2,\"hashes\":[1]}",
      "{\"from\":1,\"to\":2,\"hashes\":[\"00\"]}",
      "{\"from\":1,\"to\":2,\"hashes\":[null]}",
      "{\"from\":1,\"to\":2,\"hashes\":[]} {}",
      "{\"from\":1,\"to\":2,\"hashes\":[],}",
  })
  void consistency_parseMalformed_isRefused(String json) {
    assertThatThrownBy(() -> ConsistencyProof.parseJson(json))
        .isInstanceOf(MalformedProofException.class);
  }

  @Test
  void parse_upperCaseHash_isRefusedNamingTheMember() {
    String json = "{\"from\":1,\"to\":2,\"hashes\":[\"" + HA + "\",\"" + HB.toUpperCase()
        + "\"]}";

    assertThatThrownBy(() -> ConsistencyProof.parseJson(json))
        .isInstanceOf(MalformedProofException.class)
        .hasMessageContaining("hashes[1]");
  }

  @Test
  void parse_unknownMember_isNamedButNeverEchoedBeyondAShortPrintablePrefix() {
    String json = "{\"treeSize\":1,\"leafIndex\":0,\"leafHash\":\"" + HA
        + "\",\"hashes\":[],\"secret\\n" + "x".repeat(100) + "\":1}";

    assertThatThrownBy(() -> InclusionProof.parseJson(json))
        .isInstanceOf(MalformedProofException.class)
        .hasMessageContaining("no member \"secret?xxx")
        .hasMessageNotContaining("x".repeat(60));
  }

  @Test
  void parse_tooManyHashes_isRefused() {
    String many = String.join(",", Collections.nCopies(InclusionProof.MAX_HASHES + 1,
        "\"" + HA + "\""));

    assertThatThrownBy(() -> ConsistencyProof.parseJson(
        "{\"from\":1,\"to\":2,\"hashes\":[" + many + "]}"))
        .isInstanceOf(MalformedProofException.class)
        .hasMessageContaining("at most 64 entries, got 65");
  }

  @Test
  void parse_overlongDocument_isRefusedBeforeParsing() {
    String json = "{\"from\":1,\"to\":2,\"hashes\":[]" + " ".repeat(20_000) + "}";

    assertThatThrownBy(() -> ConsistencyProof.parseJson(json))
        .isInstanceOf(MalformedProofException.class)
        .hasMessageContaining("at most 16384 characters");
  }

  @Test
  void parse_loneSurrogate_isRefused() {
    assertThatThrownBy(() -> ConsistencyProof.parseJson(
        "{\"from\":1,\"to\":2,\"hashes\":[],\"\\ud800\":0}"))
        .isInstanceOf(MalformedProofException.class);
  }

  @Test
  void records_rejectNegativeNumbersAndOverlongPaths() {
    assertThatThrownBy(() -> new InclusionProof(-1, 2, A, List.of()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ConsistencyProof(1, -2, List.of()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ConsistencyProof(1, 2,
        Collections.nCopies(InclusionProof.MAX_HASHES + 1, A)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
