package io.hyrelog.compliance.evidence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hyrelog.Digest;
import io.hyrelog.archive.LocalDirectoryArchiveStore;
import io.hyrelog.spi.ArchiveObject;
import io.hyrelog.spi.ArchiveStore;
import io.hyrelog.testkit.ForwardingArchiveStore;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The vault over an {@link ArchiveStore} (a real local-directory store) and the directory
 * vault's countersign copies. The S3 Object Lock vault: {@code ArchiveStoreVaultS3IT}.
 */
class EvidenceVaultTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Instant NOW = Instant.parse("2026-12-02T10:00:00Z");
  private static final UUID ID = UUID.fromString("0190f0f0-0000-7000-8000-0000000000bb");
  private static final BundleFixture FIXTURE = new BundleFixture(5);

  @TempDir
  Path tmp;
  ArchiveStore store;
  List<Path> files;

  @BeforeEach
  void setUp() {
    store = LocalDirectoryArchiveStore.builder(tmp.resolve("store")).build();
    EvidenceBundle b = FIXTURE.write(tmp.resolve("out"), ID);
    files = List.of(b.packagePath(), b.signaturePath());
  }

  private EvidenceVault vault(ArchiveStore s) {
    return EvidenceVault.onStore(s).keyPrefix("vault/c1/").uriPrefix("test://store/")
        .retention(Duration.ofDays(2555))
        .enforcedRetention("test-lock COMPLIANCE", Duration.ofDays(3000)).build();
  }

  private byte[] bytes(String key) throws IOException {
    try (InputStream in = store.open(key)) {
      return in.readAllBytes();
    }
  }

  @Test
  void copy_store_putsEveryFileThenTheLockWithSizesAndHashes() throws IOException {
    EvidenceVault.Copy c = vault(store).copy(ID, files, NOW);

    String dir = "2026/12/02/" + ID;
    assertThat(c.directory()).isEqualTo(new EvidenceVault.Location(dir,
        "test://store/vault/c1/" + dir));
    assertThat(c.lockFile().uri()).isEqualTo("test://store/vault/c1/" + dir + "/worm.lock.json");
    try (var listed = store.list("vault/c1/")) {
      assertThat(listed.map(ArchiveObject::key)).containsExactly(
          "vault/c1/" + dir + "/" + ID + ".sig", "vault/c1/" + dir + "/" + ID + ".zip",
          "vault/c1/" + dir + "/worm.lock.json");
    }
    JsonNode lock = MAPPER.readTree(bytes("vault/c1/" + c.lockFile().path()));
    assertThat(lock.path("bundle_id").asText()).isEqualTo(ID.toString());
    assertThat(lock.path("mode").asText()).isEqualTo("test-lock COMPLIANCE");
    assertThat(lock.path("locked_at").asText()).isEqualTo("2026-12-02T10:00:00Z");
    assertThat(lock.path("retain_until").asText())
        .isEqualTo(NOW.plus(Duration.ofDays(2555)).toString());
    assertThat(lock.path("files")).hasSize(2);
    for (int i = 0; i < 2; i++) {
      JsonNode f = lock.path("files").get(i);
      byte[] original = Files.readAllBytes(files.get(i));
      assertThat(f.path("name").asText()).isEqualTo(files.get(i).getFileName().toString());
      assertThat(f.path("size").asLong()).isEqualTo(original.length);
      assertThat(f.path("sha256").asText()).isEqualTo(Digest.sha256(original).hex());
      assertThat(bytes("vault/c1/" + dir + "/" + f.path("name").asText())).isEqualTo(original);
    }
  }

  @Test
  void copy_sameBundleTwice_failsClearlyAndKeepsTheFirst() throws IOException {
    EvidenceVault v = vault(store);
    EvidenceVault.Copy c = v.copy(ID, files, NOW);
    byte[] lock = bytes("vault/c1/" + c.lockFile().path());

    assertThatThrownBy(() -> v.copy(ID, files, NOW.plusSeconds(60)))
        .isInstanceOf(EvidenceException.class)
        .hasMessageContaining("test://store/vault/c1/2026/12/02/" + ID)
        .hasMessageContaining("already exists").hasMessageContaining("never overwritten");
    assertThat(bytes("vault/c1/" + c.lockFile().path())).isEqualTo(lock);
  }

  @Test
  void copy_objectTakenMeanwhile_failsWithoutOverwriting() throws IOException {
    String key = "vault/c1/2026/12/02/" + ID + "/" + ID + ".sig";
    // Another writer got there between the vault's check and its put: the store refuses.
    ArchiveStore racing = new ForwardingArchiveStore(store) {
      @Override
      public ArchiveObject put(String k, InputStream content) {
        if (k.equals(key) && delegate().head(k).isEmpty()) {
          delegate().put(k, new java.io.ByteArrayInputStream("theirs".getBytes(
              StandardCharsets.UTF_8)));
        }
        return delegate().put(k, content);
      }
    };
    assertThatThrownBy(() -> vault(racing).copy(ID, files, NOW))
        .isInstanceOf(EvidenceException.class)
        .hasMessageContaining("vault object test://store/" + key + " already exists");
    assertThat(bytes(key)).isEqualTo("theirs".getBytes(StandardCharsets.UTF_8));
    assertThat(store.head("vault/c1/2026/12/02/" + ID + "/worm.lock.json")).isEmpty();
  }

  @Test
  void copy_storeCorruptsBytes_shaMismatchFailsTheCopy() {
    // A store that stores something else than it was sent (a faulty disk, a proxy).
    ArchiveStore corrupting = new ForwardingArchiveStore(store) {
      @Override
      public ArchiveObject put(String key, InputStream content) {
        return delegate().put(key, new FilterInputStream(content) {
          private boolean flipped;

          @Override
          public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0 && !flipped) {
              b[off] ^= 1;
              flipped = true;
            }
            return n;
          }
        });
      }
    };
    assertThatThrownBy(() -> vault(corrupting).copy(ID, files, NOW))
        .isInstanceOf(EvidenceException.class)
        .hasMessageContaining("test://store/vault/c1/2026/12/02/" + ID + "/" + ID + ".zip")
        .hasMessageContaining("cannot be trusted");
    assertThat(store.head("vault/c1/2026/12/02/" + ID + "/worm.lock.json")).isEmpty();
  }

  @Test
  void copy_headReportsAnotherHash_shaMismatchFailsTheCopy() {
    Digest other = Digest.sha256("something else".getBytes(StandardCharsets.UTF_8));
    ArchiveStore lying = new ForwardingArchiveStore(store) {
      @Override
      public java.util.Optional<ArchiveObject> head(String key) {
        return delegate().head(key).map(o -> new ArchiveObject(o.key(), o.size(), other,
            o.storedAt()));
      }
    };
    assertThatThrownBy(() -> vault(lying).copy(ID, files, NOW))
        .isInstanceOf(EvidenceException.class).hasMessageContaining(other.hex())
        .hasMessageContaining("cannot be trusted");
  }

  @Test
  void add_countersignNote_storedOnce_neverOverwritten() throws IOException {
    EvidenceVault v = vault(store);
    EvidenceVault.Copy c = v.copy(ID, files, NOW);
    Path note = Files.writeString(tmp.resolve(ID + ".countersign"), "note 1\n");

    EvidenceVault.Location l = v.add(c.directory().path(), note, ID + ".countersign.1");
    assertThat(l.uri()).isEqualTo(c.directory().uri() + "/" + ID + ".countersign.1");
    assertThat(bytes("vault/c1/" + l.path())).isEqualTo("note 1\n".getBytes(
        StandardCharsets.UTF_8));
    Files.writeString(note, "note 2\n");
    assertThatThrownBy(() -> v.add(c.directory().path(), note, ID + ".countersign.1"))
        .isInstanceOf(EvidenceException.class).hasMessageContaining("already exists");
    assertThat(bytes("vault/c1/" + l.path())).isEqualTo("note 1\n".getBytes(
        StandardCharsets.UTF_8));
    assertThatThrownBy(() -> v.add("2026/12/03/" + ID, note, ID + ".countersign.1"))
        .isInstanceOf(EvidenceException.class).hasMessageContaining("does not exist");
    assertThatThrownBy(() -> v.add("../" + ID, note, "x"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> v.add(c.directory().path(), note, "worm.lock.json"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void add_directoryVault_readOnlyCopyBesideTheBundle() throws IOException {
    EvidenceVault v = EvidenceVault.directory(tmp.resolve("vault"), Duration.ofDays(10));
    EvidenceVault.Copy c = v.copy(ID, files, NOW);
    Path note = Files.writeString(tmp.resolve(ID + ".countersign"), "note 1\n");

    EvidenceVault.Location l = v.add(c.directory().path(), note, ID + ".countersign.1");
    Path copied = EvidenceExporterTest.file(l);
    assertThat(copied).isEqualTo(tmp.resolve("vault/2026/12/02/" + ID + "/" + ID
        + ".countersign.1"));
    assertThat(Files.readString(copied)).isEqualTo("note 1\n");
    assertThat(Files.getPosixFilePermissions(copied))
        .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("r--------"));
    assertThatThrownBy(() -> v.add(c.directory().path(), note, ID + ".countersign.1"))
        .isInstanceOf(EvidenceException.class).hasMessageContaining("already exists");
    assertThatThrownBy(() -> v.add("2026/12/03/" + ID, note, ID + ".countersign.1"))
        .isInstanceOf(EvidenceException.class).hasMessageContaining("does not exist");
  }

  @Test
  void build_storeEnforcesLessThanTheRetention_refused() {
    assertThatThrownBy(() -> EvidenceVault.onStore(store).retention(Duration.ofDays(2555))
        .enforcedRetention("s3-object-lock GOVERNANCE", Duration.ofDays(365)).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("365 days").hasMessageContaining("2555 days");
    assertThatThrownBy(() -> EvidenceVault.onStore(store).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("retention");
    assertThatThrownBy(() -> EvidenceVault.onStore(store).keyPrefix("no-slash"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no-slash");
    assertThat(EvidenceVault.onStore(store).retention(Duration.ofDays(7)).build().copy(ID,
        files, NOW).lockFile().uri()).isEqualTo("archive:2026/12/02/" + ID + "/worm.lock.json");
  }

  @Test
  void copyDirectory_findsTheCopyAtTheEndOfAnyReportedLocation() {
    String dir = "2026/12/02/" + ID;
    assertThat(EvidenceVault.copyDirectory(dir, ID)).contains(dir);
    assertThat(EvidenceVault.copyDirectory("s3://b/p/c1/" + dir, ID)).contains(dir);
    assertThat(EvidenceVault.copyDirectory("file:///srv/vault/" + dir + "/", ID)).contains(dir);
    assertThat(EvidenceVault.copyDirectory("s3://b/" + dir + "/x", ID)).isEmpty();
    assertThat(EvidenceVault.copyDirectory("2026/12/02/" + UUID.randomUUID(), ID)).isEmpty();
  }
}
