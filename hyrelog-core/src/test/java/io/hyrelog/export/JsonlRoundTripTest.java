package io.hyrelog.export;

import static org.assertj.core.api.Assertions.assertThat;

import io.hyrelog.AuditEvent;
import io.hyrelog.TestChains;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

class JsonlRoundTripTest {
  private final List<AuditEvent> chain = TestChains.chain(TestChains.WS, 5, 3);

  private byte[] write(boolean gzip) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    OutputStream out = gzip ? new GZIPOutputStream(bytes) : bytes;
    try (JsonlEventWriter w = new JsonlEventWriter(out)) {
      for (AuditEvent e : chain) {
        w.write(e);
      }
      assertThat(w.count()).isEqualTo(5);
    }
    return bytes.toByteArray();
  }

  private static List<JsonlEventReader.Line> read(byte[] data) throws IOException {
    List<JsonlEventReader.Line> out = new ArrayList<>();
    try (JsonlEventReader r = new JsonlEventReader(new ByteArrayInputStream(data))) {
      r.forEach(out::add);
    }
    return out;
  }

  @Test
  void writeThenRead_plainAndGzip_returnsTheSameEvents() throws IOException {
    for (boolean gzip : new boolean[] {false, true}) {
      List<JsonlEventReader.Line> lines = read(write(gzip));
      assertThat(lines).hasSize(5);
      for (int i = 0; i < 5; i++) {
        assertThat(lines.get(i).number()).isEqualTo(i + 1);
        assertThat(lines.get(i).event()).isEqualTo(chain.get(i));
      }
    }
  }

  @Test
  void write_oneLinePerEvent_utf8_newlineTerminated() throws IOException {
    String text = new String(write(false), StandardCharsets.UTF_8);
    assertThat(text).endsWith("\n");
    assertThat(text.split("\n", -1)).hasSize(6);
  }

  @Test
  void read_lastLineWithoutNewline_andBadLines_areReportedByNumber() throws IOException {
    String good = new String(write(false), StandardCharsets.UTF_8).split("\n")[0];
    String input = good + "\n\n{\"a\":1,\"a\":2}\n" + good;
    List<JsonlEventReader.Line> lines = read(input.getBytes(StandardCharsets.UTF_8));
    assertThat(lines).hasSize(4);
    assertThat(lines.get(0).error()).isNull();
    assertThat(lines.get(1).error()).isEqualTo("empty line");
    assertThat(lines.get(2).error()).contains("duplicate");
    assertThat(lines.get(3).error()).isNull();
  }

  @Test
  void read_overlongLine_isReportedWithoutHoldingIt() throws IOException {
    byte[] big = new byte[JsonlEventReader.MAX_LINE_BYTES + 10];
    java.util.Arrays.fill(big, (byte) 'x');
    ByteArrayOutputStream in = new ByteArrayOutputStream();
    in.write(big);
    in.write("\n{}\n".getBytes(StandardCharsets.UTF_8));
    List<JsonlEventReader.Line> lines = read(in.toByteArray());
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0).error()).contains("longer than");
    assertThat(lines.get(1).tree()).isNotNull();
  }
}
