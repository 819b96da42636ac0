package io.hyrelog.server;

import io.hyrelog.server.config.ConfigException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** Turns {@code postgres://user:pass@host:port/db?opts} into a JDBC URL; JDBC URLs pass. */
final class DatabaseUrls {
  private DatabaseUrls() {}

  static String toJdbc(String variable, String url) {
    if (url.startsWith("jdbc:postgresql:")) {
      return url;
    }
    if (!url.startsWith("postgres://") && !url.startsWith("postgresql://")) {
      throw new ConfigException(variable + " must be a jdbc:postgresql: or"
          + " postgres:// URL");
    }
    URI u;
    try {
      u = new URI(url);
    } catch (URISyntaxException e) {
      throw new ConfigException(variable + " is not a valid URL (check that"
          + " special characters in the password are percent-encoded)");
    }
    if (u.getHost() == null) {
      throw new ConfigException(variable + " names no host");
    }
    StringBuilder jdbc = new StringBuilder("jdbc:postgresql://").append(
        u.getHost().contains(":") && !u.getHost().startsWith("[") ? "[" + u.getHost() + "]"
            : u.getHost());
    if (u.getPort() > 0) {
      jdbc.append(':').append(u.getPort());
    }
    String path = u.getRawPath();
    jdbc.append(path == null || path.isEmpty() ? "/postgres" : path);
    StringBuilder q = new StringBuilder();
    if (u.getRawUserInfo() != null) {
      String[] up = u.getRawUserInfo().split(":", 2);
      q.append("user=").append(enc(dec(up[0])));
      if (up.length > 1) {
        q.append("&password=").append(enc(dec(up[1])));
      }
    }
    if (u.getRawQuery() != null && !u.getRawQuery().isEmpty()) {
      q.append(q.length() > 0 ? "&" : "").append(u.getRawQuery());
    }
    if (q.length() > 0) {
      jdbc.append('?').append(q);
    }
    return jdbc.toString();
  }

  private static String dec(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
