package io.hyrelog.storage.postgres;

import io.hyrelog.DataSubject;
import io.hyrelog.EventScope;
import io.hyrelog.spi.SubjectTraces;
import javax.sql.DataSource;

/**
 * The {@link SubjectTraces} of one region's database: the filters of export jobs (table {@code
 * export_jobs}, whose {@code filters} keep the request's JSON as given). A filter equal to an
 * erased actor id or email is replaced by {@value #ERASED}, which selects nothing (the erased
 * values are gone from the events too), in every export job of the company whatever its scope.
 * Thread-safe and idempotent.
 */
public final class PostgresSubjectTraces implements SubjectTraces {
  /** What replaces an erased filter value. */
  public static final String ERASED = "[erased]";
  private final Database db;

  private PostgresSubjectTraces(Database db) {
    this.db = db;
  }

  /**
   * The traces in {@code schema} of {@code dataSource}'s database.
   *
   * @param dataSource the database, migrated by {@link PostgresMigrations}
   * @param schema the schema of HyreLog's tables
   * @return the traces; thread-safe
   */
  public static PostgresSubjectTraces create(DataSource dataSource, String schema) {
    return new PostgresSubjectTraces(Database.open(dataSource, schema, "export_jobs"));
  }

  /**
   * The traces in the default schema.
   *
   * @param dataSource the database
   * @return the traces
   */
  public static PostgresSubjectTraces create(DataSource dataSource) {
    return create(dataSource, PostgresMigrations.DEFAULT_SCHEMA);
  }

  @Override
  public long erase(EventScope scope, DataSubject subject) {
    String field = switch (subject.kind()) {
      case ACTOR_ID -> "actorId";
      case ACTOR_EMAIL -> "actorEmail";
      case METADATA -> null; // export filters do not select by metadata
    };
    if (field == null) {
      return 0;
    }
    return db.update("erase export filters", "UPDATE <schema>.export_jobs SET filters ="
        + " (filters::jsonb || jsonb_build_object(?::text, ?::text))::json"
        + " WHERE company_id = ? AND filters::jsonb ->> ? = ?", field, ERASED,
        scope.companyId(), field, subject.value());
  }
}
