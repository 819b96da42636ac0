package io.hyrelog.storage.postgres;

import io.hyrelog.DataSubject;
import io.hyrelog.EventScope;
import io.hyrelog.archive.SubjectSeal;
import io.hyrelog.spi.SubjectKey;
import io.hyrelog.spi.SubjectKeyring;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import javax.sql.DataSource;
import org.jdbi.v3.core.Handle;

/**
 * The {@link SubjectKeyring} in the events' own database (migration V22): tables {@code
 * subject_key_peppers}, {@code subject_keys} and {@code subject_key_tombstones}. Subjects are
 * stored only as references (HMAC-SHA256 under the company's random pepper, {@link
 * SubjectSeal#reference}); peppers and key material are sealed with AES-256-GCM under the
 * deployment's 32-byte subject key encryption key ({@code HYRELOG_SUBJECT_KEY_ENCRYPTION_KEY} in
 * the server), bound by the associated data to their company (and workspace and key id), so a
 * sealed value copied to another row does not open.
 *
 * <p>Destroying and sealing never interleave for one company: {@link #destroy} locks the
 * company's pepper row for update, {@link #sealingKeys} for share, so a key is never created
 * for an event recorded before a destruction that is committing. Thread-safe; database failures
 * are {@link PostgresStorageException}s; no message shows a key, a pepper or a subject.
 */
public final class PostgresSubjectKeys implements SubjectKeyring {
  /** The nil UUID: the workspace of a company-wide tombstone. */
  private static final UUID COMPANY_WIDE = new UUID(0, 0);
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final int PEPPER_BYTES = 32;

  private final Database db;
  private final SecretKeySpec wrapKey;
  private final SecureRandom random;
  private final Clock clock;

  private PostgresSubjectKeys(Builder b) {
    this.db = Database.open(b.dataSource, b.schema, "subject_key_peppers", "subject_keys",
        "subject_key_tombstones");
    this.wrapKey = new SecretKeySpec(b.encryptionKey, "AES");
    Arrays.fill(b.encryptionKey, (byte) 0);
    this.random = b.random;
    this.clock = b.clock;
  }

  /**
   * A builder over {@code dataSource}'s database (migrated by {@link PostgresMigrations}).
   *
   * @param dataSource the database
   * @return the builder; set {@link Builder#encryptionKey} before {@link Builder#build}
   */
  public static Builder builder(DataSource dataSource) {
    return new Builder(dataSource);
  }

  /** Builds a {@link PostgresSubjectKeys}; not thread-safe. */
  public static final class Builder {
    private final DataSource dataSource;
    private String schema = PostgresMigrations.DEFAULT_SCHEMA;
    private byte[] encryptionKey;
    private SecureRandom random = new SecureRandom();
    private Clock clock = Clock.systemUTC();

    private Builder(DataSource dataSource) {
      this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /**
     * The schema of HyreLog's tables.
     *
     * @param schema a lowercase SQL identifier
     * @return this builder
     */
    public Builder schema(String schema) {
      this.schema = Database.requireSchema(schema);
      return this;
    }

    /**
     * The deployment's subject key encryption key, 32 bytes (copied).
     *
     * @param key the key
     * @return this builder
     * @throws IllegalArgumentException when it is not 32 bytes (the message gives the length)
     */
    public Builder encryptionKey(byte[] key) {
      Objects.requireNonNull(key, "encryptionKey");
      if (key.length != SubjectKey.BYTES) {
        throw new IllegalArgumentException("encryptionKey must be " + SubjectKey.BYTES
            + " bytes, got " + key.length);
      }
      this.encryptionKey = key.clone();
      return this;
    }

    /**
     * The deployment's subject key encryption key as 64 hex characters (either case).
     *
     * @param hex the key
     * @return this builder
     * @throws IllegalArgumentException when it is not 64 hex characters (the message gives only
     *     the length, never the text)
     */
    public Builder encryptionKeyHex(String hex) {
      Objects.requireNonNull(hex, "encryptionKey");
      if (hex.length() != 2 * SubjectKey.BYTES) {
        throw new IllegalArgumentException("encryptionKey must be " + 2 * SubjectKey.BYTES
            + " hex characters, got " + hex.length());
      }
      byte[] key;
      try {
        key = HexFormat.of().parseHex(hex);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("encryptionKey must be " + 2 * SubjectKey.BYTES
            + " hex characters; it holds a character that is not hex");
      }
      try {
        return encryptionKey(key);
      } finally {
        Arrays.fill(key, (byte) 0);
      }
    }

    /**
     * The source of key material, key ids, peppers and nonces (seeded only in tests).
     *
     * @param random the source
     * @return this builder
     */
    public Builder random(SecureRandom random) {
      this.random = Objects.requireNonNull(random, "random");
      return this;
    }

    /**
     * The clock of creation and destruction times.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * The key store.
     *
     * @return the store; thread-safe
     * @throws IllegalStateException when no encryption key was set
     * @throws io.hyrelog.HyrelogException when the schema is not migrated to V22
     */
    public PostgresSubjectKeys build() {
      if (encryptionKey == null) {
        throw new IllegalStateException("encryptionKey is required");
      }
      return new PostgresSubjectKeys(this);
    }
  }

  /**
   * A new random subject key encryption key in hex, e.g. for an embedded deployment to keep in
   * its data directory.
   *
   * @return 64 lowercase hex characters
   */
  public static String generateKeyHex() {
    byte[] key = new byte[SubjectKey.BYTES];
    new SecureRandom().nextBytes(key);
    try {
      return HexFormat.of().formatHex(key);
    } finally {
      Arrays.fill(key, (byte) 0);
    }
  }

  @Override
  public Optional<Map<DataSubject, SubjectKey>> sealingKeys(EventScope workspace,
      Set<DataSubject> subjects, Instant recordedAt) {
    EventScope ws = workspace.requireWorkspace();
    Objects.requireNonNull(recordedAt, "recordedAt");
    if (subjects.isEmpty()) {
      throw new IllegalArgumentException("sealing needs at least one subject");
    }
    return db.inTransaction("read the subject keys of " + subjects.size()
        + " subject(s) in workspace " + ws.workspaceId(), h -> {
          byte[] pepper = pepper(h, ws.companyId(), "SHARE");
          Map<DataSubject, byte[]> refs = new LinkedHashMap<>();
          subjects.forEach(s -> refs.put(s, SubjectSeal.reference(pepper, s)));
          Arrays.fill(pepper, (byte) 0);
          for (byte[] ref : refs.values()) {
            Optional<Instant> destroyed = h.createQuery("SELECT max(destroyed_at) FROM"
                    + " <schema>.subject_key_tombstones WHERE company_id = ? AND reference = ?"
                    + " AND workspace_id IN (?, ?)")
                .bind(0, ws.companyId()).bind(1, ref).bind(2, ws.workspaceId())
                .bind(3, COMPANY_WIDE)
                .map((rs, ctx) -> Optional.ofNullable(Database.instant(rs, 1))).one();
            if (destroyed.isPresent() && !destroyed.get().isBefore(recordedAt)) {
              return Optional.<Map<DataSubject, SubjectKey>>empty();
            }
          }
          Map<DataSubject, SubjectKey> out = new LinkedHashMap<>();
          refs.forEach((s, ref) -> out.put(s, liveKey(h, ws, ref)
              .orElseGet(() -> create(h, ws, ref))));
          return Optional.of(Collections.unmodifiableMap(out));
        });
  }

  @Override
  public Optional<SubjectKey> key(EventScope workspace, UUID keyId) {
    EventScope ws = workspace.requireWorkspace();
    Objects.requireNonNull(keyId, "keyId");
    return db.first("read subject key " + keyId, "SELECT sealed FROM <schema>.subject_keys"
            + " WHERE id = ? AND company_id = ? AND workspace_id = ?",
            (rs, ctx) -> rs.getBytes(1), keyId, ws.companyId(), ws.workspaceId())
        .map(sealed -> new SubjectKey(keyId, open(sealed, keyAad(ws, keyId), "subject key "
            + keyId)));
  }

  @Override
  public long destroy(EventScope scope, DataSubject subject) {
    Objects.requireNonNull(scope, "scope");
    Objects.requireNonNull(subject, "subject");
    return db.inTransaction("destroy a subject's keys in company " + scope.companyId(), h -> {
      byte[] pepper = pepper(h, scope.companyId(), "UPDATE");
      byte[] ref = SubjectSeal.reference(pepper, subject);
      Arrays.fill(pepper, (byte) 0);
      int destroyed = scope.workspaceId() == null
          ? Database.bind(h.createUpdate("DELETE FROM <schema>.subject_keys WHERE company_id = ?"
              + " AND reference = ?"), scope.companyId(), ref).execute()
          : Database.bind(h.createUpdate("DELETE FROM <schema>.subject_keys WHERE company_id = ?"
              + " AND workspace_id = ? AND reference = ?"), scope.companyId(),
              scope.workspaceId(), ref).execute();
      Database.bind(h.createUpdate("INSERT INTO <schema>.subject_key_tombstones (company_id,"
              + " workspace_id, reference, destroyed_at) VALUES (?, ?, ?, ?) ON CONFLICT"
              + " (company_id, workspace_id, reference) DO UPDATE SET destroyed_at ="
              + " greatest(subject_key_tombstones.destroyed_at, EXCLUDED.destroyed_at)"),
          scope.companyId(), scope.workspaceId() == null ? COMPANY_WIDE : scope.workspaceId(),
          ref, clock.instant()).execute();
      return (long) destroyed;
    });
  }

  /** The company's pepper, created when missing, its row locked FOR {@code lock}. */
  private byte[] pepper(Handle h, UUID companyId, String lock) {
    byte[] fresh = new byte[PEPPER_BYTES];
    random.nextBytes(fresh);
    Database.bind(h.createUpdate("INSERT INTO <schema>.subject_key_peppers (company_id, sealed,"
            + " created_at) VALUES (?, ?, ?) ON CONFLICT (company_id) DO NOTHING"), companyId,
        seal(fresh, pepperAad(companyId)), clock.instant()).execute();
    Arrays.fill(fresh, (byte) 0);
    byte[] sealed = h.createQuery("SELECT sealed FROM <schema>.subject_key_peppers"
            + " WHERE company_id = ? FOR " + lock).bind(0, companyId)
        .map((rs, ctx) -> rs.getBytes(1)).one();
    return open(sealed, pepperAad(companyId), "the subject pepper of company " + companyId);
  }

  private Optional<SubjectKey> liveKey(Handle h, EventScope ws, byte[] ref) {
    return h.createQuery("SELECT id, sealed FROM <schema>.subject_keys WHERE company_id = ?"
            + " AND workspace_id = ? AND reference = ?")
        .bind(0, ws.companyId()).bind(1, ws.workspaceId()).bind(2, ref)
        .map((rs, ctx) -> {
          UUID id = rs.getObject(1, UUID.class);
          return new SubjectKey(id, open(rs.getBytes(2), keyAad(ws, id), "subject key " + id));
        }).findFirst();
  }

  /** Creates the subject's key; of racing creators one inserts, all read the same row. */
  private SubjectKey create(Handle h, EventScope ws, byte[] ref) {
    SubjectKey fresh = SubjectKey.generate(random);
    UUID id = fresh.id();
    byte[] material = fresh.material();
    Database.bind(h.createUpdate("INSERT INTO <schema>.subject_keys (id, company_id,"
            + " workspace_id, reference, sealed, created_at) VALUES (?, ?, ?, ?, ?, ?)"
            + " ON CONFLICT (company_id, workspace_id, reference) DO NOTHING"), id,
        ws.companyId(), ws.workspaceId(), ref, seal(material, keyAad(ws, id)), clock.instant())
        .execute();
    Arrays.fill(material, (byte) 0);
    return liveKey(h, ws, ref).orElseThrow(() -> new IllegalStateException(
        "a subject key of workspace " + ws.workspaceId() + " vanished while it was created"));
  }

  private static byte[] pepperAad(UUID companyId) {
    return ("hyrelog/subject-pepper/v1\n" + companyId).getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] keyAad(EventScope ws, UUID keyId) {
    return ("hyrelog/subject-key/v1\n" + ws.companyId() + "\n" + ws.workspaceId() + "\n"
        + keyId).getBytes(StandardCharsets.UTF_8);
  }

  private byte[] seal(byte[] plain, byte[] aad) {
    byte[] nonce = new byte[NONCE_BYTES];
    random.nextBytes(nonce);
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.ENCRYPT_MODE, wrapKey, new GCMParameterSpec(TAG_BITS, nonce));
      c.updateAAD(aad);
      byte[] out = new byte[NONCE_BYTES + c.getOutputSize(plain.length)];
      System.arraycopy(nonce, 0, out, 0, NONCE_BYTES);
      c.doFinal(plain, 0, plain.length, out, NONCE_BYTES);
      return out;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM failed to seal", e);
    }
  }

  private byte[] open(byte[] sealed, byte[] aad, String what) {
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.DECRYPT_MODE, wrapKey, new GCMParameterSpec(TAG_BITS, sealed, 0,
          NONCE_BYTES));
      c.updateAAD(aad);
      return c.doFinal(sealed, NONCE_BYTES, sealed.length - NONCE_BYTES);
    } catch (AEADBadTagException e) {
      throw new PostgresStorageException("open " + what, e, "it was sealed under another"
          + " subject key encryption key or for another row, or changed; check"
          + " HYRELOG_SUBJECT_KEY_ENCRYPTION_KEY");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM failed to open", e);
    }
  }

  @Override
  public String toString() {
    return "PostgresSubjectKeys[" + db.schema() + ", encryption key <masked>]";
  }
}
