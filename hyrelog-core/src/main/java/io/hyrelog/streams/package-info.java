/**
 * Lazy iteration shared by every module: {@link io.hyrelog.streams.LookAheadIterator}, the one
 * look-ahead iterator (and stream) that holds at most one element ahead of its consumer.
 */
package io.hyrelog.streams;
