package io.hyrelog.benchmarks.support;

import io.hyrelog.storage.postgres.PostgresMigrations;
import io.hyrelog.storage.postgres.internal.EventRows;

/**
 * The baselines' raw JDBC access to the store's tables: the store's own statements, whose
 * tables are written {@code <schema>.table}, with the schema put in as the store's plain-JDBC
 * path does ({@link EventRows#render}), so a baseline pays no mapping layer.
 */
public final class RawRows {
  /** The schema the benchmarks migrate and load. */
  public static final String SCHEMA = PostgresMigrations.DEFAULT_SCHEMA;

  private RawRows() {}

  /** {@code template} with its {@code <schema>} attribute replaced by {@link #SCHEMA}. */
  public static String sql(String template) {
    return EventRows.render(template, SCHEMA);
  }
}
