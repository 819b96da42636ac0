package io.hyrelog.integrity;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hyrelog.Actor;
import io.hyrelog.AuditEvent;
import io.hyrelog.DataRegion;
import io.hyrelog.Digest;
import io.hyrelog.EventHashing;
import io.hyrelog.Metadata;
import io.hyrelog.NewEvent;
import io.hyrelog.PendingEvent;
import io.hyrelog.PersonalDataPolicy;
import io.hyrelog.RequestContext;
import io.hyrelog.Resource;
import io.hyrelog.Salt;
import io.hyrelog.WorkspaceRef;
import io.hyrelog.EventJson;
import io.hyrelog.export.JsonlEventWriter;
import io.hyrelog.IdSource;
import io.hyrelog.Jcs;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Golden vectors of format version 1, published in docs/format.md. If one of these changes, the
 * format changed: every stored chain would stop verifying. Never update them to make a test pass.
 */
class FormatVectorsTest {
  static final WorkspaceRef WS = new WorkspaceRef(
      UUID.fromString("01936f6e-7a00-7000-8000-000000000001"),
      UUID.fromString("01936f6e-7a00-7000-8000-000000000002"), DataRegion.EU);

  /** Ids and salts counting up from fixed values, so the vectors are reproducible anywhere. */
  static final class FixedIds implements IdSource {
    private int next;

    @Override
    public UUID newEventId() {
      return UUID.fromString("01936f6e-7a00-7000-8000-0000000000" + String.format("%02x", 16 + next++));
    }

    @Override
    public Salt newSalt() {
      byte[] b = new byte[16];
      for (int i = 0; i < 16; i++) {
        b[i] = (byte) (next * 16 + i);
      }
      next++;
      return Salt.of(b);
    }
  }

  static AuditEvent[] goldenChain() {
    Instant now = Instant.parse("2026-11-26T12:00:00.123456Z");
    PersonalDataPolicy policy = PersonalDataPolicy.defaults().withMetadataKeys("ssn");
    FixedIds ids = new FixedIds();
    NewEvent first = NewEvent.builder("user", "login")
        .timestamp(Instant.parse("2026-11-26T11:59:59.5Z"))
        .actor(new Actor("user_42", "ada@example.com", "admin", "Ada Lovelace"))
        .resource(new Resource("session", "sess_1"))
        .metadata(Metadata.parse("{\"mfa\":true,\"attempt\":2,\"latencyMs\":12.5,"
            + "\"ssn\":\"078-05-1120\",\"note\":\"caf\u00e9 \u20ac\ud83d\ude00\\n\"}"))
        .context(new RequestContext("trace-abc", "203.0.113.7", "Mozilla/5.0"))
        .idempotencyKey("req-0001")
        .build();
    NewEvent second = NewEvent.builder("billing", "invoice.paid")
        .projectId(UUID.fromString("01936f6e-7a00-7000-8000-000000000003"))
        .metadata(Metadata.parse("{\"amount\":1e21,\"tiny\":1e-7,\"list\":[1,-0,0.1]}"))
        .build();
    AuditEvent e1 = PendingEvent.prepare(WS, first, now, ids, policy).seal(1, Digest.ZERO);
    AuditEvent e2 = PendingEvent.prepare(WS, second, now, ids, policy).seal(2, e1.hash());
    return new AuditEvent[] {e1, e2};
  }

  static String resource(String name) throws IOException {
    try (InputStream in = FormatVectorsTest.class.getResourceAsStream("/golden/v1/" + name)) {
      assertThat(in).as("resource golden/v1/%s", name).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void canonicalView_matchesGoldenBytes() throws IOException {
    AuditEvent[] chain = goldenChain();
    for (int i = 0; i < chain.length; i++) {
      ObjectNode view = EventHashing.view(EventJson.toTree(chain[i]));
      String canonical = new String(Jcs.canonicalize(view), StandardCharsets.UTF_8);
      assertThat(canonical).isEqualTo(resource("event" + (i + 1) + ".view.json"));
    }
  }

  @Test
  void hashes_matchGoldenValues_andAreSha256OfZeroPrefixedView() throws IOException {
    AuditEvent[] chain = goldenChain();
    String[] expected = resource("hashes.txt").strip().split("\n");
    for (int i = 0; i < chain.length; i++) {
      assertThat(chain[i].hash().hex()).isEqualTo(expected[i]);
      byte[] view = resource("event" + (i + 1) + ".view.json").getBytes(StandardCharsets.UTF_8);
      byte[] prefixed = new byte[view.length + 1];
      System.arraycopy(view, 0, prefixed, 1, view.length);
      assertThat(Digest.sha256(prefixed)).isEqualTo(chain[i].hash());
    }
  }

  @Test
  void commitment_isSha256OfSaltThenCanonicalValue() throws IOException {
    AuditEvent e = goldenChain()[0];
    Salt salt = e.personal().get("/actor/email").salt();
    byte[] value = "\"ada@example.com\"".getBytes(StandardCharsets.UTF_8);
    byte[] input = new byte[16 + value.length];
    System.arraycopy(salt.bytes(), 0, input, 0, 16);
    System.arraycopy(value, 0, input, 16, value.length);
    assertThat(e.personal().get("/actor/email").commitment()).isEqualTo(Digest.sha256(input));
    assertThat(HexFormat.of().formatHex(salt.bytes()))
        .isEqualTo("101112131415161718191a1b1c1d1e1f");
  }

  @Test
  void merkleRoot_ofGoldenChain_matchesDocumentedValue() {
    MerkleTree t = new MerkleTree();
    for (AuditEvent e : goldenChain()) {
      t.append(e.hash());
    }
    assertThat(t.root().hex())
        .isEqualTo("764759f1818b6c4ca478ce56d01e2c5d07606b354ecd7f67486c6921e2147ff8");
  }

  @Test
  void exportLines_matchGoldenJsonl() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonlEventWriter w = new JsonlEventWriter(out)) {
      for (AuditEvent e : goldenChain()) {
        w.write(e);
      }
    }
    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(resource("chain.jsonl"));
  }
}
