/**
 * PostgreSQL adapter of the {@link io.hyrelog.spi.EventStore} port. The store itself arrives with
 * the PostgreSQL issue; this module is part of the reactor from the start so that the build shape
 * stays fixed.
 */
package io.hyrelog.storage.postgres;
