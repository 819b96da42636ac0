package io.hyrelog.server.config;

import io.hyrelog.HyrelogException;

/** A setting that is missing or malformed; the message names the variable. */
public final class ConfigException extends HyrelogException {
  private static final long serialVersionUID = 1L;

  public ConfigException(String message) {
    super(message);
  }
}
