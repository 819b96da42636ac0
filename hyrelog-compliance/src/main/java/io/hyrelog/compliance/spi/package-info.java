/** Ports of the compliance module: what an external signing backend must provide. */
package io.hyrelog.compliance.spi;
