package io.hyrelog.server;

import io.hyrelog.server.config.ConfigException;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import java.net.URL;
import java.util.Locale;
import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * Log format and level from {@code HYRELOG_LOG_FORMAT} (text or json) and
 * {@code HYRELOG_LOG_LEVEL}. Every line carries the request and trace ids of its request.
 */
final class Logging {
  private Logging() {}

  static void configure(Map<String, String> env) {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx)) {
      return; // another SLF4J binding: leave its configuration alone
    }
    String format = env.getOrDefault("HYRELOG_LOG_FORMAT", "text").strip()
        .toLowerCase(Locale.ROOT);
    if (format.equals("json")) {
      URL json = Logging.class.getResource("/logback-json.xml");
      ctx.reset();
      JoranConfigurator j = new JoranConfigurator();
      j.setContext(ctx);
      try {
        j.doConfigure(json);
      } catch (JoranException e) {
        throw new ConfigException("cannot configure JSON logging: "
            + e.getMessage());
      }
    }
    String level = env.get("HYRELOG_LOG_LEVEL");
    if (level != null && !level.isBlank()) {
      Level l = Level.toLevel(level.strip(), null);
      if (l == null) {
        throw new ConfigException("HYRELOG_LOG_LEVEL must be one of TRACE, DEBUG,"
            + " INFO, WARN, ERROR, got '" + level + "'");
      }
      ctx.getLogger("io.hyrelog").setLevel(l);
    }
  }
}
