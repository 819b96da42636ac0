INSERT INTO customers (email) VALUES ('owner@host.example');
INSERT INTO events (name) VALUES ('host-started');
