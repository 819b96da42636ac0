package io.hyrelog.compliance.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ComplianceExporterTest {
  @TempDir Path tmp;
  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-03-01T02:00:00.5Z"), ZoneOffset.UTC);

  record Fixed(String type, String body, boolean fail) implements ComplianceRecordSource {
    @Override
    public boolean supports(String format) {
      return format.equals("jsonl");
    }

    @Override
    public void write(String companyId, String format, OutputStream out) throws IOException {
      out.write(body.getBytes(StandardCharsets.UTF_8));
      if (fail) {
        throw new IOException("database went away after 3 rows");
      }
    }
  }

  @Test
  void export_oneTypeFails_othersAreDeliveredAndEachStatusReported() throws Exception {
    ExportEncryption enc = ExportEncryption.builder(ExportEncryptionTest.KEY)
        .envelopeThreshold(10).segmentSize(64).build();
    ComplianceExporter x = new ComplianceExporter(enc, new LocalDirectoryDelivery(
        tmp.resolve("out")), CLOCK, tmp.resolve("work"));
    ComplianceExporter.Result r = x.export("c1", "jsonl", List.of(new Fixed("small", "{}\n",
        false), new Fixed("broken", "{}\n{}\n{}\n", true), new Fixed("large",
        "{\"a\":1}\n".repeat(50), false)));
    assertThat(r.anyFailed()).isTrue();
    assertThat(r.types()).extracting(ComplianceExporter.TypeResult::status).containsExactly(
        ComplianceExporter.Status.DELIVERED, ComplianceExporter.Status.FAILED,
        ComplianceExporter.Status.DELIVERED);
    assertThat(r.types().get(0).objectName())
        .isEqualTo("compliance-exports/c1/20260301T020000Z-small.jsonl.enc.json");
    assertThat(r.types().get(2).objectName())
        .isEqualTo("compliance-exports/c1/20260301T020000Z-large.jsonl.enc");
    assertThat(r.types().get(1).error()).get().asString()
        .contains("database went away after 3 rows");
    assertThat(decrypt(tmp.resolve("out").resolve(r.types().get(2).objectName())))
        .isEqualTo("{\"a\":1}\n".repeat(50));
    assertThat(decrypt(tmp.resolve("out").resolve(r.types().get(0).objectName())))
        .isEqualTo("{}\n");
    // Nothing of the failed type was delivered, and no temporary file is left.
    try (var w = Files.list(tmp.resolve("out/compliance-exports/c1"))) {
      assertThat(w).hasSize(2);
    }
    try (var w = Files.list(tmp.resolve("work"))) {
      assertThat(w).isEmpty();
    }
  }

  @Test
  void export_unsupportedFormat_exportsNothing() {
    ComplianceExporter x = new ComplianceExporter(ExportEncryption.builder(
        ExportEncryptionTest.KEY).build(), new LocalDirectoryDelivery(tmp.resolve("out")),
        CLOCK, tmp.resolve("work"));
    assertThatThrownBy(() -> x.export("c1", "csv", List.of(new Fixed("a", "", false))))
        .hasMessage("type a cannot be exported as csv");
    assertThat(tmp.resolve("out")).doesNotExist();
  }

  static String decrypt(Path p) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (InputStream in = Files.newInputStream(p)) {
      ExportEncryption.decrypt(in, out, ExportEncryptionTest.KEY);
    }
    return out.toString(StandardCharsets.UTF_8);
  }
}
