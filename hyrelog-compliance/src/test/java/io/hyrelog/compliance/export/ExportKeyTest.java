package io.hyrelog.compliance.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExportKeyTest {
  static final byte[] RAW = HexFormat.of().parseHex(ExportEncryptionTest.HEX_KEY);

  @Test
  void parse_hexAndBase64Forms_giveTheSameKey() {
    ExportKey hex = ExportKey.parse("a", ExportEncryptionTest.HEX_KEY.toUpperCase());
    ExportKey b64 = ExportKey.parse("a", Base64.getEncoder().encodeToString(RAW));
    ExportKey url = ExportKey.parse("a", Base64.getUrlEncoder().withoutPadding()
        .encodeToString(RAW) + "\n");
    assertThat(hex.material()).isEqualTo(RAW);
    assertThat(b64.material()).isEqualTo(RAW);
    assertThat(url.material()).isEqualTo(RAW);
  }

  @Test
  void parse_wrongLengthOrJunk_failsWithoutEchoingTheKey() {
    assertThatThrownBy(() -> ExportKey.parse("a", Base64.getEncoder().encodeToString(
        new byte[16]))).isInstanceOf(InvalidExportKeyException.class)
        .hasMessage("the encryption key must be 32 bytes (AES-256), got 16 bytes");
    assertThatThrownBy(() -> ExportKey.parse("a", "not a key!"))
        .hasMessage("the encryption key is neither 64 hex digits nor valid base64 (10"
            + " characters)");
    assertThatThrownBy(() -> ExportKey.parse("a", " ")).hasMessageContaining("is empty");
    assertThatThrownBy(() -> ExportKey.parse("bad id", ExportEncryptionTest.HEX_KEY))
        .hasMessageContaining("key id must be");
  }

  @Test
  void toString_masksTheKey() {
    ExportKey k = ExportKey.parse("k1", ExportEncryptionTest.HEX_KEY);
    assertThat(k.toString()).isEqualTo("ExportKey[keyId=k1, key=<masked>]")
        .doesNotContain("0001");
  }

  @Test
  void read_fromFile(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("k");
    Files.writeString(f, ExportEncryptionTest.HEX_KEY + "\n");
    assertThat(ExportKey.read(null, f).material()).isEqualTo(RAW);
    assertThatThrownBy(() -> ExportKey.read(null, dir.resolve("missing")))
        .hasMessageContaining("does not exist");
  }
}
