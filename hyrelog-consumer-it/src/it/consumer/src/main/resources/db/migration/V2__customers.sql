CREATE TABLE customers (
  name TEXT PRIMARY KEY
);
