package io.hyrelog.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hyrelog.Digest;
import io.hyrelog.archive.s3.ObjectLockHeaders;
import io.hyrelog.archive.s3.S3ArchiveConfig;
import io.hyrelog.archive.s3.S3TestServer;
import io.hyrelog.compliance.evidence.EvidenceSignatures;
import io.hyrelog.integrity.Ed25519NoteSigner;
import io.hyrelog.testkit.SeededKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The S3 Object Lock evidence vault of a real server (real HTTP, real database) against a real
 * S3-protocol server (S3Proxy in this JVM, or {@code HYRELOG_TEST_S3_ENDPOINT}), configured
 * through {@code HYRELOG_EVIDENCE_VAULT_S3_*} only. S3Proxy does not enforce Object Lock, so the
 * lock is checked as what the server's own S3 client sent: {@link ObjectLockHeaders}, an AWS SDK
 * {@code ExecutionInterceptor} the SDK attaches to every client, records the {@code
 * x-amz-object-lock-mode} and {@code x-amz-object-lock-retain-until-date} headers of each PUT.
 */
class EvidenceVaultS3IT {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Ed25519NoteSigner ALICE = SeededKeys.signer("alice.compliance", 2);
  private static final int LOCK_DAYS = 3000;

  private static S3TestServer s3;
  private static S3Client admin;
  private static S3ArchiveConfig bucket;
  private static TestServer server;
  private static TestHttp http;
  private static String prefix;

  @BeforeAll
  static void start() throws Exception {
    s3 = S3TestServer.start();
    admin = s3.client();
    bucket = s3.freshConfig(admin).build();
    prefix = bucket.keyPrefix() + "evidence-vault/";
    AwsCredentials credentials = bucket.credentialsProvider().resolveCredentials();
    Map<String, String> env = new HashMap<>();
    env.put("HYRELOG_EVIDENCE_COUNTERSIGN_KEYS", ALICE.verifier().verifierKey());
    env.put("HYRELOG_EVIDENCE_VAULT_S3_BUCKET", bucket.bucket());
    env.put("HYRELOG_EVIDENCE_VAULT_S3_REGION", bucket.region());
    env.put("HYRELOG_EVIDENCE_VAULT_S3_ENDPOINT", bucket.endpointOverride().orElseThrow()
        .toString());
    env.put("HYRELOG_EVIDENCE_VAULT_S3_PATH_STYLE", "true");
    env.put("HYRELOG_EVIDENCE_VAULT_S3_ACCESS_KEY_ID", credentials.accessKeyId());
    env.put("HYRELOG_EVIDENCE_VAULT_S3_SECRET_ACCESS_KEY", credentials.secretAccessKey());
    env.put("HYRELOG_EVIDENCE_VAULT_S3_OBJECT_LOCK", "COMPLIANCE:" + LOCK_DAYS);
    env.put("HYRELOG_EVIDENCE_VAULT_S3_PREFIX", prefix);
    // Several bundles a minute, beyond the production default (EvidenceLimitsIT tests that).
    env.put("HYRELOG_RATE_LIMIT_EVIDENCE_EXPORT_PER_MIN", "1000");
    env.put("HYRELOG_RATE_LIMIT_EVIDENCE_PER_MIN", "1000");
    server = TestServer.start(env, Clock.systemUTC());
    http = server.http();
    for (int i = 0; i < 3; i++) {
      TestHttp.Response r = http.post("/v1/events", "{\"category\":\"user\",\"action\":\"login\"}",
          "Authorization", "Bearer " + server.demo().workspaceKey(), "Content-Type",
          "application/json");
      assertThat(r.status()).as(r.text()).isEqualTo(201);
    }
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) {
      server.close();
    }
    admin.close();
    s3.close();
  }

  private static TestHttp.Response post(String path, String body) {
    return http.post(path, body, "Authorization", "Bearer " + server.demo().companyKey(),
        "Content-Type", "application/json");
  }

  private static byte[] object(String key) {
    return admin.getObjectAsBytes(g -> g.bucket(bucket.bucket()).key(key)).asByteArray();
  }

  /** The key of an {@code s3://bucket/key} location, checking the bucket. */
  private static String key(JsonNode location) {
    String s = location.asText();
    String head = "s3://" + bucket.bucket() + "/";
    assertThat(s).startsWith(head);
    return s.substring(head.length());
  }

  @Test
  void exportAndCountersign_objectsLockFileAndObjectLockHeadersInTheBucket() throws Exception {
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    TestHttp.Response exported = post("/compliance/evidence/export", "{\"from\":\""
        + now.minus(1, ChronoUnit.HOURS) + "\",\"to\":\"" + now.plus(1, ChronoUnit.HOURS)
        + "\"}");
    assertThat(exported.status()).as(exported.text()).isEqualTo(201);
    JsonNode e = exported.json();
    String id = e.path("bundle_id").asText();
    String company = server.demo().companyId().toString();

    String dir = key(e.path("vault_copy_path"));
    assertThat(dir).matches(prefix + company + "/\\d{4}/\\d{2}/\\d{2}/" + id);
    assertThat(key(e.path("vault_worm_lock_path"))).isEqualTo(dir + "/worm.lock.json");
    assertThat(key(e.path("vault_envelope_path"))).isEqualTo(dir + "/" + id + ".envelope.json");
    List<String> keys = admin.listObjectsV2Paginator(l -> l.bucket(bucket.bucket())
        .prefix(dir + "/")).contents().stream().map(S3Object::key).toList();
    // Sealed in an envelope: only the encrypted package goes to the vault, none stays here.
    assertThat(keys).containsExactlyInAnyOrder(dir + "/" + id + ".sig",
        dir + "/" + id + ".envelope.json", dir + "/" + id + ".zip.enc", dir + "/worm.lock.json");
    assertThat(server.dataDir().resolve("evidence-vault")).doesNotExist();

    Path local = server.dataDir().resolve("evidence").resolve(company).resolve(id);
    assertThat(local.resolve(id + ".zip")).doesNotExist();
    assertThat(object(dir + "/" + id + ".zip.enc"))
        .isEqualTo(Files.readAllBytes(local.resolve(id + ".zip.enc")));
    JsonNode lock = MAPPER.readTree(object(dir + "/worm.lock.json"));
    assertThat(lock.path("bundle_id").asText()).isEqualTo(id);
    assertThat(lock.path("mode").asText()).isEqualTo("s3-object-lock COMPLIANCE");
    Instant lockedAt = Instant.parse(lock.path("locked_at").asText());
    Instant retainUntil = Instant.parse(lock.path("retain_until").asText());
    assertThat(retainUntil).isEqualTo(lockedAt.plus(Duration.ofDays(2555)));
    assertThat(lock.path("files")).hasSize(3);
    for (JsonNode f : lock.path("files")) {
      byte[] stored = object(dir + "/" + f.path("name").asText());
      assertThat(f.path("size").asLong()).isEqualTo(stored.length);
      assertThat(f.path("sha256").asText()).isEqualTo(Digest.sha256(stored).hex());
    }

    String sig = Files.readString(local.resolve(id + ".sig"));
    TestHttp.Response cs = post("/compliance/evidence/countersign", "{\"package_path\":\"" + id
        + "\",\"signer\":\"" + ALICE.name() + "\",\"signing_key_id\":\""
        + String.format("%08x", ALICE.verifier().keyId()) + "\",\"signature\":"
        + MAPPER.valueToTree(EvidenceSignatures.countersignLine(ALICE, sig)) + "}");
    assertThat(cs.status()).as(cs.text()).isEqualTo(200);
    String note = key(cs.json().path("vault_countersign_path"));
    assertThat(note).isEqualTo(dir + "/" + id + ".countersign.1");
    assertThat(object(note)).isEqualTo(Files.readAllBytes(local.resolve(id + ".countersign")));

    // Every vault object went out with COMPLIANCE retention the lock file's retain_until does
    // not exceed.
    for (String k : List.of(dir + "/" + id + ".sig", dir + "/" + id + ".envelope.json",
        dir + "/" + id + ".zip.enc", dir + "/worm.lock.json", note)) {
      String[] sent = ObjectLockHeaders.sent(bucket.bucket(), k).orElseThrow(
          () -> new AssertionError("no Object Lock headers on the PUT of " + k)).split(" ");
      assertThat(sent[0]).as(k).isEqualTo("COMPLIANCE");
      Instant until = Instant.parse(sent[1]);
      assertThat(until).as(k).isAfterOrEqualTo(lockedAt.plus(Duration.ofDays(LOCK_DAYS)))
          .isAfter(retainUntil);
    }
    assertThat(e.toString() + cs.text()).doesNotContain(bucket.credentialsProvider()
        .resolveCredentials().secretAccessKey());
  }
}
