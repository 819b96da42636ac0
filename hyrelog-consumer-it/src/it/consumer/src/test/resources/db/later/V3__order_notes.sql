-- A migration the application adds in a later release, after HyreLog's schema exists.
ALTER TABLE orders ADD COLUMN note TEXT;
