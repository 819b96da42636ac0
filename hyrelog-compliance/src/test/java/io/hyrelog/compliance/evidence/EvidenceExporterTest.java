package io.hyrelog.compliance.evidence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.hyrelog.Digest;
import io.hyrelog.compliance.evidence.EvidenceExporter.ExternalStatus;
import io.hyrelog.compliance.evidence.EvidenceExporter.Options;
import io.hyrelog.testkit.MutableClock;
import io.hyrelog.testkit.SeededRandom;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Vault, envelope and the external endpoints, against a real HTTP server in this JVM. */
class EvidenceExporterTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String TOKEN = "test-token-0123456789";
  private static final AesKeyWrapper MASTER = new AesKeyWrapper("local-1", key(9));

  @TempDir
  Path tmp;
  HttpServer http;
  final List<String> calls = new ArrayList<>();
  final AtomicInteger wormStatus = new AtomicInteger(201);
  final AtomicInteger kmsStatus = new AtomicInteger(200);
  final Map<UUID, byte[]> uploaded = new java.util.concurrent.ConcurrentHashMap<>();
  final BundleFixture fixture = new BundleFixture(12);
  final MutableClock clock = new MutableClock(Instant.parse("2026-12-02T10:00:00Z"));

  @BeforeEach
  void start() throws IOException {
    http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    http.createContext("/worm/", ex -> {
      calls.add(ex.getRequestMethod() + " " + ex.getRequestURI().getPath() + " "
          + ex.getRequestHeaders().getFirst("Authorization"));
      byte[] body = ex.getRequestBody().readAllBytes();
      String id = ex.getRequestHeaders().getFirst("X-Hyrelog-Bundle-Id");
      uploaded.put(UUID.fromString(id), body);
      byte[] out = ("{\"receipt_id\":\"r-1\",\"sha256\":\""
          + ex.getRequestHeaders().getFirst("X-Hyrelog-Sha256") + "\"}")
          .getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(wormStatus.get(), out.length);
      ex.getResponseBody().write(out);
      ex.close();
    });
    http.createContext("/kms/wrap", ex -> {
      calls.add(ex.getRequestMethod() + " " + ex.getRequestURI().getPath() + " "
          + ex.getRequestHeaders().getFirst("Authorization"));
      JsonNode req = MAPPER.readTree(ex.getRequestBody());
      // The test KMS wraps with its own AES key, like a real one would.
      byte[] dataKey = Base64.getDecoder().decode(req.path("data_key").asText());
      String wrapped = new AesKeyWrapper("kms-key-7", key(7)).wrap(null, dataKey)
          .wrappedKeyBase64();
      byte[] out = ("{\"key_id\":\"kms-key-7\",\"wrapped_key\":\"" + wrapped
          + "\",\"receipt_id\":\"k-1\"}").getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(kmsStatus.get(), out.length);
      ex.getResponseBody().write(out);
      ex.close();
    });
    http.start();
  }

  @AfterEach
  void stop() {
    http.stop(0);
  }

  private URI url(String path) {
    return URI.create("http://127.0.0.1:" + http.getAddress().getPort() + path);
  }

  private EvidenceExporter exporter(boolean endpoints) {
    return new EvidenceExporter(BundleFixture.SERVER, clock,
        Optional.of(EvidenceVault.directory(tmp.resolve("vault"), Duration.ofDays(2555))),
        Optional.of(MASTER), endpoints ? Optional.of(url("/worm/")) : Optional.empty(),
        endpoints ? Optional.of(url("/kms/wrap")) : Optional.empty(),
        ExternalEndpoints.builder().token(Optional.of(TOKEN)).timeout(Duration.ofSeconds(10))
            .allowHttp(true).build(), seeded()); // the stand-in endpoints speak plain http
  }

  private EvidenceExporter.Request request(UUID id) {
    return EvidenceExporter.Request.of(id, fixture.ws.companyId(), BundleFixture.NAMESPACE,
        fixture.period(BundleFixture.T0, BundleFixture.T1));
  }

  @Test
  void export_vaultAndEnvelope_readOnlyCopyLockFileAndDecryptableEnvelope() throws IOException {
    UUID id = UUID.fromString("0190f0f0-0000-7000-8000-0000000000aa");
    EvidenceExporter.Result r = exporter(false).export(request(id),
        new Options(true, true, false, false, false), tmp.resolve("out"));

    Path vault = file(r.vaultCopyPath().orElseThrow());
    assertThat(vault).isEqualTo(tmp.resolve("vault/2026/12/02/" + id));
    assertThat(r.vaultCopyPath().get().path()).isEqualTo("2026/12/02/" + id);
    assertThat(r.externalWormStatus()).isEqualTo(ExternalStatus.SKIPPED);
    assertThat(r.externalKmsStatus()).isEqualTo(ExternalStatus.SKIPPED);
    List<String> names;
    try (var s = Files.list(vault)) {
      names = s.map(p -> p.getFileName().toString()).sorted().toList();
    }
    // With the envelope no plaintext is kept: not in the vault, not in the bundle directory.
    assertThat(names).containsExactly(id + ".envelope.json", id + ".sig", id + ".zip.enc",
        "worm.lock.json");
    for (String n : names) {
      assertThat(Files.getPosixFilePermissions(vault.resolve(n)))
          .isEqualTo(PosixFilePermissions.fromString("r--------"));
    }
    for (Path d = vault; !d.equals(tmp); d = d.getParent()) {
      assertThat(Files.getPosixFilePermissions(d)).as("%s", d)
          .isEqualTo(PosixFilePermissions.fromString("rwx------"));
    }
    Path out = tmp.resolve("out");
    try (var s = Files.list(out)) {
      assertThat(s.map(p -> p.getFileName().toString()).sorted()).containsExactly(
          id + ".envelope.json", id + ".sig", id + ".zip.enc");
    }
    try (var s = Files.list(out)) {
      s.forEach(p -> assertThat(permissions(p)).as("%s", p).isEqualTo("rw-------"));
    }
    assertThat(permissions(out)).isEqualTo("rwx------");
    if (!"root".equals(System.getProperty("user.name"))) { // root ignores permissions
      assertThatThrownBy(() -> Files.writeString(vault.resolve(id + ".sig"), "x"))
          .isInstanceOf(AccessDeniedException.class);
    }
    JsonNode lock = MAPPER.readTree(file(r.vaultWormLockPath().orElseThrow()).toFile());
    assertThat(lock.path("locked_at").asText()).isEqualTo("2026-12-02T10:00:00Z");
    assertThat(lock.path("retain_until").asText()).isEqualTo(
        clock.instant().plus(Duration.ofDays(2555)).toString());
    assertThat(lock.path("files")).hasSize(3);
    for (JsonNode f : lock.path("files")) {
      byte[] bytes = Files.readAllBytes(vault.resolve(f.path("name").asText()));
      assertThat(f.path("sha256").asText()).isEqualTo(Digest.sha256(bytes).hex());
      assertThat(f.path("size").asLong()).isEqualTo(bytes.length);
    }
    Path env = file(r.vaultEnvelopePath().orElseThrow());
    JsonNode e = MAPPER.readTree(env.toFile());
    assertThat(e.path("key_id").asText()).isEqualTo("local-1");
    assertThat(e.path("algorithm").asText()).isEqualTo("AES-256-GCM");
    assertThat(e.path("iv").asText()).isNotEmpty();
    assertThat(e.path("tag").asText()).isNotEmpty();
    Path plain = tmp.resolve("decrypted.zip");
    EvidenceEnvelope.open(env, MASTER, plain);
    assertThat(permissions(plain)).isEqualTo("rw-------");
    // The vault copy, opened, verifies like the original.
    assertThat(new EvidenceVerifier(List.of(BundleFixture.SERVER.verifier()), List.of())
        .verify(plain, vault.resolve(id + ".sig"), vault.resolve(id + ".countersign"), false)
        .ok()).isTrue();
  }

  @Test
  void export_noEnvelope_packageKeptPrivate_vaultCopiesReadOnlyForTheOwner() throws IOException {
    UUID id = UUID.randomUUID();
    EvidenceExporter.Result r = exporter(false).export(request(id),
        new Options(true, false, false, false, false), tmp.resolve("plain"));
    assertThat(permissions(r.bundle().packagePath())).isEqualTo("rw-------");
    assertThat(permissions(r.bundle().signaturePath())).isEqualTo("rw-------");
    assertThat(permissions(tmp.resolve("plain"))).isEqualTo("rwx------");
    Path vault = file(r.vaultCopyPath().orElseThrow());
    assertThat(permissions(vault.resolve(id + ".zip"))).isEqualTo("r--------");
    assertThat(permissions(vault.resolve("worm.lock.json"))).isEqualTo("r--------");
  }

  private static String permissions(Path p) {
    try {
      return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void export_sameBundleTwice_neverOverwrites() {
    UUID id = UUID.randomUUID();
    exporter(false).export(request(id), new Options(true, false, false, false, false),
        tmp.resolve("out"));
    assertThatThrownBy(() -> exporter(false).export(request(id), Options.NONE,
        tmp.resolve("out"))).isInstanceOf(EvidenceException.class)
        .hasMessageContaining("already exists");
  }

  @Test
  void envelope_tampered_failsAndWritesNothing() throws IOException {
    UUID id = UUID.randomUUID();
    EvidenceExporter.Result r = exporter(false).export(request(id),
        new Options(false, true, false, false, false), tmp.resolve("out"));
    Path env = r.envelopePath().orElseThrow();
    Path enc = env.resolveSibling(id + ".zip.enc");
    Path plain = tmp.resolve("p.zip");

    byte[] ct = Files.readAllBytes(enc);
    ct[ct.length / 2] ^= 1;
    Files.write(enc, ct);
    assertThatThrownBy(() -> EvidenceEnvelope.open(env, MASTER, plain))
        .isInstanceOf(EvidenceException.class).hasMessageContaining("tampered");
    assertThat(plain).doesNotExist();
    ct[ct.length / 2] ^= 1;
    Files.write(enc, ct);
    EvidenceEnvelope.open(env, MASTER, plain); // restored: opens again
    Files.delete(plain);

    String json = Files.readString(env);
    String tag = MAPPER.readTree(json).path("tag").asText();
    byte[] t = Base64.getDecoder().decode(tag);
    t[0] ^= 1;
    Files.writeString(env, json.replace(tag, Base64.getEncoder().encodeToString(t)));
    assertThatThrownBy(() -> EvidenceEnvelope.open(env, MASTER, plain))
        .isInstanceOf(EvidenceException.class);
    assertThat(plain).doesNotExist();
    Files.writeString(env, json);

    assertThatThrownBy(() -> EvidenceEnvelope.open(env, new AesKeyWrapper("local-1", key(8)),
        plain)).isInstanceOf(EvidenceException.class).hasMessageContaining("does not unwrap");
    Files.writeString(env, json.replace("\"aad\" : \"" + id, "\"aad\" : \"" + UUID.randomUUID()));
    assertThatThrownBy(() -> EvidenceEnvelope.open(env, MASTER, plain))
        .isInstanceOf(EvidenceException.class);
    assertThat(plain).doesNotExist();
  }

  @Test
  void export_externalEndpoints_okWithReceiptsAndBearerToken() throws IOException {
    UUID id = UUID.randomUUID();
    EvidenceExporter.Result r = exporter(true).export(request(id),
        new Options(true, true, true, true, true), tmp.resolve("out"));
    assertThat(r.externalWormStatus()).isEqualTo(ExternalStatus.OK);
    assertThat(r.externalKmsStatus()).isEqualTo(ExternalStatus.OK);
    assertThat(r.externalWormReceipt().orElseThrow()).contains("r-1");
    assertThat(r.externalKmsReceipt().orElseThrow()).contains("k-1");
    assertThat(calls).containsExactly("POST /kms/wrap Bearer " + TOKEN,
        "PUT /worm/" + id + ".zip Bearer " + TOKEN);
    assertThat(r.bundle().packagePath()).doesNotExist(); // sealed: only the envelope keeps it
    JsonNode e = MAPPER.readTree(file(r.vaultEnvelopePath().orElseThrow()).toFile());
    assertThat(e.path("key_id").asText()).isEqualTo("kms-key-7");
    assertThat(e.path("kms_receipt").path("receipt_id").asText()).isEqualTo("k-1");
    // The KMS's wrapped key opens with the KMS's key.
    Path plain = tmp.resolve("k.zip");
    EvidenceEnvelope.open(file(r.vaultEnvelopePath().get()), new AesKeyWrapper("kms-key-7", key(7)),
        plain);
    assertThat(Files.readAllBytes(plain)).isEqualTo(uploaded.get(id));
    assertThat(file(r.vaultCopyPath().orElseThrow()).resolve(id + ".worm-receipt.json"))
        .exists();
  }

  @Test
  void export_externalFailure_notStrict_reportsFailedAndFallsBack() {
    wormStatus.set(503);
    kmsStatus.set(500);
    EvidenceExporter.Result r = exporter(true).export(request(UUID.randomUUID()),
        new Options(true, true, true, true, false), tmp.resolve("out"));
    assertThat(r.externalWormStatus()).isEqualTo(ExternalStatus.FAILED);
    assertThat(r.externalKmsStatus()).isEqualTo(ExternalStatus.FAILED);
    assertThat(r.errors()).anyMatch(s -> s.contains("HTTP 503"))
        .anyMatch(s -> s.contains("HTTP 500")).noneMatch(s -> s.contains(TOKEN));
    assertThat(r.vaultEnvelopePath()).isPresent(); // local master key as the fallback
  }

  @Test
  void export_externalFailure_strict_fails() {
    wormStatus.set(503);
    assertThatThrownBy(() -> exporter(true).export(request(UUID.randomUUID()),
        new Options(true, false, true, false, true), tmp.resolve("out")))
        .isInstanceOf(EvidenceException.class)
        .hasMessageContaining("external_require_success").hasMessageContaining("HTTP 503")
        .hasMessageNotContaining(TOKEN);
    assertThat(tmp.resolve("vault")).doesNotExist();
  }

  @Test
  void export_unreachableEndpoint_strict_fails() {
    http.stop(0);
    assertThatThrownBy(() -> exporter(true).export(request(UUID.randomUUID()),
        new Options(false, false, false, true, true), tmp.resolve("out")))
        .isInstanceOf(EvidenceException.class).hasMessageContaining("cannot be reached");
  }

  @Test
  void check_unconfigured_rejectedBeforeWriting() {
    EvidenceExporter e = exporter(false);
    assertThatThrownBy(() -> e.export(request(UUID.randomUUID()),
        new Options(false, false, true, false, false), tmp.resolve("out")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("external_worm");
    assertThat(tmp.resolve("out")).doesNotExist();
  }

  /** The file of a directory vault's location. */
  static Path file(EvidenceVault.Location l) {
    return Path.of(URI.create(l.uri()));
  }

  private static byte[] key(int b) {
    byte[] k = new byte[32];
    Arrays.fill(k, (byte) b);
    return k;
  }

  private static SecureRandom seeded() {
    return SeededRandom.secure(42);
  }
}
