-- A host application's own Flyway migrations, in its own schema (public) with its own history
-- (flyway_schema_history): a table named like one of HyreLog's on purpose.
CREATE TABLE customers (
  id    bigserial PRIMARY KEY,
  email text NOT NULL
);
CREATE TABLE events (
  id   bigserial PRIMARY KEY,
  name text NOT NULL
);
