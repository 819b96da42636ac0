package io.hyrelog.compliance.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalDirectoryDeliveryTest {
  @TempDir Path tmp;

  @Test
  void deliver_writesMode0600AndLeavesNoTemporaryFile() throws Exception {
    Path f = Files.writeString(tmp.resolve("f"), "ciphertext");
    LocalDirectoryDelivery d = new LocalDirectoryDelivery(tmp.resolve("out"));
    String where = d.deliver("compliance-exports/c1/t-a.jsonl.enc.json", f);
    Path got = tmp.resolve("out/compliance-exports/c1/t-a.jsonl.enc.json");
    assertThat(where).isEqualTo(got.toString());
    assertThat(Files.readString(got)).isEqualTo("ciphertext");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(got)))
        .isEqualTo("rw-------");
    try (var l = Files.list(got.getParent())) {
      assertThat(l).containsExactly(got);
    }
  }

  @Test
  void deliver_existingName_isNotOverwritten() throws Exception {
    Path f = Files.writeString(tmp.resolve("f"), "one");
    LocalDirectoryDelivery d = new LocalDirectoryDelivery(tmp.resolve("out"));
    d.deliver("a/b.enc", f);
    Files.writeString(f, "two");
    assertThatThrownBy(() -> d.deliver("a/b.enc", f))
        .isInstanceOf(FileAlreadyExistsException.class);
    assertThat(Files.readString(tmp.resolve("out/a/b.enc"))).isEqualTo("one");
  }

  @Test
  void deliver_namesLeavingTheDirectory_areRejected() throws Exception {
    Path f = Files.writeString(tmp.resolve("f"), "x");
    LocalDirectoryDelivery d = new LocalDirectoryDelivery(tmp.resolve("out"));
    for (String bad : new String[] {"../x", "/etc/x", "a//b", "a/./b", "", "a/"}) {
      assertThatThrownBy(() -> d.deliver(bad, f)).as(bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }
}
