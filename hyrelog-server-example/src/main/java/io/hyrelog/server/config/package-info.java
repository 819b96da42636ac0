/**
 * The settings the server's features receive (evidence, signing, compliance exports, S3), each
 * read from the environment by its {@code fromEnv} and validated at once, and {@link
 * io.hyrelog.server.config.ConfigException}. Depends on no other server package, so every
 * server package may use it; {@link io.hyrelog.server.ServerConfig} gathers them.
 */
package io.hyrelog.server.config;
