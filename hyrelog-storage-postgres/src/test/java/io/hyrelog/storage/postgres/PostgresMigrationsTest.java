package io.hyrelog.storage.postgres;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Names that are not lowercase SQL identifiers are refused at once, naming the parameter,
 * before anything connects (the data source here points at no server).
 */
class PostgresMigrationsTest {
  private static final DataSource NOWHERE = nowhere();

  private static DataSource nowhere() {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setURL("jdbc:postgresql://127.0.0.1:1/none?connectTimeout=1");
    return ds;
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "Hyrelog", "1schema", "audit-log", "audit log", "a\"b",
      "hyrelog; DROP TABLE x", "pg_audit", "é",
      "a23456789012345678901234567890123456789012345678901234567890abcd"}) // 64 characters
  void schema_notAnIdentifier_isRefusedByTheMigrationsAndEveryStore(String bad) {
    List<Consumer<String>> takers = List.of(
        s -> PostgresMigrations.builder(NOWHERE).schema(s),
        s -> PostgresEventStore.builder(NOWHERE).schema(s),
        s -> PostgresTenants.create(NOWHERE, s),
        s -> PostgresJobRuns.create(NOWHERE, s),
        s -> PostgresArchiveCatalog.create(NOWHERE, s),
        s -> PostgresExports.create(NOWHERE, s, PostgresExports.DEFAULT_FETCH_SIZE),
        s -> PostgresRestoreRequests.create(NOWHERE, s),
        s -> PostgresAdminAuditLog.create(NOWHERE, s),
        s -> PostgresSnapshots.create(NOWHERE, s));
    for (Consumer<String> taker : takers) {
      assertThatThrownBy(() -> taker.accept(bad)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("schema must");
    }
  }

  @Test
  void builder_badHistoryTableOrRole_isRefusedNamingTheParameter() {
    assertThatThrownBy(() -> PostgresMigrations.builder(NOWHERE).historyTable("History"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("historyTable must be a lowercase SQL identifier")
        .hasMessageContaining("'History'");
    assertThatThrownBy(() -> PostgresMigrations.builder(NOWHERE).applicationRole("app role"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("applicationRole must be a lowercase SQL identifier");
    assertThatThrownBy(() -> PostgresMigrations.builder(NOWHERE).applicationRole(""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("applicationRole must");
    assertThatThrownBy(() -> PostgresMigrations.builder(NOWHERE).schema(null))
        .isInstanceOf(NullPointerException.class).hasMessage("schema");
  }
}
