package io.hyrelog.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hyrelog.DataSubject;
import io.hyrelog.EventScope;
import io.hyrelog.spi.SubjectKey;
import io.hyrelog.spi.SubjectKeyring;
import io.hyrelog.testkit.MutableClock;
import io.hyrelog.testkit.SeededRandom;
import io.hyrelog.testkit.SubjectKeysContract;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link PostgresSubjectKeys} passes the contract on a real PostgreSQL as the application role;
 * its tables hold no subject value and no key material in clear; a wrong deployment key opens
 * nothing and says so without showing a key.
 */
class PostgresSubjectKeysIT extends SubjectKeysContract {
  static final String KEY_HEX = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
  private PostgresFixture.Database db;

  /** The subject keys of {@code db}, as the application role, with seeded randomness. */
  static PostgresSubjectKeys keys(PostgresFixture.Database db, java.time.Clock clock) {
    return PostgresSubjectKeys.builder(db.app()).encryptionKeyHex(KEY_HEX).clock(clock)
        .random(SeededRandom.secure(3)).build();
  }

  @Override
  protected SubjectKeyring newKeys(MutableClock clock) {
    db = PostgresFixture.newDatabase();
    return keys(db, clock);
  }

  @AfterEach
  void closeDatabase() {
    if (db != null) {
      db.close();
    }
  }

  @Test
  void tables_holdNoSubjectValueAndNoKeyInClear() throws Exception {
    SubjectKey k = keys.sealingKeys(ws1, Set.of(ada), T0).orElseThrow().get(ada);
    keys.destroy(ws2, ada);
    List<byte[]> cells = new ArrayList<>();
    try (Connection c = db.owner().getConnection(); Statement s = c.createStatement()) {
      for (String table : List.of("subject_key_peppers", "subject_keys",
          "subject_key_tombstones")) {
        try (ResultSet rs = s.executeQuery("SELECT * FROM hyrelog." + table)) {
          int columns = rs.getMetaData().getColumnCount();
          while (rs.next()) {
            for (int i = 1; i <= columns; i++) {
              cells.add(rs.getBytes(i));
            }
          }
        }
      }
    }
    assertThat(cells).isNotEmpty();
    String material = HexFormat.of().formatHex(k.material());
    for (byte[] cell : cells) {
      String text = new String(cell, StandardCharsets.ISO_8859_1);
      assertThat(text).doesNotContain("ada@example.com");
      assertThat(HexFormat.of().formatHex(cell)).doesNotContain(material)
          .doesNotContain(HexFormat.of().formatHex("ada@example.com"
              .getBytes(StandardCharsets.UTF_8)));
    }
  }

  @Test
  void otherDeploymentKey_opensNothingAndNamesTheSetting() {
    SubjectKey k = keys.sealingKeys(ws1, Set.of(ada), T0).orElseThrow().get(ada);
    String other = "ff" + KEY_HEX.substring(2);
    SubjectKeyring wrong = PostgresSubjectKeys.builder(db.app()).encryptionKeyHex(other)
        .clock(clock).build();
    assertThatThrownBy(() -> wrong.key(ws1, k.id()))
        .isInstanceOf(PostgresStorageException.class)
        .hasMessageContaining("HYRELOG_SUBJECT_KEY_ENCRYPTION_KEY")
        .hasMessageNotContaining(other).hasMessageNotContaining(KEY_HEX);
    assertThatThrownBy(() -> wrong.destroy(EventScope.company(company),
        DataSubject.actorEmail("x@example.com")))
        .isInstanceOf(PostgresStorageException.class);
  }

  @Test
  void builder_badEncryptionKey_refusedNamingTheParameter() {
    assertThatThrownBy(() -> PostgresSubjectKeys.builder(db.app()).encryptionKeyHex("abc"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("encryptionKey")
        .hasMessageContaining("got 3");
    assertThatThrownBy(() -> PostgresSubjectKeys.builder(db.app())
        .encryptionKeyHex("zz" + KEY_HEX.substring(2)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not hex")
        .hasMessageNotContaining("zz");
    assertThatThrownBy(() -> PostgresSubjectKeys.builder(db.app()).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("encryptionKey");
  }
}
