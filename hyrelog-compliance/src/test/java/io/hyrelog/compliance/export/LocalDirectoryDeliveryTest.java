package io.hyrelog.compliance.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
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

  /**
   * Two deliveries of one name at once (two runs in the same second): exactly one wins, the
   * other fails with "exists", the target holds the winner's bytes whole, nothing is left over.
   */
  @Test
  void deliver_twoConcurrentDeliveriesOfOneName_exactlyOneWinsNothingReplaced()
      throws Exception {
    LocalDirectoryDelivery d = new LocalDirectoryDelivery(tmp.resolve("out"));
    byte[] a = new byte[256 * 1024];
    byte[] b = new byte[256 * 1024];
    java.util.Arrays.fill(a, (byte) 'a');
    java.util.Arrays.fill(b, (byte) 'b');
    Path fa = Files.write(tmp.resolve("fa"), a);
    Path fb = Files.write(tmp.resolve("fb"), b);
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(2);
    try {
      for (int round = 0; round < 100; round++) {
        String name = "c1/run-" + round + ".enc";
        java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(2);
        java.util.concurrent.Callable<String> first = () -> {
          start.await();
          return d.deliver(name, fa);
        };
        java.util.concurrent.Callable<String> second = () -> {
          start.await();
          return d.deliver(name, fb);
        };
        var ra = pool.submit(first);
        var rb = pool.submit(second);
        int won = 0;
        int refused = 0;
        for (var r : List.of(ra, rb)) {
          try {
            r.get();
            won++;
          } catch (java.util.concurrent.ExecutionException e) {
            assertThat(e.getCause()).as("round %d", round)
                .isInstanceOf(FileAlreadyExistsException.class)
                .hasMessageContaining("already delivered");
            refused++;
          }
        }
        assertThat(won).as("round %d", round).isEqualTo(1);
        assertThat(refused).isEqualTo(1);
        byte[] got = Files.readAllBytes(tmp.resolve("out").resolve(name));
        assertThat(got.length).isEqualTo(a.length);
        assertThat(got).satisfiesAnyOf(g -> assertThat(g).isEqualTo(a),
            g -> assertThat(g).isEqualTo(b));
      }
    } finally {
      pool.shutdownNow();
    }
    try (var l = Files.list(tmp.resolve("out/c1"))) {
      assertThat(l.map(p -> p.getFileName().toString()))
          .hasSize(100).noneMatch(n -> n.endsWith(".part"));
    }
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(
        tmp.resolve("out/c1")))).isEqualTo("rwx------");
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
