package io.hyrelog.export;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class CsvWriterTest {
  @Test
  void needsQuotes_onlyForCommaQuoteCrLf() {
    assertThat(CsvWriter.needsQuotes("plain text; tabs\tand 'single'")).isFalse();
    for (String s : List.of("a,b", "a\"b", "a\rb", "a\nb")) {
      assertThat(CsvWriter.needsQuotes(s)).as(s).isTrue();
    }
  }

  @Test
  void record_trickyValues_quotedDoubledCrlfEnded() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (CsvWriter w = new CsvWriter(out)) {
      w.record(List.of("a", "b,c", "say \"hi\""));
      w.record(Arrays.asList(null, "", "line1\r\nline2", "=1+1", "Zoë"));
      w.field("x");
      w.endRecord();
    }
    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(
        "a,\"b,c\",\"say \"\"hi\"\"\"\r\n,,\"line1\r\nline2\",=1+1,Zoë\r\nx\r\n");
    assertThat(out.toByteArray()[0]).isEqualTo((byte) 'a'); // no byte order mark
  }

  @Test
  void record_rowsParseBackWithTheStrictReader() throws IOException {
    List<String> row = List.of("id", "{\"days\":7,\"tier\":\"STANDARD\"}", "a\nb", "\"");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (CsvWriter w = new CsvWriter(out)) {
      w.record(row);
      w.record(row);
    }
    assertThat(Rfc4180Reader.parse(out.toString(StandardCharsets.UTF_8)))
        .containsExactly(row, row);
  }

  @Test
  void spreadsheetSafe_formulaLikeCells_prefixedWithAQuote_othersVerbatim() throws IOException {
    List<String> row = Arrays.asList("=HYPERLINK(\"http://x\")", "+1", "-2", "@SUM(A1)",
        "\tlead", "\rcr", "a=b", "plain", "", null, "'quoted", "=a,b");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (CsvWriter w = new CsvWriter(out, CsvMode.SPREADSHEET_SAFE)) {
      w.record(row);
    }
    assertThat(Rfc4180Reader.parse(out.toString(StandardCharsets.UTF_8))).containsExactly(
        List.of("'=HYPERLINK(\"http://x\")", "'+1", "'-2", "'@SUM(A1)", "'\tlead", "'\rcr",
            "a=b", "plain", "", "", "'quoted", "'=a,b"));
    // The default writes the same values verbatim.
    ByteArrayOutputStream verbatim = new ByteArrayOutputStream();
    try (CsvWriter w = new CsvWriter(verbatim)) {
      w.record(row);
    }
    assertThat(Rfc4180Reader.parse(verbatim.toString(StandardCharsets.UTF_8)).get(0))
        .startsWith("=HYPERLINK(\"http://x\")", "+1", "-2", "@SUM(A1)");
  }
}
