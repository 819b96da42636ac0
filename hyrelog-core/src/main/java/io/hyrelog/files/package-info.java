/**
 * Durable files: {@link io.hyrelog.files.StagedFile} writes a file under a temporary name and
 * publishes it (never replacing, or atomically replacing) with one fsync policy, and {@link
 * io.hyrelog.files.FileMode} creates files and directories with their permissions from the
 * start (private ones {@code 0600}/{@code 0700}). Every module that puts a file into place uses
 * them.
 */
package io.hyrelog.files;
