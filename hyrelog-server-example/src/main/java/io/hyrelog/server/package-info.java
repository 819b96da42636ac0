/**
 * The example HTTP server. It arrives with the server issue; this module is part of the reactor
 * from the start.
 */
package io.hyrelog.server;
