-- The application's own tables, in its default schema, migrated by its own Flyway.
CREATE TABLE orders (
  id BIGSERIAL PRIMARY KEY,
  customer TEXT NOT NULL,
  total_cents BIGINT NOT NULL
);
