package io.hyrelog.benchmarks;

import io.hyrelog.storage.postgres.PostgresMigrations;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * The baselines' raw JDBC access to the store's tables: the store's own statements (whose
 * tables are written {@code <schema>.table}, rendered by Jdbi in the store) with the schema put
 * in, and their positional arguments bound directly, so a baseline pays no mapping layer.
 */
final class RawRows {
  /** The schema the benchmarks migrate and load. */
  static final String SCHEMA = PostgresMigrations.DEFAULT_SCHEMA;

  private RawRows() {}

  /** {@code template} with its {@code <schema>} attribute replaced by {@link #SCHEMA}. */
  static String sql(String template) {
    return template.replace("<schema>", SCHEMA);
  }

  /** Binds positional arguments 1, 2, … ({@code null} as an untyped NULL). */
  static void bind(PreparedStatement ps, Object[] args) throws SQLException {
    for (int i = 0; i < args.length; i++) {
      ps.setObject(i + 1, args[i]);
    }
  }
}
